#![no_main]
//! Bytes to rendered diagnostics: loading, the model, the graph, every rule
//! (on by default or not), the cost estimate and all eight report formats.
//! A panic anywhere is caught by the engine as `internal-error`, so that
//! finding is a crash here too.

use asl_lint::engine::{self, Input, Settings, Source, Summary};
use asl_lint::render::{self, Format, RenderOptions};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = [
    "fuzz.asl.json",
    "fuzz.asl.yaml",
    "template.yaml",
    "template.json",
    "main.tf",
    "cdk.out/Stack.template.json",
];

const FORMATS: [Format; 8] = [
    Format::Text,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
    Format::Gitlab,
    Format::Checkstyle,
];

fuzz_target!(|data: &[u8]| {
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
    for format in FORMATS {
        let out = render::render(format, &reports, &summary, &options);
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "{format:?} output is not JSON"
            );
        }
    }
    let _ = engine::estimate_all(&[input], &Default::default());
});
