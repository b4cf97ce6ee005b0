//! Runs asl-lint over the shared corpus of real definitions, when this
//! checkout sits beside it (`../shared/corpus`); skips with a notice otherwise.
//!
//! Asserts that no file panics or gets an internal error, and prints what
//! each rule found, so changes in behaviour show up in the test log.

mod common;

use std::collections::BTreeMap;

use asl_lint::discovery;
use asl_lint::engine::{self, Input, Outcome, Settings, Source};

fn lint_tree(dir: &std::path::Path) -> Vec<engine::FileReport> {
    let inputs =
        discovery::discover(&[dir.to_string_lossy().into_owned()], None).expect("corpus exists");
    engine::lint_all(&inputs, &Settings::default(), None)
}

fn print_counts(title: &str, reports: &[engine::FileReport]) -> BTreeMap<&'static str, usize> {
    let mut by_rule = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        *by_rule.entry(f.rule).or_insert(0) += 1;
    }
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    println!(
        "{title}: {linted} files linted, {} findings",
        by_rule.values().sum::<usize>()
    );
    for (rule, n) in &by_rule {
        println!("  {rule:32} {n}");
    }
    by_rule
}

#[test]
fn real_definitions_lint_without_internal_errors() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let reports = lint_tree(&corpus.join("real"));
    let counts = print_counts("corpus/real", &reports);
    let internal: Vec<_> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == "internal-error")
        .map(|f| format!("{}: {}", f.file, f.message))
        .collect();
    assert!(internal.is_empty(), "internal errors: {internal:#?}");
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    assert!(
        linted >= 200,
        "only {linted} files linted: is discovery broken?"
    );

    // Every error on an aws-samples file must be a real defect. These are the
    // ones known today, each checked by hand.
    let known_defects: &[(&str, &str, &str)] = &[
        (
            "chain-of-responsibility-cdk/python/statemachine/atm_dispenser_chained.asl.json",
            "unknown-states-error",
            "catches `States.TaskFailedId`, which nothing raises (meant `States.TaskFailed`), so the Catch never fires",
        ),
        (
            "sfn-iot-data-analytics-dataset/statemachine/statemachine.asl.json",
            "invalid-json",
            "line 10 is `\"Messages\": \"Messages.$\": \"$.Messages\"`, which is not JSON",
        ),
        (
            "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
            "invalid-value",
            "`\"QueryLanguage\": \"JSONata\"` sits inside `States`, where AWS reads it as a state",
        ),
        (
            "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
            "query-language-mismatch",
            "same cause: the machine stays JSONPath, so its `Arguments` and `Output` fields are rejected",
        ),
    ];
    let mut errors: Vec<(String, &str)> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| {
            f.file.contains("aws-samples__") && f.severity == asl_lint::diagnostic::Severity::Error
        })
        .map(|f| (f.file.clone(), f.rule))
        .collect();
    errors.dedup();
    for (file, rule) in &errors {
        let known = known_defects
            .iter()
            .find(|(suffix, r, _)| file.ends_with(suffix) && r == rule);
        assert!(
            known.is_some(),
            "new error on an aws-samples file, check it by hand: {file} [{rule}]"
        );
    }
    for (suffix, rule, why) in known_defects {
        println!("  known defect: {suffix} [{rule}]: {why}");
        assert!(
            errors.iter().any(|(f, r)| f.ends_with(suffix) && r == rule),
            "known defect no longer reported: {suffix} [{rule}]"
        );
    }
    assert!(!counts.contains_key("internal-error"));
}

/// Every cost-rule finding on the aws-samples definitions, reviewed by hand:
/// (path suffix, rule, severity, count, why it is right), from
/// `tests/corpus/reviewed-cost-findings.tsv`.
fn reviewed_cost_findings() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static str,
)> {
    include_str!("corpus/reviewed-cost-findings.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "reviewed-cost-findings.tsv: {line}");
            (f[0], f[1], f[2], f[3].parse().expect("a count"), f[4])
        })
        .collect()
}

#[test]
fn cost_rule_findings_on_aws_samples_are_the_reviewed_ones() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let reports = lint_tree(&corpus.join("real"));
    let reviewed = reviewed_cost_findings();
    let cost_rules: Vec<&str> = asl_lint::rules::RULES
        .iter()
        .filter(|r| r.group == asl_lint::rules::Group::Cost)
        .map(|r| r.name)
        .collect();
    // Rules that check for a missing field, with no heuristic that could
    // misfire, are pinned as totals; a change in them shows up here.
    // (large-payload-risk: a large-result call with nothing narrowing it, or
    // a Distributed Map with no ResultWriter.)
    // Most aws-samples are sketches without timeouts or heartbeats.
    let syntactic: BTreeMap<(&str, &str), usize> = [
        // 15 human approvals (the token goes out by SNS, the step says it
        // asks for approval, or the next Choice reads "Approved"/"Rejected"):
        // infos, since no worker could send heartbeats. 10 more are infos
        // since 2026-12-07: the token waits in a queue, a child execution or
        // an event, or the Task's own timeout is an hour or less.
        (("callback-without-heartbeat", "info"), 25),
        (("callback-without-heartbeat", "warning"), 16),
        (("large-payload-risk", "info"), 34),
        (("large-payload-risk", "warning"), 17),
        // 13 of the former warnings have a heartbeat or a top-level
        // TimeoutSeconds that bounds the wait: infos since the bound is known.
        // sfn-fargate-dotnet-cdk/statemachine.asl is linted since `*.asl`
        // files are sniffed: one more of each. 5 infos and 1 warning are
        // notes of a start-without-native-cap finding on the same state.
        // Since 2026-12-07: a .sync that tears something down
        // (terminateCluster) is not a wait; Athena cancels its own queries
        // (an info); the backstop info only when some wait has nothing else
        // to end it.
        (("long-task-without-timeout", "info"), 57),
        (("long-task-without-timeout", "warning"), 53),
    ]
    .into_iter()
    .collect();
    let mut totals: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut found: BTreeMap<(String, &str, String), usize> = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        if !cost_rules.contains(&f.rule) || !f.file.contains("aws-samples__") {
            continue;
        }
        if syntactic.keys().any(|(r, _)| *r == f.rule) {
            *totals.entry((f.rule, f.severity.as_str())).or_insert(0) += 1;
            continue;
        }
        *found
            .entry((f.file.clone(), f.rule, f.severity.to_string()))
            .or_insert(0) += 1;
    }
    assert_eq!(
        totals, syntactic,
        "totals of the missing-field cost rules changed"
    );
    for ((file, rule, severity), n) in &found {
        let reviewed = reviewed
            .iter()
            .find(|(suffix, r, s, _, _)| file.ends_with(suffix) && r == rule && s == severity);
        match reviewed {
            Some((_, _, _, count, why)) => {
                assert_eq!(
                    n, count,
                    "{file} [{rule}]: {n} findings, {count} reviewed ({why})"
                );
                println!("  reviewed: {rule} x{n} on {file}: {why}");
            }
            None => panic!(
                "unreviewed cost finding: {file} [{rule}, {severity}] x{n}; check it by hand"
            ),
        }
    }
    let missing: Vec<_> = reviewed
        .iter()
        .filter(|(suffix, r, s, _, _)| {
            !found
                .keys()
                .any(|(file, rule, sev)| file.ends_with(suffix) && rule == r && sev == s)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "reviewed findings no longer reported: {missing:#?}"
    );
}

#[test]
fn data_flow_findings_on_real_definitions_are_the_reviewed_ones() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let reviewed: Vec<(&str, usize, &str)> = include_str!("corpus/reviewed-data-flow-findings.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 3, "reviewed-data-flow-findings.tsv: {line}");
            (f[0], f[1].parse().expect("a count"), f[2])
        })
        .collect();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for f in lint_tree(&corpus.join("real"))
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == "missing-input-field")
    {
        *found.entry(f.file.clone()).or_insert(0) += 1;
    }
    for (file, n) in &found {
        match reviewed
            .iter()
            .find(|(suffix, _, _)| file.ends_with(suffix))
        {
            Some((_, count, why)) => {
                assert_eq!(n, count, "{file}: {n} findings, {count} reviewed ({why})")
            }
            None => panic!("unreviewed missing-input-field finding on {file}: check it by hand"),
        }
    }
    for (suffix, _, _) in &reviewed {
        assert!(
            found.keys().any(|f| f.ends_with(suffix)),
            "reviewed finding no longer reported: {suffix}"
        );
    }
}

#[test]
fn localstack_json5_and_peer_fixtures_never_crash_the_linter() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut inputs = Vec::new();
    for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.to_string_lossy();
        // Named explicitly, as the contract requires for `.json5`.
        let wanted =
            name.ends_with(".json5") || (name.contains("/peers/") && name.ends_with(".json"));
        if entry.file_type().is_file() && wanted {
            inputs.push(Input {
                display: common::display(path),
                source: Source::Path(path.to_path_buf()),
                explicit: true,
            });
        }
    }
    let reports = engine::lint_all(&inputs, &Settings::default(), None);
    print_counts("corpus json5 + peer fixtures", &reports);
    assert!(reports.len() > 400, "only {} files", reports.len());
    for f in reports.iter().flat_map(|r| &r.findings) {
        assert_ne!(f.rule, "internal-error", "{}: {}", f.file, f.message);
    }
}

/// Every file under `dir`, sorted.
fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_embedded_template_is_found_read_and_accounted_for() {
    use asl_lint::loader::{self, FileKind, template::SkipReason};
    let Some(corpus) = common::corpus() else {
        return;
    };
    let embedded = corpus.join("embedded");
    let files = all_files(&embedded);
    assert!(files.len() >= 150, "only {} embedded files", files.len());
    // Templates that PyYAML (what SAM uses) rejects too, checked by hand.
    let broken_upstream = [
        "event-sourcing/template.yaml",
        "parallelized-embedding-pipeline/template.yaml",
    ];
    let (mut definitions, mut linked, mut linked_in_corpus) = (0, 0, 0);
    let mut not_checkable = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&embedded)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).unwrap();
        let kind = FileKind::from_path(&rel).expect("corpus templates are JSON or YAML");
        assert!(
            loader::sniff(&bytes, kind),
            "{rel}: discovery would not find it"
        );
        let file = loader::load(bytes, kind);
        if broken_upstream.iter().any(|b| rel.ends_with(b)) {
            assert!(
                file.tree.is_none(),
                "{rel} parses now; drop it from broken_upstream"
            );
            println!("  {rel}: invalid YAML (PyYAML agrees)");
            continue;
        }
        let template = file
            .template
            .as_ref()
            .unwrap_or_else(|| panic!("{rel}: not read as a template: {:?}", file.problems));
        definitions += template.definitions.len();
        let mut reasons = Vec::new();
        for skipped in &template.skipped {
            match &skipped.reason {
                SkipReason::LocalFile(uri) => {
                    linked += 1;
                    // The corpus keeps a template's definition files under
                    // `real/` at the same relative path.
                    let dir = std::path::Path::new(&rel).parent().unwrap();
                    let mirrored = corpus.join("real").join(dir).join(uri);
                    if mirrored.is_file() {
                        linked_in_corpus += 1;
                    }
                    reasons.push(format!("DefinitionUri {uri}"));
                }
                SkipReason::NotCheckable(why) => {
                    not_checkable.push(format!("{rel}: {why}"));
                    reasons.push(format!("not checkable: {why}"));
                }
                SkipReason::NoDefinition => reasons.push("no definition".to_string()),
            }
        }
        println!(
            "  {rel}: {} definition(s){}",
            template.definitions.len(),
            if reasons.is_empty() {
                String::new()
            } else {
                format!("; skipped: {}", reasons.join("; "))
            }
        );
    }
    println!(
        "corpus/embedded: {} templates, {definitions} inline definitions, {linked} DefinitionUri \
         links ({linked_in_corpus} of them present under real/), {} not checkable",
        files.len(),
        not_checkable.len()
    );
    // Lint the whole folder as a user would: discovery by sniffing, no crash,
    // no syntax error on files AWS deploys.
    let reports = lint_tree(&embedded);
    print_counts("corpus/embedded", &reports);
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    assert_eq!(linted, files.len(), "discovery missed embedded templates");
    let broken: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| {
            matches!(
                f.rule,
                "internal-error" | "invalid-json" | "invalid-yaml" | "duplicate-key"
            ) && !broken_upstream.iter().any(|b| f.file.ends_with(b))
        })
        .map(|f| format!("{}:{}: {} [{}]", f.file, f.start.line, f.message, f.rule))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    let approximate: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.message.contains("position approximate"))
        .map(|f| format!("{}:{}", f.file, f.start.line))
        .collect();
    assert!(
        approximate.is_empty(),
        "positions not mapped: {approximate:#?}"
    );
    assert!(
        definitions >= 40 && linked >= 100,
        "{definitions} inline, {linked} linked"
    );
}
