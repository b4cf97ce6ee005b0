//! The resource catalogue is written and reviewed as TOML
//! (`src/catalog/resources.toml`), but parsing TOML at start-up took two
//! thirds of the instructions of linting one small file (callgrind: 1.74M of
//! 2.73M). The build converts it to JSON once, which serde_json reads into the
//! same types for a fraction of that.

use std::path::Path;

fn main() {
    let source = "src/catalog/resources.toml";
    println!("cargo::rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("resources.json"), json)
        .unwrap_or_else(|e| panic!("writing resources.json: {e}"));
    for (source, name) in [
        ("data/iam/integrations.toml", "iam-integrations.json"),
        ("data/iam/sdk.toml", "iam-sdk.json"),
    ] {
        toml_to_json(source, name);
    }
    aws_models_table();
}

/// The IAM data (`data/iam/*.toml`, read by `src/catalog/iam.rs`) as JSON,
/// for the same reason as the catalogue.
fn toml_to_json(source: &str, name: &str) {
    println!("cargo::rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join(name), json)
        .unwrap_or_else(|e| panic!("writing {name}: {e}"));
}

/// `data/aws-models/*.json.gz` as a sorted table of `include_bytes!`, so each
/// service model is embedded once and decompressed only when a definition
/// calls that service (`src/catalog/aws_models.rs`).
fn aws_models_table() {
    let dir = Path::new("data/aws-models");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".json.gz")?.to_string())
        })
        .collect();
    names.sort();
    let mut table = String::from("static SERVICES: &[(&str, &[u8])] = &[\n");
    for name in &names {
        table.push_str(&format!(
            "    ({name:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/data/aws-models/{name}.json.gz\"))),\n"
        ));
    }
    table.push_str("];\n");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("aws_models.rs"), table)
        .unwrap_or_else(|e| panic!("writing aws_models.rs: {e}"));
}
