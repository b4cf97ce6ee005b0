//! The language server in a real editor: Neovim (Debian's `neovim`, 0.7
//! here) runs `scripts/nvim_lsp.lua` headless. Its diagnostics must be
//! `asl-lint --format json`'s for the same text, positions converted to
//! UTF-16 as the protocol counts them, and the quick fix it applies must
//! leave the file fixed. Skips with a notice where `nvim` is missing
//! (`.ci/run` installs it).

mod common;

use std::process::Command;

use serde_json::Value;

#[test]
fn neovim_shows_the_cli_findings_and_applies_a_quick_fix() {
    let nvim_found = Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !nvim_found {
        println!(
            "NOTICE: skipping the Neovim test: `nvim` not found (apt-get install -y neovim; .ci/run does)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("order.asl.json");
    // Characters outside the BMP before the findings: UTF-16 columns differ
    // from code points and bytes.
    let text = "{\n  \"Comment\": \"Bestellung 😀😀\", \"StartAt\": \"First\",\n  \"States\": {\n    \"First\": {\"Comment\": \"é😀\", \"Type\": \"Pass\", \"Next\": \"Secnod\"},\n    \"Second\": {\"Type\": \"Succeed\"}\n  }\n}\n";
    std::fs::write(&file, text).unwrap();
    // The CLI's findings on the text as saved, before Neovim fixes it.
    let cli = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let out = dir.path().join("nvim.json");
    let run = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            common::root().join("scripts/nvim_lsp.lua").display()
        ))
        .env("ASL_LINT_BIN", env!("CARGO_BIN_EXE_asl-lint"))
        .env("ASL_LINT_FILE", &file)
        .env("ASL_LINT_OUT", &out)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "nvim wrote no result: {}",
            String::from_utf8_lossy(&run.stderr)
        )
    }))
    .unwrap();
    assert!(result.get("error").is_none(), "{result}");

    let lines: Vec<&str> = text.split('\n').collect();
    let utf16 = |line: u64, column: u64| -> u64 {
        lines[line as usize - 1]
            .chars()
            .take(column as usize - 1)
            .map(|c| c.len_utf16() as u64)
            .sum()
    };
    let mut expected: Vec<(String, u64, u64, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (l, c) = (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
            let (el, ec) = (
                d["end_line"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            );
            (
                d["rule"].as_str().unwrap().to_string(),
                l - 1,
                utf16(l, c),
                el - 1,
                utf16(el, ec),
            )
        })
        .collect();
    let mut shown: Vec<(String, u64, u64, u64, u64)> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    expected.sort();
    shown.sort();
    assert_eq!(
        shown, expected,
        "Neovim's diagnostics differ from the CLI's"
    );
    // Neovim's own columns are bytes: the same place in a third unit.
    let typo = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-transition-target")
        .unwrap();
    let line = lines[typo["lnum"].as_u64().unwrap() as usize];
    assert_eq!(
        typo["col"].as_u64().unwrap() as usize,
        line.find("\"Secnod\"").unwrap()
    );

    assert_eq!(
        result["applied"].as_str().unwrap_or_default(),
        "Change `Secnod` to `Second` [unknown-transition-target]"
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(after, text.replace("\"Secnod\"", "\"Second\""));
    println!(
        "Neovim: {} diagnostics matched the CLI; quick fix applied",
        shown.len()
    );
}
