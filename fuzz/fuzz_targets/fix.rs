#![no_main]
//! `--fix --unsafe-fixes` on arbitrary definitions and templates: see
//! `harness::fix`.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::fix(data));
