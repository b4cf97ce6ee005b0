//! The parse floor: read each file and parse it with serde_json, nothing
//! else. `scripts/bench.sh` compares asl-lint with it on the same files in the
//! same run. Built as a Cargo example so it never ships in the binary.
//!
//! Usage: parse_floor FILE...

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut parsed = 0usize;
    let mut failed = 0usize;
    for path in std::env::args_os().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(value) => {
                    // Keep the parse from being optimised away.
                    parsed += usize::from(!value.is_null());
                }
                Err(_) => failed += 1,
            },
            Err(_) => failed += 1,
        }
    }
    eprintln!("parse_floor: {parsed} parsed, {failed} failed");
    ExitCode::SUCCESS
}
