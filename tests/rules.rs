//! Per-rule fixtures: `tests/fixtures/<rule>/fail/*` must trigger the rule
//! (snapshotted), `tests/fixtures/<rule>/pass/*` must not. Each case runs
//! with only its own rule enabled.

mod common;

use std::path::Path;

use asl_lint::diagnostic::Severity;
use asl_lint::engine::{self, Input, Settings, Source};
use asl_lint::rules::{self, Group, Rule};
use common::{files_in, lint_file, render_for_snapshot, root};

/// The rules a fixture runs with: only its own, except suppression rules,
/// which are about other rules' findings and run with the defaults.
fn rules_for(rule: &'static Rule) -> Vec<&'static Rule> {
    if rule.group == Group::Suppression {
        Settings::default().rules
    } else {
        vec![rule]
    }
}

fn fixture_dir(rule: &Rule) -> std::path::PathBuf {
    root().join("tests/fixtures").join(rule.name)
}

#[test]
fn every_rule_has_a_fixture_folder_and_no_folder_is_stale() {
    for rule in rules::RULES {
        let dir = fixture_dir(rule);
        let generated = dir.join("README.md").is_file();
        let fail = files_in(&dir.join("fail"));
        let pass = files_in(&dir.join("pass"));
        assert!(
            generated || (!fail.is_empty() && !pass.is_empty()),
            "rule `{}` needs fixtures in {} (fail/ and pass/), or a README.md saying how its tests make them",
            rule.name,
            dir.display()
        );
    }
    for entry in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            rules::by_name(&name).is_some(),
            "tests/fixtures/{name} names no rule"
        );
    }
}

#[test]
fn fail_fixtures_trigger_their_rule() {
    let mut checked = 0;
    for rule in rules::RULES {
        for path in files_in(&fixture_dir(rule).join("fail")) {
            let mut report = lint_file(&path, &rules_for(rule));
            report.findings.retain(|f| f.rule == rule.name);
            assert!(
                report.findings.iter().any(|f| f.rule == rule.name),
                "{} should trigger `{}`",
                path.display(),
                rule.name
            );
            assert!(report.findings.iter().all(|f| f.severity <= rule.severity));
            let case = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".asl.json", "");
            insta::assert_snapshot!(
                format!("{}@{case}", rule.name),
                render_for_snapshot(&report)
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} fail fixtures ran");
}

#[test]
fn pass_fixtures_do_not_trigger_their_rule() {
    for rule in rules::RULES {
        for path in files_in(&fixture_dir(rule).join("pass")) {
            let report = lint_file(&path, &rules_for(rule));
            let hits: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.name)
                .collect();
            assert!(
                hits.is_empty(),
                "{} should not trigger `{}`: {hits:#?}",
                path.display(),
                rule.name
            );
        }
    }
}

#[test]
fn rule_metadata_is_consistent() {
    let mut names: Vec<_> = rules::RULES.iter().map(|r| r.name).collect();
    let sorted = {
        let mut s = names.clone();
        s.sort();
        s
    };
    assert_eq!(names, sorted, "keep RULES in name order");
    names.dedup();
    assert_eq!(names.len(), rules::RULES.len(), "duplicate rule names");
    for rule in rules::RULES {
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.name
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary ends with a period",
            rule.name
        );
        assert_eq!(
            matches!(rule.group, Group::Input | Group::Suppression),
            rule.check.is_none(),
            "{}: input and suppression rules are reported by the engine, others need a check",
            rule.name
        );
    }
}

#[cfg(unix)]
#[test]
fn io_error_on_fifo_and_dangling_symlink_named_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("x.asl.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let dangling = dir.path().join("gone.asl.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let readable = dir.path().join("ok.asl.json");
    std::fs::write(
        &readable,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    )
    .unwrap();

    let rule = &rules::io_error::RULE;
    for path in [&fifo, &dangling] {
        let mut report = lint_file(path, &[rule]);
        assert_eq!(report.findings.len(), 1, "{}", path.display());
        assert_eq!(report.findings[0].rule, "io-error");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        report.findings[0].file = format!("[TMP]/{name}");
        let case = if path == &fifo {
            "fifo"
        } else {
            "dangling-symlink"
        };
        insta::assert_snapshot!(format!("io-error@{case}"), render_for_snapshot(&report));
    }
    assert!(lint_file(&readable, &[rule]).findings.is_empty());
}

#[test]
fn file_too_large_is_reported_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.asl.json");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: no 65 MiB is written to disk.
    file.set_len(65 * 1024 * 1024).unwrap();
    let mut report = lint_file(&big, &[&rules::file_too_large::RULE]);
    assert_eq!(report.findings.len(), 1);
    report.findings[0].file = "[TMP]/big.asl.json".to_string();
    insta::assert_snapshot!("file-too-large@sparse-65-mib", render_for_snapshot(&report));
}

static PANICKING_RULE: Rule = Rule {
    name: "test-only-panics",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "panics, to test that a panic is contained",
    doc: "",
    default_enabled: false,
    check: Some(|cx, _| {
        if cx.machine.states.iter().any(|s| s.name == "Boom") {
            panic!("rule exploded on purpose");
        }
    }),
    options: &[],
};

#[test]
fn a_panic_becomes_an_internal_error_and_other_files_go_on() {
    engine::install_panic_hook();
    let input = |name: &str, state: &str| Input {
        display: name.to_string(),
        source: Source::Stdin(
            format!(r#"{{"StartAt": "{state}", "States": {{"{state}": {{"Type": "Succeed"}}}}}}"#)
                .into_bytes(),
        ),
        explicit: true,
    };
    let inputs = [
        input("a.asl.json", "Boom"),
        input("b.asl.json", "Fine"),
        input("c.asl.json", "Boom"),
    ];
    let settings = Settings::with_rules(vec![&PANICKING_RULE, &rules::internal_error::RULE]);
    for jobs in [Some(1), Some(2)] {
        let reports = engine::lint_all(&inputs, &settings, jobs);
        assert_eq!(reports.len(), 3);
        assert_eq!(reports[0].findings[0].rule, "internal-error");
        assert!(
            reports[0].findings[0]
                .message
                .contains("rule exploded on purpose")
        );
        assert!(reports[1].findings.is_empty());
        assert_eq!(reports[2].findings[0].rule, "internal-error");
    }
    let mut report = engine::lint_all(&inputs[..1], &settings, None).remove(0);
    // The panic location names a line of this test file; keep the snapshot stable.
    let message = &mut report.findings[0].message;
    *message = message.split(" at ").next().unwrap().to_string() + " at [LOCATION]";
    let help = report.findings[0].help.as_mut().unwrap();
    *help = help.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    insta::assert_snapshot!(
        "internal-error@panicking-rule",
        render_for_snapshot(&report)
    );
}

#[test]
fn a_rule_outside_the_settings_does_not_report() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/unreachable-state/fail/orphan-and-island.asl.json");
    let report = lint_file(&path, &[&rules::duplicate_key::RULE]);
    assert!(report.findings.is_empty());
}

#[test]
fn definition_too_large_is_reported_and_still_analysed() {
    let definition = |filler: usize| {
        format!(
            r#"{{"StartAt": "Big", "States": {{"Big": {{"Type": "Pass", "Result": "{}", "Next": "Missing"}}}}}}"#,
            "x".repeat(filler)
        )
    };
    let limit = rules::definition_too_large::MAX_DEFINITION_CHARS;
    let overhead = definition(0).chars().count();
    let settings = Settings::with_rules(vec![
        &rules::definition_too_large::RULE,
        &rules::unknown_transition_target::RULE,
    ]);
    let lint = |text: String| {
        let input = Input {
            display: "big.asl.json".to_string(),
            source: Source::Stdin(text.into_bytes()),
            explicit: true,
        };
        engine::lint_input(&input, &settings)
    };
    let over = lint(definition(1_100_000 - overhead));
    let rules_hit: Vec<&str> = over.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules_hit,
        ["definition-too-large", "unknown-transition-target"],
        "still analysed"
    );
    let mut report = over;
    report.findings.truncate(1);
    report.text = None;
    insta::assert_snapshot!(
        "definition-too-large@over-the-limit",
        render_for_snapshot(&report)
    );
    let at_limit = lint(definition(limit - overhead));
    assert!(
        at_limit
            .findings
            .iter()
            .all(|f| f.rule != "definition-too-large")
    );
}
