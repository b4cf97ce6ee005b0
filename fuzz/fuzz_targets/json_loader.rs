#![no_main]
//! The strict JSON loader (standalone `*.asl.json` files), plain and with
//! template placeholders allowed.

use asl_lint::loader::{self, FileKind};
use libfuzzer_sys::fuzz_target;

#[path = "spans.rs"]
mod spans;

fuzz_target!(|data: &[u8]| {
    spans::check_loaded(&loader::load(data.to_vec(), FileKind::Json));
    spans::check_loaded(&loader::load_templated(data.to_vec(), FileKind::Json));
});
