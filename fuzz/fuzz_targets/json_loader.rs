#![no_main]
//! The strict JSON loader: see `harness::json_loader`.

use libfuzzer_sys::fuzz_target;

// Each target uses part of the shared harness.
#[allow(dead_code)]
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::json_loader(data));
