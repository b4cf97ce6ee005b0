//! Linting what deploys, as a user runs it: which named files are linted,
//! file kinds by content, stdin, report choices for people and for `--cost`.
//! Each test stands for one item a user ran into.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const BROKEN_NEXT: &str =
    r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;

const YAML_DEFINITION: &str = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Nowhere\n";

#[test]
fn named_files_that_are_not_definitions_are_skipped() {
    // pre-commit with `files: '\.(json|ya?ml)$'` names every JSON and YAML file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "x", "version": "1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    std::fs::write(dir.path().join("ci.yml"), "on: push\njobs: {}\n").unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), BROKEN_NEXT).unwrap();
    let out = run(
        &[
            "--format",
            "concise",
            "package.json",
            ".pre-commit-config.yaml",
            "ci.yml",
            "sm.asl.json",
        ],
        dir.path(),
        None,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with("sm.asl.json:")),
        "{stdout}"
    );
    // A broken file that holds a definition's keys is still linted.
    std::fs::write(
        dir.path().join("broken.json"),
        r#"{"StartAt": "A", "States": {"#,
    )
    .unwrap();
    let out = run(&["--format", "concise", "broken.json"], dir.path(), None);
    assert!(
        text(&out.stdout).contains("[invalid-json]"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn templates_and_asl_files_are_read_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let template = format!(
        "# a YAML CloudFormation template with a .template name\nAWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{BROKEN_NEXT}'\n"
    );
    std::fs::write(dir.path().join("stack.template"), template).unwrap();
    std::fs::write(dir.path().join("statemachine.asl"), BROKEN_NEXT).unwrap();
    let out = run(&["--format", "concise", "stack.template"], dir.path(), None);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("stack.template:") && stdout.contains("[unknown-transition-target]"),
        "{stdout}"
    );
    let out = run(&["--format", "concise", "."], dir.path(), None);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("statemachine.asl:"), "{stdout}");
}

#[test]
fn an_empty_folder_says_it_found_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = run(&["empty"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("warning: no definitions found under empty"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_is_json_or_yaml_by_content_and_needs_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["--format", "concise", "-"],
        dir.path(),
        Some(YAML_DEFINITION),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[unknown-transition-target]"),
        "{stdout}{}",
        text(&out.stderr)
    );
    let out = run(&["--stdin-filename", "x.asl.json"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`-`"), "{}", text(&out.stderr));
}

#[test]
fn an_explicit_text_format_shows_snippets_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), BROKEN_NEXT).unwrap();
    let explicit = run(&["--format", "text", "sm.asl.json"], dir.path(), None);
    assert!(
        text(&explicit.stdout).contains("╭─["),
        "{}",
        text(&explicit.stdout)
    );
    let default = run(&["sm.asl.json"], dir.path(), None);
    assert!(
        !text(&default.stdout).contains("╭─["),
        "the default adapts to the pipe"
    );
    // TERM=dumb: no colour and no links, even when colour is forced by env.
    let dumb = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "text", "sm.asl.json"])
        .current_dir(dir.path())
        .env("TERM", "dumb")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        !text(&dumb.stdout).contains('\u{1b}'),
        "{}",
        text(&dumb.stdout)
    );
}

#[test]
fn cost_writes_where_asked_and_refuses_what_it_cannot_print() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sm.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let out = run(
        &["--cost", "--format", "json=cost.json", "sm.asl.json"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("cost.json")).unwrap())
            .unwrap();
    assert_eq!(written["definitions"][0]["transitions"]["min"], 1);
    let out = run(
        &["--cost", "--format", "sarif", "sm.asl.json"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let quiet = run(&["--cost", "-q", "sm.asl.json"], dir.path(), None);
    assert!(
        !text(&quiet.stdout).contains("Per million executions"),
        "{}",
        text(&quiet.stdout)
    );
    std::fs::write(dir.path().join("bad.asl.json"), "{").unwrap();
    let out = run(&["--cost", "bad.asl.json"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("has no estimate"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn two_reports_to_one_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), BROKEN_NEXT).unwrap();
    let out = run(
        &[
            "--format",
            "json=out.json",
            "--format",
            "sarif=./out.json",
            "sm.asl.json",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rule_groups_select_like_rule_names() {
    let dir = tempfile::tempdir().unwrap();
    // A job chain (cost) with a missing target (structural).
    let chain = r#"{"StartAt": "A", "States": {
      "A": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "a"}, "TimeoutSeconds": 60, "Next": "B"},
      "B": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "b"}, "TimeoutSeconds": 60, "Next": "Nowhere"}}}"#;
    std::fs::write(dir.path().join("sm.asl.json"), chain).unwrap();
    let rules_of = |args: &[&str]| -> Vec<(String, String)> {
        let out = run(args, dir.path(), None);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let groups: std::collections::BTreeMap<String, String> = {
            let list = run(&["--list-rules", "--format", "json"], dir.path(), None);
            let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
            list.as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["name"].as_str().unwrap().to_string(),
                        r["group"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let rule = d["rule"].as_str().unwrap().to_string();
                (groups[&rule].clone(), rule)
            })
            .collect()
    };
    let cost = rules_of(&["--select", "cost", "--format", "json", "sm.asl.json"]);
    assert!(
        !cost.is_empty() && cost.iter().all(|(g, _)| g == "cost"),
        "{cost:?}"
    );
    let no_structural = rules_of(&["--ignore", "structural", "--format", "json", "sm.asl.json"]);
    assert!(
        no_structural.iter().all(|(g, _)| g != "structural"),
        "{no_structural:?}"
    );
    let all = rules_of(&["--select", "ALL", "--format", "json", "sm.asl.json"]);
    assert!(all.iter().any(|(g, _)| g == "structural") && all.iter().any(|(g, _)| g == "cost"));
    // A directive may name a group too.
    let quiet = chain.replacen(
        r#"{"StartAt""#,
        r#"{"Comment": "asl-lint-disable cost", "StartAt""#,
        1,
    );
    std::fs::write(dir.path().join("sm.asl.json"), quiet).unwrap();
    let silenced = rules_of(&["--format", "json", "sm.asl.json"]);
    assert!(silenced.iter().all(|(g, _)| g != "cost"), "{silenced:?}");
    let bad = run(&["--select", "costs", "sm.asl.json"], dir.path(), None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("did you mean `cost`?"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn definition_substitutions_apply_to_every_string() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("sm.asl.json"),
        r#"{"StartAt": "Start", "States": {
          "Start": {"Type": "${StartType}", "Next": "${NextStep}"},
          "${LastName}": {"Type": "Wait", "Seconds": ${Pause}, "Next": "Done"},
          "Done": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n      DefinitionSubstitutions:\n        StartType: Pass\n        NextStep: Pause\n        LastName: Pause\n        Pause: '5'\n",
    )
    .unwrap();
    let out = run(&["--format", "concise", "template.yaml"], dir.path(), None);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no false unknown-target or unreachable: {stdout}"
    );
}

#[test]
fn a_placeholder_nothing_substitutes_is_reported_in_the_linked_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let definition = r#"{"StartAt": "Put", "States": {"Put": {"Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
      "Parameters": {"Bucket": "${Bucket}", "Key": "${Prefix}/out.json", "Body": {}}, "End": true}}}"#;
    std::fs::write(dir.path().join("export.asl.json"), definition).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Export:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: export.asl.json\n      DefinitionSubstitutions:\n        Bucket: exports\n",
    )
    .unwrap();
    let out = run(&["--format", "concise", "template.yaml"], dir.path(), None);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("export.asl.json:") && stdout.contains("`${Prefix}` is not filled in"),
        "{stdout}"
    );
    assert!(!stdout.contains("${Bucket}"), "{stdout}");
    // Linted on its own, the file has nothing to compare with.
    let alone = run(
        &["--format", "concise", "export.asl.json"],
        dir.path(),
        None,
    );
    assert!(
        !text(&alone.stdout).contains("undefined-substitution"),
        "{}",
        text(&alone.stdout)
    );
}

#[test]
fn a_file_deployed_by_two_machines_is_linted_for_each() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("job.asl.json"),
        r#"{"StartAt": "Run", "States": {"Run": {"Type": "Task",
          "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "j"},
          "TimeoutSeconds": 600, "End": true}}}"#,
    )
    .unwrap();
    let machine = |name: &str, ty: &str| {
        format!(
            "  {name}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: {ty}\n      DefinitionUri: job.asl.json\n"
        )
    };
    for order in [["STANDARD", "EXPRESS"], ["EXPRESS", "STANDARD"]] {
        let template = format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n{}{}",
            machine("First", order[0]),
            machine("Second", order[1])
        );
        std::fs::write(dir.path().join("template.yaml"), template).unwrap();
        let out = run(&["--format", "json", "template.yaml"], dir.path(), None);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let express: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "express-incompatible")
            .collect();
        assert!(!express.is_empty(), "{order:?}: {report}");
        assert!(
            express.iter().all(|d| d["file"] == "job.asl.json"),
            "{report}"
        );
    }
}

#[test]
fn the_step_summary_stays_under_githubs_limit() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let states: Vec<String> = (0..n)
        .map(|i| format!(r#""S{i}": {{"Type": "Pass", "Next": "S{}x"}}"#, i + 1))
        .collect();
    std::fs::write(
        dir.path().join("sm.asl.json"),
        format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(",")),
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "github", "sm.asl.json"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(markdown.len() <= 1024 * 1024, "{} bytes", markdown.len());
    assert!(markdown.contains("more findings are not listed here"));
}

#[test]
fn statistics_count_findings_per_rule_most_frequent_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sm.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Pass", "Next": "Y"}, "C": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let out = run(&["--statistics", "sm.asl.json"], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert!(
        lines[0].starts_with("2  unknown-transition-target"),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| l.ends_with("  0")), "{lines:?}");
    let out = run(
        &["--statistics", "--format", "json", "sm.asl.json"],
        dir.path(),
        None,
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows[0],
        serde_json::json!({"rule": "unknown-transition-target", "severity": "error", "count": 2, "fixable": 0})
    );
}

#[test]
fn yaml_directives_on_their_own_line_apply_to_the_next_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sm.asl.yaml"),
        "# asl-lint-disable no-terminal-state -- before the first key: the whole definition\nStartAt: A\nStates:\n  # asl-lint-disable missing-required-field\n  A:\n    Type: Pass\n  B:\n    # asl-lint-disable unreachable-state -- inside B: B\n    Type: Pass\n    End: true\n  C:\n    Type: Pass\n    End: true\n",
    )
    .unwrap();
    let out = run(&["--format", "json", "sm.asl.yaml"], dir.path(), None);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let left: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        left,
        [("unreachable-state".to_string(), "C".to_string())],
        "{report}"
    );
    assert_eq!(report["summary"]["suppressed"], 3, "{report}");
}

#[test]
fn template_metadata_ignore_lists_are_checked_like_directives() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n    Metadata:\n      asl-lint:\n        ignore: [unreachable-sate, cost]\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, End: true}\n          B: {Type: Pass, End: true}\n",
    )
    .unwrap();
    let out = run(&["--format", "json", "template.yaml"], dir.path(), None);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    // The misspelt name does not silence unreachable-state and is reported;
    // the group that silenced nothing is unused.
    assert!(rules.contains(&"unreachable-state"), "{report}");
    assert!(rules.contains(&"unknown-rule"), "{report}");
    assert!(rules.contains(&"unused-suppression"), "{report}");
    let unknown = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unknown-rule")
        .unwrap();
    assert_eq!(unknown["line"], 7, "{report}");
}

#[test]
fn show_files_says_what_would_be_linted_and_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), BROKEN_NEXT).unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    std::fs::write(dir.path().join("plain.json"), BROKEN_NEXT).unwrap();
    let out = run(
        &["--show-files", "sm.asl.json", "package.json", "plain.json"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("lint  sm.asl.json  (`*.asl.*` name)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skip  package.json  (holds no state machine"),
        "{stdout}"
    );
    assert!(
        stdout.contains("lint  plain.json  (sniffed definition)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("unknown-transition-target"),
        "it lints nothing: {stdout}"
    );
}

#[test]
fn a_templates_metadata_ignore_applies_to_the_file_it_deploys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("sm.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Bee"}, "B": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n    Metadata:\n      asl-lint:\n        ignore: [unreachable-state]\n    Properties:\n      DefinitionUri: sm.asl.json\n",
    )
    .unwrap();
    let out = run(
        &["--no-config", "--format", "json", "template.yaml"],
        d,
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["unknown-transition-target"], "{report}");
    assert_eq!(report["summary"]["suppressed"], 1);
}

/// A finding at the end of one `Fn::Join` part ends on that part's line,
/// not at the start of the next part (the delimiter between them is mapped
/// to the part after it).
#[test]
fn spans_at_the_end_of_a_join_part_stay_in_that_part() {
    let template = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionString": {"Fn::Join": ["\n", [
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Nope\"",
    "}}}"
  ]]}}}}}"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.template.json"), template).unwrap();
    let out = run(
        &["--no-config", "--format", "json", "t.template.json"],
        dir.path(),
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-transition-target");
    let line = template.lines().nth(2).unwrap();
    let start = line.find("\\\"Nope").unwrap() + 1;
    assert_eq!(
        (d["line"].as_u64(), d["end_line"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(d["column"].as_u64(), Some(start as u64));
    // The end is the closing quote of the part: `\"Nope\"` is covered whole.
    assert_eq!(
        d["end_column"].as_u64(),
        Some(line.rfind('"').unwrap() as u64 + 1)
    );
}

#[test]
fn terraform_locals_and_text_wrappers_are_followed_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir(dir.path().join("sf")).unwrap();
    // Quoted tokens the deploy rewrites: a number by an unknown value, a
    // stage name by a literal. Linted as written, `TimeoutSeconds` would
    // be a string, and `Next` would name no state.
    std::fs::write(
        dir.path().join("sf/flow.asl.json"),
        r#"{"StartAt": "Ask", "States": {
          "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "${fn}"},
                  "TimeoutSeconds": "__TIMEOUT__", "Next": "__NEXT__"},
          "Done": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"locals {
  def_path = "${path.module}/sf/flow.asl.json"
  flow = replace(templatefile(local.def_path, {
    fn = aws_lambda_function.f.arn
  }), "\"__TIMEOUT__\"", tostring(var.timeout))
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  definition = nonsensitive(replace(local.flow, "__NEXT__", "Done"))
}

resource "aws_sfn_state_machine" "regex" {
  definition = replace(file("sf/flow.asl.json"), "/__[A-Z]+__/", "x")
}

resource "aws_sfn_state_machine" "elsewhere" {
  definition = local.in_another_file
}

resource "aws_sfn_state_machine" "nowhere" {
  definition = local.undefined
}
"#,
    )
    .unwrap();
    // A local of another file of the module (its folder) counts too.
    std::fs::write(
        dir.path().join("locals.tf"),
        "locals {\n  in_another_file = file(\"${path.module}/sf/other.asl.json\")\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("sf/other.asl.json"), BROKEN_NEXT).unwrap();
    let out = run(
        &["--no-config", "--format", "concise", "main.tf"],
        dir.path(),
        None,
    );
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("sf/flow.asl.json"), "{stdout}");
    assert!(
        stdout.contains("state machine `regex` is not linted: its definition goes through `replace()` with a regular expression"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "`local.undefined`, which no `locals` block of this module's `.tf` files defines"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("sf/other.asl.json:1:59: error: `Next` names state `Nowhere`"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    // Without the rewrites the same file has both errors.
    let alone = run(
        &["--no-config", "--format", "concise", "sf/flow.asl.json"],
        dir.path(),
        None,
    );
    let alone = text(&alone.stdout);
    assert!(
        alone.contains("[invalid-value]") && alone.contains("[unknown-transition-target]"),
        "{alone}"
    );
}
