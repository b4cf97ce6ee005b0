//! Hostile and extreme inputs through the whole pipeline: the run always
//! ends, with a located error per bad file and no panic. Timing is measured
//! in `scripts/bench.sh`, never asserted here.

mod common;

use common::lint_text;

fn rules_of(report: &asl_lint::engine::FileReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule).collect()
}

#[test]
fn empty_whitespace_and_binary_files_are_invalid_json() {
    for (name, text) in [
        ("empty", ""),
        ("spaces", "  \n\t\n"),
        ("binary", "\u{0}\u{1}\u{2}PK\u{3}\u{4}"),
    ] {
        let report = lint_text(&format!("{name}.asl.json"), text);
        assert_eq!(rules_of(&report), ["invalid-json"], "{name}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": {}",
        "[".repeat(200_000)
    );
    let report = lint_text("deep.asl.json", &deep);
    assert_eq!(rules_of(&report), ["invalid-json"]);
    assert!(report.findings[0].message.contains("nested deeper than"));
}

#[test]
fn a_huge_result_array_is_fine() {
    let items = vec!["0"; 3_000_000].join(",");
    let text = format!(
        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": [{items}], "End": true}}}}}}"#
    );
    // Over AWS's 1 MiB limit, and nothing else wrong.
    assert_eq!(
        rules_of(&lint_text("big.asl.json", &text)),
        ["definition-too-large"]
    );
}

fn chain(n: usize) -> String {
    let mut states: Vec<String> = (0..n - 1)
        .map(|i| format!(r#""S{i}": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "S{}"}}"#, i + 1))
        .collect();
    states.push(format!(r#""S{}": {{"Type": "Succeed"}}"#, n - 1));
    format!(
        r#"{{"StartAt": "S0", "States": {{{}}}}}"#,
        states.join(",\n")
    )
}

#[test]
fn a_100_000_state_chain_lints_without_recursion() {
    let report = lint_text("chain.asl.json", &chain(100_000));
    assert_eq!(rules_of(&report), ["definition-too-large"]);
    // Break the chain in the middle: everything after it is unreachable,
    // and every one of them is reported.
    let broken = chain(100_000).replace(r#""Next": "S50000""#, r#""Next": "S5000O""#);
    let report = lint_text("chain.asl.json", &broken);
    let unreachable = report
        .findings
        .iter()
        .filter(|f| f.rule == "unreachable-state")
        .count();
    assert_eq!(unreachable, 50_000);
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "unknown-transition-target")
            .count(),
        1
    );
}

#[test]
fn thousands_of_choice_diamonds_do_not_enumerate_paths() {
    let n = 2_000;
    let mut states = Vec::new();
    for i in 0..n {
        let next = if i + 1 < n {
            format!("C{}", i + 1)
        } else {
            "Done".to_string()
        };
        states.push(format!(
            r#""C{i}": {{"Type": "Choice", "Choices": [{{"Variable": "$.x", "BooleanEquals": true, "Next": "L{i}"}}], "Default": "R{i}"}},
               "L{i}": {{"Type": "Pass", "Next": "{next}"}}, "R{i}": {{"Type": "Pass", "Next": "{next}"}}"#
        ));
    }
    states.push(r#""Done": {"Type": "Succeed"}"#.to_string());
    let text = format!(
        r#"{{"StartAt": "C0", "States": {{{}}}}}"#,
        states.join(",\n")
    );
    assert!(lint_text("diamonds.asl.json", &text).findings.is_empty());
}

#[test]
fn awkward_state_names_cannot_break_line_based_output() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "line\nbreak :: 100% \u202e RTL 😀"}}}"#;
    let report = lint_text("names.asl.json", text);
    let concise = asl_lint::render::concise::render(std::slice::from_ref(&report));
    assert_eq!(concise.lines().count(), 1, "{concise}");
    // The newline and the right-to-left override are shown escaped.
    assert!(
        concise.contains(r"line\u{a}break :: 100% \u{202e} RTL 😀"),
        "{concise}"
    );
    let json = asl_lint::render::json::render(
        std::slice::from_ref(&report),
        &asl_lint::engine::Summary::of(std::slice::from_ref(&report)),
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        parsed["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line\nbreak")
    );
}

#[test]
fn truncated_prefixes_of_every_fixture_never_panic() {
    let fixtures = walkdir::WalkDir::new(common::root().join("tests/fixtures"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(".json"));
    let mut cases = 0;
    for entry in fixtures {
        let bytes = std::fs::read(entry.path()).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let step = (text.len() / 40).max(1);
        for cut in (0..text.len())
            .step_by(step)
            .filter(|&c| text.is_char_boundary(c))
        {
            let report = lint_text("cut.asl.json", &text[..cut]);
            assert!(
                !rules_of(&report).contains(&"internal-error"),
                "{} cut at {cut}",
                entry.path().display()
            );
            cases += 1;
        }
    }
    assert!(cases > 500);
}

/// A small deterministic PRNG (xorshift64*), so mutation cases are the same
/// on every run and a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to the parsers: structure, quotes, escapes, YAML
/// indicators, placeholders, and a multi-byte character.
const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"\\",
    b":",
    b",",
    b"\n",
    b"\t",
    b"  ",
    b"- ",
    b"|",
    b">",
    b"#",
    b"&a",
    b"*a",
    b"!Ref ",
    b"!Sub ",
    b"${X}",
    b"States.ALL",
    b"\"Next\": \"Gone\"",
    b"\xc3\xa9",
    b"\xff",
    b"null",
    b"1e400",
    b"-0",
    b"\"Type\": \"Map\"",
];

/// Deletes, inserts, duplicates or swaps a random piece of `input`.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(out.len())..end);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let copy = out[start..end].to_vec();
                out.splice(at..at, copy);
            }
            _ if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = INTERESTING[rng.below(INTERESTING.len())][0];
            }
            _ => {}
        }
    }
    out
}

#[test]
fn mutated_definitions_and_templates_never_panic_in_any_format() {
    use asl_lint::engine::{self, Input, Settings, Source, Summary};
    use asl_lint::render::{self, Format, RenderOptions};
    let root = common::root();
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in ["tests/fixtures", "examples"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let wanted = [".json", ".yaml", ".yml", ".tf"]
                .iter()
                .any(|e| name.ends_with(e));
            if entry.file_type().is_file() && wanted {
                seeds.push((name, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    assert!(seeds.len() > 100, "only {} seeds", seeds.len());
    let settings = Settings::default();
    let options = RenderOptions {
        rich_text: true,
        color: false,
        width: 80,
    };
    // `ASL_LINT_MUTATION_ROUNDS=2500 ASL_LINT_MUTATION_SEED=7 cargo test
    // --release --test robustness mutated` runs a longer search; the
    // default keeps the suite fast.
    let rounds: usize = std::env::var("ASL_LINT_MUTATION_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("ASL_LINT_MUTATION_SEED")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed.max(1));
    let mut cases = 0;
    for (name, bytes) in &seeds {
        for round in 0..rounds {
            let mutated = mutate(&mut rng, bytes);
            let input = Input {
                display: format!("m/{name}"),
                source: Source::Stdin(mutated.clone()),
                explicit: true,
            };
            let report = engine::lint_input(&input, &settings);
            assert!(
                !rules_of(&report).contains(&"internal-error"),
                "{name}, round {round}: {:?}\n{}",
                report
                    .findings
                    .iter()
                    .find(|f| f.rule == "internal-error")
                    .map(|f| &f.message),
                String::from_utf8_lossy(&mutated)
            );
            let reports = [report];
            let summary = Summary::of(&reports);
            for format in Format::ALL {
                let out = render::render(format, &reports, &summary, &options);
                if format == Format::Json || format == Format::Sarif {
                    serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| {
                        panic!("{name}, round {round}: {format:?} is not JSON: {e}")
                    });
                }
            }
            cases += 1;
        }
    }
    assert!(cases > 1000, "only {cases} cases");
}

#[path = "../fuzz/fuzz_targets/harness.rs"]
#[allow(dead_code)]
mod fuzz_harness;

/// Every input a fuzz target once crashed on, saved under
/// `tests/fuzz-regressions/TARGET/`, replayed through the same harness the
/// target runs (`fuzz/fuzz_targets/harness.rs`).
#[test]
fn fuzz_crash_inputs_stay_fixed() {
    let mut replayed = 0;
    for (target, run) in [
        ("json_loader", fuzz_harness::json_loader as fn(&[u8])),
        ("yaml_template_loader", fuzz_harness::yaml_template_loader),
        ("pipeline", fuzz_harness::pipeline),
        ("fix", fuzz_harness::fix),
    ] {
        for path in common::files_in(&common::root().join("tests/fuzz-regressions").join(target)) {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} crashes again",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed >= 2, "only {replayed} saved crash inputs");
}

/// `--fix --unsafe-fixes` on mutated fixtures (the fuzz target's harness):
/// no panic, no result that stops parsing, no change where nothing has a
/// fix.
#[test]
fn mutated_inputs_are_fixed_safely() {
    let root = common::root();
    let mut seeds: Vec<(u8, Vec<u8>)> = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("tests/fixtures")).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        // The harness's first byte picks the name: 0 a JSON definition, 1 a
        // YAML one, 2 a YAML template, 3 a JSON template.
        let selector = if name.ends_with(".template.yaml") {
            2
        } else if name.ends_with(".template.json") {
            3
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            1
        } else if name.ends_with(".json") {
            0
        } else {
            continue;
        };
        if entry.file_type().is_file() {
            seeds.push((selector, std::fs::read(entry.path()).unwrap()));
        }
    }
    let rounds: usize = std::env::var("ASL_LINT_MUTATION_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cases = 0;
    for (selector, bytes) in &seeds {
        for round in 0..rounds {
            let mut data = vec![*selector];
            // Round 0 is the fixture itself.
            data.extend(if round == 0 {
                bytes.clone()
            } else {
                mutate(&mut rng, bytes)
            });
            let outcome = std::panic::catch_unwind(|| fuzz_harness::fix(&data));
            assert!(
                outcome.is_ok(),
                "--fix broke on:\n{}",
                String::from_utf8_lossy(&data[1..])
            );
            cases += 1;
        }
    }
    assert!(cases > 300, "only {cases} cases");
}
