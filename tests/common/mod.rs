//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use asl_lint::engine::{self, FileReport, Input, Settings, Source};
use asl_lint::render::text::{TextOptions, render_finding};
use asl_lint::rules::Rule;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus, when this checkout sits beside it.
pub fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        // On stdout as well as stderr: `cargo test` shows a test's stdout
        // when asked (`--nocapture`), and a skip must not pass unnoticed.
        let notice = "NOTICE: ../shared/corpus not found; the corpus part of this test did not run";
        println!("{notice}");
        eprintln!("{notice}");
        None
    }
}

/// The path relative to the crate root, with forward slashes.
pub fn display(path: &Path) -> String {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// Lints one file with only the given rules enabled.
pub fn lint_file(path: &Path, rules: &[&'static Rule]) -> FileReport {
    let input = Input {
        display: display(path),
        source: Source::Path(path.to_path_buf()),
        explicit: true,
    };
    engine::lint_input(&input, &Settings::with_rules(rules.to_vec()))
}

/// Lints in-memory text as `name` with every default rule.
pub fn lint_text(name: &str, text: &str) -> FileReport {
    let input = Input {
        display: name.to_string(),
        source: Source::Stdin(text.as_bytes().to_vec()),
        explicit: true,
    };
    engine::lint_input(&input, &Settings::default())
}

/// Lints in-memory text with the default rules plus `extra` (for rules that
/// are off by default).
pub fn lint_text_with(name: &str, text: &str, extra: &'static Rule) -> FileReport {
    let input = Input {
        display: name.to_string(),
        source: Source::Stdin(text.as_bytes().to_vec()),
        explicit: true,
    };
    let mut settings = Settings::default();
    if !settings.rules.iter().any(|r| r.name == extra.name) {
        settings.rules.push(extra);
    }
    engine::lint_input(&input, &settings)
}

/// The deterministic rendering used in snapshots: miette without colour at
/// width 80 and no links, then the concise lines.
pub fn render_for_snapshot(report: &FileReport) -> String {
    let options = TextOptions {
        color: false,
        width: 80,
        links: false,
    };
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&render_finding(f, report.text.as_deref(), &options));
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(&asl_lint::render::concise::render(std::slice::from_ref(
        report,
    )));
    out
}

/// Sorted file paths under `dir`.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The Python the integration tests run (`ASL_LINT_PYTHON`, which `.ci/run`
/// sets, else `python3`), when it can run `statement` (an import, and any
/// check after it); `None` means the caller prints a skip notice.
#[allow(dead_code)]
pub fn python_with(statement: &str) -> Option<String> {
    let python = std::env::var("ASL_LINT_PYTHON").unwrap_or_else(|_| "python3".to_string());
    std::process::Command::new(&python)
        .args(["-c", &format!("import {statement}")])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(python)
}
