#![no_main]
//! Bytes to rendered diagnostics in every format: see `harness::pipeline`.

use libfuzzer_sys::fuzz_target;

// Each target uses part of the shared harness.
#[allow(dead_code)]
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::pipeline(data));
