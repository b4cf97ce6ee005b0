#![no_main]
//! The YAML loader and the template extraction behind it (CloudFormation,
//! SAM, Serverless, DefinitionString byte maps), plus the Terraform scanner.
//! The first byte picks the file kind so one corpus reaches all three.

use asl_lint::loader::{self, FileKind};
use libfuzzer_sys::fuzz_target;

#[path = "spans.rs"]
mod spans;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = match selector % 3 {
        0 => FileKind::Yaml,
        1 => FileKind::Json,
        _ => FileKind::Terraform,
    };
    spans::check_loaded(&loader::load(rest.to_vec(), kind));
    if kind != FileKind::Terraform {
        spans::check_loaded(&loader::load_templated(rest.to_vec(), kind));
    }
});
