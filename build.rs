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
}
