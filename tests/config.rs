//! Configuration, command-line rule selection, suppressions and baselines,
//! through the binary as users run it.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("binary runs")
}

fn json(args: &[&str], cwd: &Path) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&run(&all, cwd).stdout).expect("JSON report")
}

/// One field of every diagnostic in a JSON report of `args`.
fn field_of_each(args: &[&str], cwd: &Path, field: &str) -> Vec<String> {
    json(args, cwd)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[field].as_str().unwrap().to_string())
        .collect()
}

fn rules(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const CHAIN: &str = r#"{
  "StartAt": "A",
  "TimeoutSeconds": 7200,
  "States": {
    "A": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "TimeoutSeconds": 3600, "Parameters": {"Cluster": "c", "TaskDefinition": "a"}, "Next": "B" },
    "B": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "TimeoutSeconds": 3600, "Parameters": {"Cluster": "c", "TaskDefinition": "b"}, "End": true }
  }
}
"#;

const CHOICE: &str = r#"{
  "StartAt": "Route",
  "States": {
    "Route": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "Done" }] },
    "Done": { "Type": "Succeed" }
  }
}
"#;

/// A repository (with `.git`) holding the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn config_selects_ignores_and_sets_severity_and_options() {
    let dir = repo(&[
        ("flows/chain.asl.json", CHAIN),
        ("flows/route.asl.json", CHOICE),
    ]);
    let d = dir.path();
    let all = rules(&json(&[], d));
    assert_eq!(
        all.iter()
            .filter(|r| r.1 == "job-chain-missing-catch")
            .count(),
        2
    );
    assert!(all.iter().any(|r| r.1 == "choice-without-default"));

    std::fs::write(
        d.join(".asl-lint.toml"),
        "ignore = [\"choice-without-default\"]\n[severity]\njob-chain-missing-catch = \"error\"\n",
    )
    .unwrap();
    let r = rules(&json(&[], d));
    assert!(r.iter().all(|x| x.1 != "choice-without-default"));
    assert!(
        r.iter()
            .filter(|x| x.1 == "job-chain-missing-catch")
            .all(|x| x.2 == "error")
    );

    // Found from a subfolder, up to the repository root.
    let sub = rules(&json(&["chain.asl.json"], &d.join("flows")));
    assert!(sub.iter().all(|x| x.2 == "error"), "{sub:?}");

    std::fs::write(
        d.join(".asl-lint.toml"),
        "[rules.job-chain-missing-catch]\nmin-chain = 3\n",
    )
    .unwrap();
    assert!(
        rules(&json(&[], d))
            .iter()
            .all(|x| x.1 != "job-chain-missing-catch")
    );

    std::fs::write(
        d.join(".asl-lint.toml"),
        "select = [\"choice-without-default\"]\n",
    )
    .unwrap();
    assert_eq!(
        rules(&json(&[], d)),
        [(
            "flows/route.asl.json".into(),
            "choice-without-default".into(),
            "warning".into()
        )]
    );

    // `--no-config` ignores it; `--config` names another one.
    assert!(rules(&json(&["--no-config"], d)).len() > 1);
    std::fs::write(
        d.join("other.toml"),
        "ignore = [\"job-chain-missing-catch\", \"choice-without-default\"]\n",
    )
    .unwrap();
    assert!(rules(&json(&["--config", "other.toml"], d)).is_empty());
}

#[test]
fn config_errors_are_usage_errors_with_location() {
    let dir = repo(&[("a.asl.json", CHAIN)]);
    let d = dir.path();
    for (text, expected) in [
        (
            "ignore = [\"choice-without-defualt\"]\n",
            ":1:11: unknown rule `choice-without-defualt`; did you mean `choice-without-default`?",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\nexclude = [\"x\"]\n",
            ":3:1: `exclude` is valid only at the top level of the configuration, not in `[[overrides]]`",
        ),
        (
            "select = [\"ALL\"]\nexclude = [\"ok\", \"a/[b\"]\n",
            ":2:18: invalid glob `a/[b`",
        ),
        (
            "[[overrides]]\nfiles = [\"a/[b\"]\nignore = []\n",
            ":2:10: invalid glob `a/[b`",
        ),
        (
            "\n\nextend-slect = []\n",
            ":3:1: unknown key `extend-slect`; did you mean `extend-select`?",
        ),
        (
            "[rules.start-without-native-cap]\nglue-idle-timeout = 30\n",
            ":2:1: unknown option `glue-idle-timeout`",
        ),
        (
            "type = \"STANDARD\"\n",
            ":1:8: `type` must be \"standard\" or \"express\"",
        ),
    ] {
        std::fs::write(d.join(".asl-lint.toml"), text).unwrap();
        let out = run(&[], d);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(".asl-lint.toml") && err.contains(expected),
            "{text}: {err}"
        );
    }
    assert_eq!(run(&["--config", "missing.toml"], d).status.code(), Some(2));
}

#[test]
fn cli_flags_select_ignore_severity_and_type() {
    let dir = repo(&[("chain.asl.json", CHAIN), ("route.asl.json", CHOICE)]);
    let d = dir.path();
    let only = rules(&json(&["--select", "choice-without-default"], d));
    assert_eq!(only.len(), 1);
    let ignored = rules(&json(
        &["--ignore", "job-chain-missing-catch,choice-without-default"],
        d,
    ));
    assert!(ignored.is_empty(), "{ignored:?}");
    let sev = rules(&json(&["--severity", "choice-without-default=error"], d));
    assert!(
        sev.iter()
            .any(|x| x.1 == "choice-without-default" && x.2 == "error")
    );
    let off = rules(&json(&["--severity", "job-chain-missing-catch=off"], d));
    assert!(off.iter().all(|x| x.1 != "job-chain-missing-catch"));
    assert_eq!(run(&["--type", "express"], d).status.code(), Some(1));
    assert_eq!(run(&["--type", "fast"], d).status.code(), Some(2));
    assert_eq!(
        run(&["--severity", "choice-without-default"], d)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["--ignore", "no-such-rule"], d).status.code(), Some(2));
    // The command line wins over the configuration.
    std::fs::write(
        d.join(".asl-lint.toml"),
        "ignore = [\"choice-without-default\"]\n",
    )
    .unwrap();
    let kept = rules(&json(&[], d));
    assert!(
        kept.iter().all(|x| x.1 != "choice-without-default"),
        "config ignore applies: {kept:?}"
    );
    let back = rules(&json(&["--extend-select", "choice-without-default"], d));
    assert!(
        back.iter().any(|x| x.1 == "choice-without-default"),
        "a rule named on the command line wins: {back:?}"
    );
    let sel = rules(&json(&["--select", "choice-without-default"], d));
    assert_eq!(
        sel.len(),
        1,
        "--select replaces the configured set: {sel:?}"
    );
}

#[test]
fn excludes_overrides_and_force_exclude() {
    let dir = repo(&[
        ("flows/chain.asl.json", CHAIN),
        ("legacy/chain.asl.json", CHAIN),
        ("legacy/route.asl.json", CHOICE),
        ("sandbox/route.asl.json", CHOICE),
        ("flows/route.asl.json", CHOICE),
    ]);
    let d = dir.path();
    std::fs::write(
        d.join(".asl-lint.toml"),
        "extend-exclude = [\"legacy\"]\n[[overrides]]\nfiles = [\"sandbox/**\"]\nignore = [\"choice-without-default\"]\n",
    )
    .unwrap();
    let files: Vec<String> = rules(&json(&[], d)).into_iter().map(|r| r.0).collect();
    assert!(!files.iter().any(|f| f.starts_with("legacy/")), "{files:?}");
    assert!(
        !files.contains(&"sandbox/route.asl.json".to_string()),
        "override applies: {files:?}"
    );
    assert!(files.contains(&"flows/route.asl.json".to_string()));
    // Named explicitly, an excluded file is linted, unless --force-exclude.
    assert_eq!(run(&["legacy/route.asl.json"], d).status.code(), Some(1));
    let forced = run(&["--force-exclude", "legacy/route.asl.json"], d);
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn suppression_silences_exactly_the_named_rule_on_exactly_that_state() {
    let text = r#"{
  "StartAt": "A",
  "TimeoutSeconds": 7200,
  "States": {
    "A": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "TimeoutSeconds": 3600, "Parameters": {"Cluster": "c", "TaskDefinition": "a"}, "Next": "B",
           "Comment": "Retried by the scheduler. asl-lint-disable job-chain-missing-catch -- reviewed" },
    "B": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "TimeoutSeconds": 3600, "Parameters": {"Cluster": "c", "TaskDefinition": "b"}, "Next": "Route" },
    "Route": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "Done" }],
               "Comment": "asl-lint-disable unreachable-state, choice-without-default" },
    "Done": { "Type": "Succeed", "Comment": "asl-lint-disable" }
  }
}"#;
    let dir = repo(&[("s.asl.json", text)]);
    let report = json(&[], dir.path());
    let found: Vec<(String, Option<String>)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["state"].as_str().map(str::to_string),
            )
        })
        .collect();
    // A's chain finding is gone, B's stays.
    assert!(
        found.contains(&("job-chain-missing-catch".into(), Some("B".into()))),
        "{found:?}"
    );
    assert!(
        !found.contains(&("job-chain-missing-catch".into(), Some("A".into()))),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.0 == "choice-without-default"));
    // Stale parts of directives are reported.
    let unused: Vec<&Option<String>> = found
        .iter()
        .filter(|f| f.0 == "unused-suppression")
        .map(|f| &f.1)
        .collect();
    assert_eq!(
        unused,
        [&Some("Route".to_string()), &Some("Done".to_string())],
        "{found:?}"
    );
    assert_eq!(report["summary"]["suppressed"], 2);
}

#[test]
fn baseline_round_trip_reports_only_new_findings() {
    let dir = repo(&[("chain.asl.json", CHAIN)]);
    let d = dir.path();
    let wrote = run(&["--write-baseline", "baseline.json"], d);
    assert_eq!(wrote.status.code(), Some(0));
    assert_eq!(
        run(&["--baseline", "baseline.json"], d).status.code(),
        Some(0)
    );
    let clean = json(&["--baseline", "baseline.json"], d);
    assert_eq!(clean["summary"]["suppressed"], 2);
    assert!(clean["diagnostics"].as_array().unwrap().is_empty());
    // An unrelated edit (lines shift) keeps the baseline valid; a new problem shows.
    let shifted = format!("\n\n{}", CHAIN.replace("\"End\": true }", "\"Next\": \"C\" },\n    \"C\": { \"Type\": \"Task\", \"Resource\": \"arn:aws:states:::ecs:runTask.sync\", \"TimeoutSeconds\": 3600, \"Parameters\": {\"Cluster\": \"c\", \"TaskDefinition\": \"c\"}, \"End\": true }"));
    std::fs::write(d.join("chain.asl.json"), shifted).unwrap();
    let new = rules(&json(&["--baseline", "baseline.json"], d));
    assert_eq!(new.len(), 1, "only the new link is reported: {new:?}");
    assert_eq!(run(&["--baseline", "nope.json"], d).status.code(), Some(2));
    std::fs::write(d.join("bad.json"), "{\"version\": 7}").unwrap();
    assert_eq!(run(&["--baseline", "bad.json"], d).status.code(), Some(2));
}

#[test]
fn the_readme_configuration_example_is_valid() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .find("## Configuration")
        .expect("README has a configuration section");
    let start = section
        + readme[section..]
            .find("```toml\n")
            .expect("README shows a configuration")
        + "```toml\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let config =
        asl_lint::config::Config::parse(block, "README.md").expect("the README example parses");
    assert!(!config.overrides.is_empty());
}

#[test]
fn cost_rule_thresholds_are_options() {
    let hammer = r#"{
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": { "FunctionName": "f" },
      "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 60, "MaxAttempts": 8 }],
      "End": true
    }
  }
}"#;
    let messages =
        |dir: &Path| field_of_each(&["--select", "retry-storm", "sm.asl.json"], dir, "message");
    // Defaults: 8 attempts > 5, and 60 s doubling 8 times waits 15,300 s > 3,600.
    let dir = repo(&[("sm.asl.json", hammer)]);
    assert_eq!(
        messages(dir.path()),
        [
            "`Call` retries hard: 8 attempts on any failure (more than 5); up to 4.2 hours of waiting in all, summed over the attempts"
        ]
    );
    // Raised thresholds: quiet.
    let dir = repo(&[
        ("sm.asl.json", hammer),
        (
            ".asl-lint.toml",
            "[rules.retry-storm]\nmax-attempts = 10\nmax-retry-window-seconds = 86400\n",
        ),
    ]);
    assert!(messages(dir.path()).is_empty());
}

#[test]
fn sequential_independent_jobs_can_report_jobs_that_name_no_data() {
    // Two Glue jobs that name no data: by default the rule cannot tell
    // whether the second reads what the first wrote, so it stays quiet.
    let chain = r#"{
  "StartAt": "Orders",
  "States": {
    "Orders": {
      "Type": "Task",
      "Resource": "arn:aws:states:::glue:startJobRun.sync",
      "Parameters": { "JobName": "orders" },
      "ResultPath": null,
      "Next": "Clicks"
    },
    "Clicks": {
      "Type": "Task",
      "Resource": "arn:aws:states:::glue:startJobRun.sync",
      "Parameters": { "JobName": "clicks" },
      "End": true
    }
  }
}"#;
    let messages = |dir: &Path| {
        let args = ["--select", "sequential-independent-jobs", "sm.asl.json"];
        field_of_each(&args, dir, "message")
    };
    let dir = repo(&[("sm.asl.json", chain)]);
    assert!(messages(dir.path()).is_empty());
    let dir = repo(&[
        ("sm.asl.json", chain),
        (
            ".asl-lint.toml",
            "[rules.sequential-independent-jobs]\nrequire-named-data = false\n",
        ),
    ]);
    assert_eq!(
        messages(dir.path()),
        [
            "job `Clicks` waits for job `Orders` but uses nothing it produced: it does not read `Orders`'s result, and neither names its data"
        ]
    );
    // One side naming its data is said as such.
    let one_named = chain.replace(
        r#""Parameters": { "JobName": "orders" },"#,
        r#""Parameters": { "JobName": "orders", "Arguments": { "--target": "s3://lake/orders/" } },"#,
    );
    assert_ne!(one_named, chain);
    let dir = repo(&[
        ("sm.asl.json", &one_named),
        (
            ".asl-lint.toml",
            "[rules.sequential-independent-jobs]\nrequire-named-data = false\n",
        ),
    ]);
    assert_eq!(
        messages(dir.path()),
        [
            "job `Clicks` waits for job `Orders` but uses nothing it produced: it does not read `Orders`'s result, and `Clicks` names no data"
        ]
    );
    // Even then, a stop action after a job keeps its place.
    let stop = chain.replace(
        r#""Resource": "arn:aws:states:::glue:startJobRun.sync",
      "Parameters": { "JobName": "clicks" },"#,
        r#""Resource": "arn:aws:states:::elasticmapreduce:terminateCluster.sync",
      "Parameters": { "ClusterId": "j-1" },"#,
    );
    assert_ne!(stop, chain);
    let dir = repo(&[
        ("sm.asl.json", &stop),
        (
            ".asl-lint.toml",
            "[rules.sequential-independent-jobs]\nrequire-named-data = false\n",
        ),
    ]);
    assert!(messages(dir.path()).is_empty());
}

#[test]
fn map_unbounded_concurrency_high_concurrency_is_an_option() {
    let map = r#"{
  "StartAt": "Each",
  "States": {
    "Each": {
      "Type": "Map",
      "MaxConcurrency": 500,
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
        "StartAt": "Work",
        "States": { "Work": { "Type": "Pass", "End": true } }
      },
      "End": true
    }
  }
}"#;
    let severities = |dir: &Path| {
        let args = ["--select", "map-unbounded-concurrency", "sm.asl.json"];
        field_of_each(&args, dir, "severity")
    };
    // 500 is below the default 1000.
    let dir = repo(&[("sm.asl.json", map)]);
    assert!(severities(dir.path()).is_empty());
    let dir = repo(&[
        ("sm.asl.json", map),
        (
            ".asl-lint.toml",
            "[rules.map-unbounded-concurrency]\nhigh-concurrency = 200\n",
        ),
    ]);
    assert_eq!(severities(dir.path()), ["info"]);
}

#[test]
fn standard_for_short_high_volume_thresholds_are_options() {
    let short = r#"{
  "StartAt": "Validate",
  "States": {
    "Validate": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": { "FunctionName": "validate" }, "Next": "Price" },
    "Price": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": { "FunctionName": "price" }, "Next": "Store" },
    "Store": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": { "TableName": "orders", "Item": {} }, "Next": "Notify" },
    "Notify": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "ok" }, "Next": "Audit" },
    "Audit": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": { "FunctionName": "audit" }, "Next": "Done" },
    "Done": { "Type": "Succeed" }
  }
}"#;
    let rules_found = |dir: &Path| {
        let args = [
            "--select",
            "standard-for-short-high-volume",
            "--type",
            "standard",
            "sm.asl.json",
        ];
        field_of_each(&args, dir, "rule").len()
    };
    let dir = repo(&[("sm.asl.json", short)]);
    assert_eq!(rules_found(dir.path()), 1);
    let dir = repo(&[
        ("sm.asl.json", short),
        (
            ".asl-lint.toml",
            "[rules.standard-for-short-high-volume]\nmin-transitions = 10\n",
        ),
    ]);
    assert_eq!(rules_found(dir.path()), 0);
}

/// A definition with one `unreachable-state` finding.
const ORPHAN: &str =
    r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}"#;

fn rules_by_file(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn each_file_is_governed_by_the_nearest_config_up_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Above the repository: never read.
    std::fs::write(
        root.join(".asl-lint.toml"),
        "select = [\"no-terminal-state\"]\n",
    )
    .unwrap();
    let repo = root.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    for sub in ["quiet/deeper", "loud"] {
        std::fs::create_dir_all(repo.join(sub)).unwrap();
    }
    std::fs::write(
        repo.join("quiet/.asl-lint.toml"),
        "ignore = [\"unreachable-state\"]\n",
    )
    .unwrap();
    std::fs::write(repo.join("quiet/deeper/a.asl.json"), ORPHAN).unwrap();
    std::fs::write(repo.join("loud/b.asl.json"), ORPHAN).unwrap();
    let expected = vec![(
        "loud/b.asl.json".to_string(),
        "unreachable-state".to_string(),
    )];
    assert_eq!(rules_by_file(&json(&["quiet", "loud"], &repo)), expected);
    // The same from inside a sub-folder: the lookup starts at each file.
    let from_quiet = json(&["deeper", "../loud"], &repo.join("quiet"));
    assert_eq!(
        rules_by_file(&from_quiet),
        vec![(
            "../loud/b.asl.json".to_string(),
            "unreachable-state".to_string()
        )]
    );
    // `--config` names one file for all.
    let all = json(
        &["--config", "quiet/.asl-lint.toml", "quiet", "loud"],
        &repo,
    );
    assert_eq!(rules_by_file(&all), Vec::<(String, String)>::new());
    // --show-files names the governing file.
    let shown = String::from_utf8(run(&["--show-files", "quiet", "loud"], &repo).stdout).unwrap();
    assert!(shown.contains("quiet/.asl-lint.toml"), "{shown}");
    assert!(
        shown.contains("loud/b.asl.json  (`*.asl.*` name)  no configuration"),
        "{shown}"
    );
}

#[test]
fn globs_are_relative_to_the_config_that_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let project = repo.join("project");
    for sub in ["generated", "legacy", "src"] {
        std::fs::create_dir_all(project.join(sub)).unwrap();
        std::fs::write(project.join(sub).join("m.asl.json"), ORPHAN).unwrap();
    }
    std::fs::write(
        project.join(".asl-lint.toml"),
        "extend-exclude = [\"generated/*.asl.json\"]\n\n[[overrides]]\nfiles = [\"legacy/**\"]\nignore = [\"unreachable-state\"]\n",
    )
    .unwrap();
    let expected_from = |prefix: &str| {
        vec![(
            format!("{prefix}src/m.asl.json"),
            "unreachable-state".to_string(),
        )]
    };
    // From the repository root, from the project, and typed with `./`.
    assert_eq!(
        rules_by_file(&json(&["project"], repo)),
        expected_from("project/")
    );
    assert_eq!(rules_by_file(&json(&["."], &project)), expected_from(""));
    assert_eq!(
        rules_by_file(&json(&["./project"], repo)),
        expected_from("project/")
    );
    assert_eq!(
        rules_by_file(&json(&["../../project"], &project.join("src"))),
        expected_from("../../project/")
    );
}
