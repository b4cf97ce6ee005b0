//! What each fuzz target runs, shared with `tests/robustness.rs`, which
//! replays every saved crash input in `tests/fuzz-regressions/TARGET/`.
//!
//! Besides "no panic", the loaders must keep their promise to every
//! renderer: each span of a parsed tree lies inside the text and on
//! character boundaries, so slicing it never panics.

use asl_lint::engine::{self, Input, Settings, Source, Summary};
use asl_lint::loader::tree::{self, Node, Span};
use asl_lint::loader::{self, FileKind, LoadedFile};
use asl_lint::render::{self, Format, RenderOptions};

fn check(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what} span {span:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} span {span:?} splits a character"
    );
}

fn check_tree(text: &str, root: &Node) {
    check(text, root.span, "root");
    tree::walk(root, |_, _, node| {
        check(text, node.span, "node");
        if let tree::Value::Object(o) = &node.value {
            for m in &o.members {
                check(text, m.key_span, "key");
            }
        }
        true
    });
}

fn check_loaded(file: &LoadedFile) {
    if let Some(root) = &file.tree {
        check_tree(&file.text, root);
    }
    for definition in file.definitions() {
        check_tree(&file.text, definition.root);
    }
}

/// The strict JSON loader (standalone `*.asl.json` files), plain and with
/// template placeholders allowed.
pub fn json_loader(data: &[u8]) {
    check_loaded(&loader::load(data.to_vec(), FileKind::Json));
    check_loaded(&loader::load_templated(data.to_vec(), FileKind::Json));
}

/// The YAML loader and the template extraction behind it (CloudFormation,
/// SAM, Serverless, DefinitionString byte maps), plus the Terraform scanner.
/// The first byte picks the file kind so one corpus reaches all three.
pub fn yaml_template_loader(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = match selector % 3 {
        0 => FileKind::Yaml,
        1 => FileKind::Json,
        _ => FileKind::Terraform,
    };
    check_loaded(&loader::load(rest.to_vec(), kind));
    if kind != FileKind::Terraform {
        check_loaded(&loader::load_templated(rest.to_vec(), kind));
    }
}

const NAMES: [&str; 6] = [
    "fuzz.asl.json",
    "fuzz.asl.yaml",
    "template.yaml",
    "template.json",
    "main.tf",
    "cdk.out/Stack.template.json",
];

/// Bytes to rendered diagnostics: loading, the model, the graph, every rule
/// (on by default or not), the cost estimate and all eight report formats.
/// The first byte picks the file name (and so the kind) and the text
/// options. A panic anywhere is caught by the engine as `internal-error`,
/// so that finding is a crash here too.
pub fn pipeline(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let input = Input {
        display: NAMES[selector as usize % NAMES.len()].to_string(),
        source: Source::Stdin(rest.to_vec()),
        explicit: true,
    };
    let settings = Settings::with_rules(asl_lint::rules::RULES.to_vec());
    let report = engine::lint_input(&input, &settings);
    if let Some(f) = report.findings.iter().find(|f| f.rule == "internal-error") {
        panic!("internal error: {}", f.message);
    }
    let reports = [report];
    let summary = Summary::of(&reports);
    let options = RenderOptions {
        rich_text: selector & 0x80 != 0,
        color: selector & 0x40 != 0,
        width: 80,
    };
    for format in Format::ALL {
        let out = render::render(format, &reports, &summary, &options);
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "{format:?} output is not JSON"
            );
        }
    }
    let _ = engine::estimate_all(&[input], &Default::default());
}

/// `--fix --unsafe-fixes` in memory: never a panic, never a result that does
/// not parse when the input did, a text with no fix never changes, and a
/// second pass over the result changes nothing more than the first left to
/// do (it is bounded, so it may still find work; it must not break the text).
pub fn fix(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let input = Input {
        display: NAMES[selector as usize % 4].to_string(),
        source: Source::Stdin(rest.to_vec()),
        explicit: true,
    };
    let settings = Settings::with_rules(asl_lint::rules::RULES.to_vec());
    let before = engine::lint_bytes_guarded(&input, rest.to_vec(), &settings);
    let parses = |r: &engine::FileReport| {
        !r.findings
            .iter()
            .any(|f| matches!(f.rule, "invalid-json" | "invalid-yaml" | "internal-error"))
    };
    let fixable = before.findings.iter().any(|f| f.fix.is_some());
    let fixed = asl_lint::fix::fix_bytes(&input, rest.to_vec(), &settings, true);
    if !fixable {
        assert!(
            !fixed.changed(),
            "a text whose findings have no fix changed"
        );
    }
    if parses(&before) {
        assert!(parses(&fixed.report), "the fixed text no longer parses");
    }
    if let Some(f) = fixed
        .report
        .findings
        .iter()
        .find(|f| f.rule == "internal-error")
    {
        panic!("internal error after fixing: {}", f.message);
    }
}
