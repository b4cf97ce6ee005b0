#![no_main]
//! The YAML, template and Terraform loaders: see `harness::yaml_template_loader`.

use libfuzzer_sys::fuzz_target;

// Each target uses part of the shared harness.
#[allow(dead_code)]
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::yaml_template_loader(data));
