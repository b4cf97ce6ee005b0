//! The binary as users run it: exit codes, discovery, formats, the JSON
//! contract (validated against `schemas/report.v1.json`) and determinism.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::root;
use serde_json::Value;

fn asl_lint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

const GOOD: &str = r#"{
  "StartAt": "A",
  "States": { "A": { "Type": "Pass", "End": true } }
}
"#;

const TRAILING_COMMA: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "End": true },
  }
}
"#;

const DANGLING: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Next": "B" }
  }
}
"#;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn validate_report(json: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/report.v1.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match schemas/report.v1.json: {errors:#?}\n{json:#}"
    );
}

#[test]
fn exit_codes() {
    let dir = tree(&[("good.asl.json", GOOD), ("bad.asl.json", DANGLING)]);
    let d = dir.path();
    assert_eq!(asl_lint(&["good.asl.json"], d).status.code(), Some(0));
    assert_eq!(asl_lint(&["bad.asl.json"], d).status.code(), Some(1));
    assert_eq!(
        asl_lint(&["--fail-on", "never", "bad.asl.json"], d)
            .status
            .code(),
        Some(0)
    );
    // A path that does not exist is a usage error, even next to good ones.
    let missing = asl_lint(&["good.asl.json", "nope.asl.json"], d);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("path `nope.asl.json` does not exist"));
    assert_eq!(asl_lint(&["--no-such-flag"], d).status.code(), Some(2));
    assert_eq!(
        asl_lint(&["--fail-on", "sometimes"], d).status.code(),
        Some(2)
    );
    assert_eq!(asl_lint(&["--format", "xml"], d).status.code(), Some(2));
    let two_stdout = asl_lint(
        &["--format", "json", "--format", "concise", "good.asl.json"],
        d,
    );
    assert_eq!(two_stdout.status.code(), Some(2));
    assert!(stderr(&two_stdout).contains("at most one --format may write to stdout"));
    assert_eq!(asl_lint(&["--help"], d).status.code(), Some(0));
    assert_eq!(asl_lint(&["--version"], d).status.code(), Some(0));
}

#[test]
fn fail_on_thresholds() {
    // A BOM is a warning; the file is otherwise clean.
    let dir = tree(&[("bom.asl.json", &format!("\u{feff}{GOOD}"))]);
    let d = dir.path();
    assert_eq!(asl_lint(&["bom.asl.json"], d).status.code(), Some(1));
    assert_eq!(
        asl_lint(&["--fail-on", "warning", "bom.asl.json"], d)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        asl_lint(&["--fail-on", "error", "bom.asl.json"], d)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        asl_lint(&["--fail-on", "info", "bom.asl.json"], d)
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn trailing_comma_is_located_and_the_rest_is_still_linted() {
    let dir = tree(&[
        ("a-trailing.asl.json", TRAILING_COMMA),
        ("b-good.asl.json", GOOD),
        ("c-dangling.asl.json", DANGLING),
    ]);
    let out = asl_lint(&["--format", "concise", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "a-trailing.asl.json:4:41: error: trailing comma is not allowed [invalid-json]\n\
         c-dangling.asl.json:4:36: error: `Next` names state `B`, which does not exist in the state machine [unknown-transition-target]\n"
    );
    assert!(
        stderr(&out).contains("Found 2 errors in 3 files."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_report_follows_the_contract() {
    let dir = tree(&[
        ("sm/a.asl.json", TRAILING_COMMA),
        ("sm/b.asl.json", DANGLING),
        ("sm/c.asl.json", GOOD),
        (
            "sm/d.asl.json",
            "\u{feff}{\"StartAt\": \"😀/~\", \"States\": {\"😀/~\": {\"Type\": \"Pass\", \"Next\": \"x\"}}}",
        ),
    ]);
    let out = asl_lint(&["--format", "json", "./sm"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    validate_report(&json);
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["summary"],
        serde_json::json!({"files": 4, "definitions": 3, "errors": 3, "warnings": 1, "infos": 0, "suppressed": 0})
    );
    let diags = json["diagnostics"].as_array().unwrap();
    let files: Vec<&str> = diags.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "sm/a.asl.json",
            "sm/b.asl.json",
            "sm/d.asl.json",
            "sm/d.asl.json"
        ]
    );
    let b = &diags[1];
    assert_eq!(b["rule"], "unknown-transition-target");
    assert_eq!(b["severity"], "error");
    assert_eq!(b["state"], "A");
    assert_eq!(b["definition"], Value::Null);
    assert_eq!(b["pointer"], "/States/A/Next");
    assert_eq!(
        (b["line"].as_u64(), b["column"].as_u64()),
        (Some(4), Some(36))
    );
    // The end is exclusive: `"B"` is three characters.
    assert_eq!(
        (b["end_line"].as_u64(), b["end_column"].as_u64()),
        (Some(4), Some(39))
    );
    // A file-level finding has an empty pointer and no state.
    assert_eq!(diags[0]["pointer"], "");
    assert_eq!(diags[0]["state"], Value::Null);
    // Pointers escape `/` and `~`; columns count characters, not bytes.
    let d = &diags[3];
    assert_eq!(d["pointer"], "/States/😀~1~0/Next");
    assert_eq!(d["state"], "😀/~");
    assert_eq!(d["column"].as_u64(), Some(63), "the BOM is not a column");
    assert_eq!(diags[2]["rule"], "byte-order-mark");
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let shifted = format!("\n\n{DANGLING}");
    let a = tree(&[("x.asl.json", DANGLING)]);
    let b = tree(&[("x.asl.json", &shifted)]);
    let fp = |d: &Path| {
        let json: Value =
            serde_json::from_str(&stdout(&asl_lint(&["--format", "json", "x.asl.json"], d)))
                .unwrap();
        (
            json["diagnostics"][0]["fingerprint"].clone(),
            json["diagnostics"][0]["line"].clone(),
        )
    };
    let (fa, la) = fp(a.path());
    let (fb, lb) = fp(b.path());
    assert_eq!(fa, fb);
    assert_ne!(la, lb);
}

#[test]
fn stdin_is_named_by_stdin_filename() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args([
            "--format",
            "concise",
            "-",
            "--stdin-filename",
            "sm/piped.asl.json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(DANGLING.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("sm/piped.asl.json:4:36: error:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn discovery_sniffs_json_and_skips_excluded_and_special_files() {
    let dir = tree(&[
        ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
        ("broken-unrelated.json", "{ not json at all"),
        ("plain-definition.json", DANGLING),
        ("node_modules/dep/bad.asl.json", DANGLING),
        ("target/bad.asl.json", DANGLING),
        (".git/bad.asl.json", DANGLING),
        ("flows/ok.asl.json", GOOD),
        (
            "flows/flow.asl.yaml",
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n",
        ),
        ("ci/workflow.yml", "name: ci\non: push\njobs: {}\n"),
        ("broken-unrelated.yaml", "a: [\n"),
        (
            "template.yaml",
            "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Next: Gone}\n",
        ),
    ]);
    let d = dir.path();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            d.join("plain-definition.json"),
            d.join("flows/link.asl.json"),
        )
        .unwrap();
        std::os::unix::fs::symlink(d, d.join("flows/loop")).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(d.join("flows/pipe.asl.json"))
                .status()
                .unwrap()
                .success()
        );
    }
    let out = asl_lint(&["--format", "json"], d);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["file"].as_str().unwrap())
        .collect();
    // Only the sniffed plain definition and template: excluded folders,
    // symlinks, the FIFO and unrelated JSON and YAML are skipped.
    assert_eq!(files, ["plain-definition.json", "template.yaml"]);
    assert_eq!(json["summary"]["files"], 4);
    assert_eq!(json["summary"]["definitions"], 4);
    assert_eq!(json["diagnostics"][1]["definition"], "/Resources/M");
    assert_eq!(json["diagnostics"][1]["state"], "A");
    assert_eq!(json["diagnostics"][1]["line"], 8);
    // A file named explicitly is always linted, whatever its name.
    let explicit = asl_lint(&["--format", "concise", "node_modules/dep/bad.asl.json"], d);
    assert_eq!(explicit.status.code(), Some(1));
    #[cfg(unix)]
    {
        let fifo = asl_lint(&["--format", "concise", "flows/pipe.asl.json"], d);
        assert_eq!(fifo.status.code(), Some(1));
        assert!(stdout(&fifo).contains("it is a FIFO (named pipe), not a regular file [io-error]"));
    }
}

#[test]
fn format_to_file_and_stdout_in_one_run() {
    let dir = tree(&[("bad.asl.json", DANGLING)]);
    let d = dir.path();
    let out = asl_lint(
        &[
            "--format",
            "concise",
            "--format",
            "json=out/report.json",
            "bad.asl.json",
        ],
        d,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "the folder for the report does not exist"
    );
    std::fs::create_dir(d.join("out")).unwrap();
    let out = asl_lint(
        &[
            "--format",
            "concise",
            "--format",
            "json=out/report.json",
            "bad.asl.json",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("[unknown-transition-target]"));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/report.json")).unwrap()).unwrap();
    validate_report(&json);
    assert_eq!(json["summary"]["errors"], 1);
    // `text` into a file is the full snippet rendering, without colour.
    let out = asl_lint(&["--format", "text=out/report.txt", "bad.asl.json"], d);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(d.join("out/report.txt")).unwrap();
    assert!(text.contains("╭─[bad.asl.json:4:36]"), "{text}");
    assert!(!text.contains('\u{1b}'), "no ANSI escapes in a file");
}

#[test]
fn text_falls_back_to_concise_when_piped_and_colours_only_on_request() {
    let dir = tree(&[("bad.asl.json", DANGLING)]);
    let d = dir.path();
    let piped = stdout(&asl_lint(&["bad.asl.json"], d));
    assert!(piped.starts_with("bad.asl.json:4:36: error:"), "{piped}");
    let forced = stdout(&asl_lint(&["--color", "always", "bad.asl.json"], d));
    assert!(forced.contains('\u{1b}'), "colour was forced");
    assert!(forced.contains("no such state"));
    let no_color = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--color", "auto", "bad.asl.json"])
        .current_dir(d)
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\u{1b}'));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let examples = root().join("examples");
    let runs: Vec<String> = [["--jobs", "1"], ["--jobs", "2"], ["--jobs", "8"]]
        .iter()
        .map(|jobs| {
            let mut args = vec!["--format", "json", "."];
            args.extend_from_slice(jobs);
            stdout(&asl_lint(&args, &examples))
        })
        .collect();
    assert!(runs[0].contains("unknown-transition-target"));
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], runs[2]);
}

#[test]
fn linting_never_modifies_the_tree() {
    let dir = tree(&[
        ("a.asl.json", TRAILING_COMMA),
        ("b/c.asl.json", DANGLING),
        ("b/d.json", GOOD),
    ]);
    let snapshot = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<_> = walkdir::WalkDir::new(d)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let bytes = if e.file_type().is_file() {
                    std::fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (e.path().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        all.sort();
        all
    };
    let before = snapshot(dir.path());
    for format in ["text", "concise", "json"] {
        asl_lint(&["--format", format, "."], dir.path());
    }
    assert_eq!(before, snapshot(dir.path()));
}

#[test]
fn list_rules_and_explain() {
    let d = root();
    let list = stdout(&asl_lint(&["--list-rules"], &d));
    for rule in asl_lint::rules::RULES {
        let line = list
            .lines()
            .find(|l| l.starts_with(&format!("{} ", rule.name)))
            .expect("listed");
        assert!(
            line.contains(rule.severity.as_str()) && line.ends_with(rule.summary),
            "{line}"
        );
    }
    let json: Value = serde_json::from_str(&stdout(&asl_lint(
        &["--list-rules", "--format", "json"],
        &d,
    )))
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), asl_lint::rules::RULES.len());
    assert_eq!(json[0]["default_enabled"], true);
    let doc = asl_lint(&["--explain", "unreachable-state"], &d);
    assert_eq!(doc.status.code(), Some(0));
    assert!(stdout(&doc).starts_with("# `unreachable-state`"));
    let typo = asl_lint(&["--explain", "unreachable-states"], &d);
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).contains("did you mean `unreachable-state`?"));
}

#[test]
fn examples_snapshot() {
    let out = asl_lint(&["--format", "concise", "examples"], &root());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("examples-concise", stdout(&out));
}

#[test]
fn the_talks_scenarios_give_exactly_the_expected_findings() {
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            "job-chain/unprotected.asl.json",
            &[
                // No Catch at all: infos that name the jobs a failure
                // skips (the jobs may depend on each other through S3).
                ("job-chain-missing-catch", "info"),
                ("job-chain-missing-catch", "info"),
                // The last job skips nothing when it fails.
                ("job-chain-missing-catch", "info"),
            ],
        ),
        ("job-chain/caught.asl.json", &[]),
        // The talk's Parallel fix, with the refinement's info on top.
        (
            "job-chain/parallel-with-catch.asl.json",
            &[("parallel-catch-only-at-top", "info")],
        ),
        (
            "ingest/unguarded.asl.json",
            &[("unguarded-expensive-ingest", "warning")],
        ),
        ("ingest/guarded.asl.json", &[]),
        (
            "glue-session/never-stopped.asl.json",
            &[
                ("unbounded-billable-resource", "error"),
                ("start-without-native-cap", "warning"),
            ],
        ),
        (
            "glue-session/stopped-on-success-only.asl.json",
            &[("unbounded-billable-resource", "warning")],
        ),
        ("glue-session/stopped-on-every-path.asl.json", &[]),
        ("glue-session/wait-and-stop-reaper.asl.json", &[]),
        (
            "permissions/template.yaml",
            &[
                ("role-missing-permission", "warning"),
                ("role-missing-permission", "warning"),
            ],
        ),
        (
            "sam-app/template.yaml",
            &[
                ("express-incompatible", "error"),
                ("unbounded-billable-resource", "warning"),
            ],
        ),
        (
            "data-flow/order.asl.json",
            &[
                ("missing-input-field", "warning"),
                ("missing-input-field", "warning"),
            ],
        ),
        ("data-flow/order-fixed.asl.json", &[]),
    ];
    let examples = root().join("examples");
    for (file, findings) in expected {
        let out = asl_lint(&["--format", "json", file], &examples);
        let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let got: Vec<(String, String)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = findings
            .iter()
            .map(|(r, s)| (r.to_string(), s.to_string()))
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn the_readme_example_is_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let prefix = "```text\n$ asl-lint ";
    let start = readme.find(prefix).expect("README shows an example run") + prefix.len();
    let (args, rest) = readme[start..].split_once('\n').unwrap();
    let shown = &rest[..rest.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("out.txt");
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", &format!("text={}", report.display()), args])
        .current_dir(root())
        .env("COLUMNS", "90")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        shown,
        std::fs::read_to_string(&report).unwrap(),
        "README example is stale"
    );
}

/// A SAM template that deploys a definition file, as `sam init` lays it out.
const LINKED_TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Ingest:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: statemachine/ingest.asl.json
      DefinitionSubstitutions:
        CrawlArn: arn:aws:states:::glue:startJobRun.sync
      Policies:
        - Statement:
            - Effect: Allow
              Action: glue:*
              Resource: '*'
";

const LINKED_DEFINITION: &str = r#"{
  "StartAt": "Crawl",
  "States": {
    "Crawl": { "Type": "Task", "Resource": "${CrawlArn}", "End": true }
  }
}
"#;

#[test]
fn definition_uri_files_are_linted_with_the_template_type_and_substitutions() {
    let dir = tree(&[
        ("app/template.yaml", LINKED_TEMPLATE),
        ("app/statemachine/ingest.asl.json", LINKED_DEFINITION),
    ]);
    // Linting the folder, and linting only the template, both check the
    // linked file as the template deploys it: EXPRESS, with the ARN resolved.
    for args in [
        vec!["--format", "json", "app"],
        vec!["--format", "json", "app/template.yaml"],
    ] {
        let out = asl_lint(&args, dir.path());
        let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
        validate_report(&json);
        let findings: Vec<(&str, &str)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
            .collect();
        assert_eq!(
            findings,
            [("app/statemachine/ingest.asl.json", "express-incompatible")],
            "{args:?}"
        );
        let help = json["diagnostics"][0]["help"].as_str().unwrap();
        assert!(
            help.contains("deployed by `app/template.yaml` (resource `Ingest`)"),
            "{help}"
        );
        assert_eq!(json["summary"]["files"], 2, "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn missing_definition_uri_hints_at_a_case_only_mismatch() {
    let dir = tree(&[
        ("template.yaml", LINKED_TEMPLATE),
        ("statemachine/Ingest.asl.json", LINKED_DEFINITION),
    ]);
    let out = asl_lint(&["--format", "json", "template.yaml"], dir.path());
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "missing-definition-file");
    assert_eq!(d["line"], 7);
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("`Ingest.asl.json` exists with different letter case"),
        "{d}"
    );
}

#[test]
fn terraform_templatefile_and_inline_hcl_definitions_are_linted() {
    let dir = tree(&[
        (
            "infra/main.tf",
            r#"resource "aws_sfn_state_machine" "etl" {
  name       = "etl"
  type       = "EXPRESS"
  role_arn   = aws_iam_role.sfn.arn
  definition = templatefile("${path.module}/etl.asl.json", {
    retries = 3
  })
}

resource "aws_sfn_state_machine" "inline" {
  name       = "inline"
  role_arn   = aws_iam_role.sfn.arn
  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Pass" } } })
}
"#,
        ),
        (
            "infra/etl.asl.json",
            r#"{
  "StartAt": "Crawl",
  "States": {
    "Crawl": {
      "Type": "Task",
      "Resource": "arn:aws:states:::glue:startJobRun.sync",
      "Parameters": { "JobName": "crawl" },
      "Retry": [{ "ErrorEquals": ["Glue.ThrottlingException"], "MaxAttempts": ${retries} }],
      "End": true
    }
  }
}
"#,
        ),
    ]);
    let out = asl_lint(&["--format", "concise", "infra/main.tf"], dir.path());
    assert_eq!(
        stdout(&out),
        "infra/etl.asl.json:6:19: error: `Crawl` waits for its job (`.sync`), which this Express \
         workflow cannot do: Express supports only request-response integrations \
         [express-incompatible]\n\
         infra/main.tf:13:44: error: the state machine has no terminal state \
         [no-terminal-state]\n\
         infra/main.tf:13:55: error: state `A` has neither `Next` nor `End` \
         [missing-required-field]\n"
    );
    // Found by sniffing when the folder is linted.
    let out = asl_lint(&["--format", "concise", "infra"], dir.path());
    assert!(
        stdout(&out).contains("infra/main.tf:13:55: error"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn yaml_comments_and_template_metadata_suppress() {
    let out = asl_lint(
        &[
            "--format",
            "json",
            "tests/fixtures/unused-suppression/pass/yaml-comment-used.asl.yaml",
        ],
        &root(),
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    assert_eq!(json["summary"]["suppressed"], 2);

    let dir = tree(&[(
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Metadata:\n      asl-lint:\n        ignore: [unreachable-state]\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n          B: {Type: Succeed}\n",
    )]);
    let out = asl_lint(&["--format", "json", "template.yaml"], dir.path());
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    assert_eq!(json["summary"]["suppressed"], 1);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cdk_output_is_linted_only_when_named_and_join_parts_keep_their_positions() {
    // What `cdk synth` writes for a definition with a Lambda ARN in it.
    let template = r#"{
  "Resources": {
    "FlowStateMachine1A2B3C4D": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": {
          "Fn::Join": [
            "",
            [
              "{\"StartAt\":\"Invoke\",\"States\":{\"Invoke\":{\"Next\":\"Notfy\",\"Type\":\"Task\",\"Resource\":\"",
              { "Fn::GetAtt": ["HandlerFn5E3F1A2B", "Arn"] },
              "\"},\"Notify\":{\"Type\":\"Succeed\"}}}"
            ]
          ]
        }
      },
      "Metadata": { "aws:cdk:path": "App/Flow/StateMachine/Resource" }
    }
  }
}
"#;
    let dir = tree(&[
        ("cdk.out/App.template.json", template),
        ("ok.asl.json", GOOD),
    ]);
    let all = asl_lint(&["--format", "concise", "."], dir.path());
    assert_eq!(all.status.code(), Some(0), "{}", stdout(&all));
    let named = asl_lint(&["--format", "json", "cdk.out"], dir.path());
    let json: Value = serde_json::from_str(&stdout(&named)).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["unknown-transition-target", "unreachable-state"]);
    let d = &json["diagnostics"][0];
    assert_eq!(d["file"], "cdk.out/App.template.json");
    assert_eq!(d["definition"], "/Resources/FlowStateMachine1A2B3C4D");
    assert_eq!(d["state"], "Invoke");
    // Line 10, on `\"Notfy\"` inside the first Join part.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(10), Some(73))
    );
    assert_eq!(json["summary"]["definitions"], 1);
    // The CDK construct path names the code to change.
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .ends_with("CDK construct `App/Flow/StateMachine/Resource`"),
        "{d}"
    );
}

#[test]
fn a_finding_that_repeats_another_on_its_state_becomes_a_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("batch.asl.json"),
        r#"{"StartAt": "Submit", "TimeoutSeconds": 3600, "States": {"Submit": {"Type": "Task",
          "Resource": "arn:aws:states:::batch:submitJob.sync",
          "Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}, "End": true}}}"#,
    )
    .unwrap();
    let out = asl_lint(
        &["--no-config", "--format", "json", "batch.asl.json"],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["diagnostics"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["start-without-native-cap"], "{report}");
    let help = findings[0]["help"].as_str().unwrap();
    assert!(
        help.contains("also `long-task-without-timeout`: `Submit` waits"),
        "{help}"
    );
    // Without the first rule, the second reports on its own.
    let out = asl_lint(
        &[
            "--no-config",
            "--format",
            "json",
            "--ignore",
            "start-without-native-cap",
            "batch.asl.json",
        ],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["rule"], "long-task-without-timeout",
        "{report}"
    );
}

#[test]
fn a_file_named_twice_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("d");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("m.asl.json"),
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"}, \"B\": {\"Type\": \"Succeed\"}}}",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args([
            "--no-config",
            "--format",
            "json",
            "d/m.asl.json",
            "./d/m.asl.json",
            "d",
            "./d",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 1, "{report}");
}

#[test]
fn statistics_count_each_severity_a_rule_reported_apart() {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--statistics", "--select", "retry-storm"])
        .arg(root().join("tests/fixtures/retry-storm/fail"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let warnings = rows
        .iter()
        .find(|r| r[2] == "warning")
        .expect("a warning row");
    let infos = rows.iter().find(|r| r[2] == "info").expect("an info row");
    assert_eq!(rows.len(), 2, "{text}");
    // Each count is of findings at the severity on its line.
    let json = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "json", "--select", "retry-storm"])
        .arg(root().join("tests/fixtures/retry-storm/fail"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let count = |sev: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == sev)
            .count()
            .to_string()
    };
    assert_eq!(warnings[0], count("warning"));
    assert_eq!(infos[0], count("info"));
}

#[test]
fn version_verbose_names_the_embedded_aws_models() {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--version", "--verbose"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("data/aws-models/index.json")).unwrap(),
    )
    .unwrap();
    let line = format!(
        "aws-models botocore {} {}",
        index["botocore"].as_str().unwrap(),
        index["sha256"].as_str().unwrap()
    );
    assert!(text.starts_with("asl-lint "), "{text}");
    assert!(text.lines().any(|l| l == line), "{text}");
}

#[test]
fn a_trailing_comma_in_a_deployed_file_is_a_warning_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("statemachine")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/x.asl.json\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("statemachine/x.asl.json"),
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Dnoe\",},\n    \"Done\": {\"Type\": \"Succeed\"},\n  }\n}\n",
    )
    .unwrap();
    let lint = |what: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--no-config", "--format", "concise", what])
            .current_dir(dir.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let through_template = lint("template.yaml");
    assert!(
        through_template.contains("4:41: warning: trailing comma is not allowed [invalid-json]")
            && through_template.contains("5:32: warning: trailing comma")
            && through_template.contains("[unknown-transition-target]"),
        "{through_template}"
    );
    let alone = lint("statemachine/x.asl.json");
    assert!(
        alone.contains("4:41: error: trailing comma is not allowed [invalid-json]"),
        "{alone}"
    );
}

#[test]
fn the_action_never_reads_a_stale_report_or_names_an_unwritten_sarif_file() {
    let dir = tempfile::tempdir().unwrap();
    let temp = dir.path().join("runner-temp");
    std::fs::create_dir(&temp).unwrap();
    // Left by an earlier run on the same runner.
    std::fs::write(
        temp.join("asl-lint-report.json"),
        "{\n  \"summary\": {\n    \"errors\": 99,\n    \"warnings\": 99\n  }\n}\n",
    )
    .unwrap();
    let sarif = dir.path().join("old.sarif");
    std::fs::write(&sarif, "{}").unwrap();
    let outputs = dir.path().join("outputs");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_asl-lint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // A configuration that does not exist: asl-lint stops with exit 2
    // before writing anything.
    let out = Command::new("bash")
        .arg(root().join("scripts/action-run.sh"))
        .current_dir(root())
        .env("PATH", path)
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_OUTPUT", &outputs)
        .env("INPUT_PATHS", "examples")
        .env("INPUT_CONFIG", dir.path().join("missing.toml"))
        .env("INPUT_SARIF_FILE", &sarif)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(
        written.contains("errors=\n") && written.contains("warnings=\n"),
        "{written}"
    );
    assert!(written.contains("sarif-file=\n"), "{written}");
    assert!(!sarif.exists(), "the stale SARIF file is gone");
}

/// `asl-lint .` in a CDK app lints its cloud assembly (`cdk.out`, excluded
/// elsewhere as generated output); before `cdk synth` it says how to get one.
#[test]
fn a_cdk_app_is_linted_through_its_cloud_assembly() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(app.join("cdk.json"), r#"{"app": "npx ts-node bin/app.ts"}"#).unwrap();
    let before = asl_lint(&["--format", "concise", "."], app);
    assert_eq!(before.status.code(), Some(0));
    let note = String::from_utf8_lossy(&before.stderr).into_owned();
    assert!(note.contains("run `cdk synth`"), "{note}");
    std::fs::create_dir(app.join("cdk.out")).unwrap();
    let template = serde_json::json!({"Resources": {"M": {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Bee"}}}"#},
        "Metadata": {"aws:cdk:path": "AppStack/Machine/Resource"}
    }}});
    std::fs::write(
        app.join("cdk.out/AppStack.template.json"),
        template.to_string(),
    )
    .unwrap();
    let after = asl_lint(&["--format", "concise", "."], app);
    let shown = stdout(&after);
    assert!(
        shown.contains("cdk.out/AppStack.template.json") && shown.contains("(AppStack/Machine)"),
        "{shown}"
    );
    assert!(!String::from_utf8_lossy(&after.stderr).contains("cdk synth"));
    // Elsewhere `cdk.out` stays excluded as generated output.
    std::fs::remove_file(app.join("cdk.json")).unwrap();
    let plain = asl_lint(&["--format", "concise", "."], app);
    assert!(!stdout(&plain).contains("cdk.out"), "{}", stdout(&plain));
}

/// A Serverless Framework machine whose `definition` is `${file(...)}` lints
/// that file as its definition, linked from the service, as SAM's
/// `DefinitionUri` is.
#[test]
fn a_serverless_definition_in_a_file_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::create_dir(d.join("machines")).unwrap();
    std::fs::write(
        d.join("serverless.yml"),
        "service: orders\nplugins:\n  - serverless-step-functions\nstepFunctions:\n  stateMachines:\n    process:\n      definition: ${file(./machines/process.json)}\n",
    )
    .unwrap();
    // Not an `*.asl.*` name and no state machine of its own to sniff as
    // standalone: only the link makes it a definition.
    std::fs::write(
        d.join("machines/process.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Bee"}, "Bee2": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let shown = stdout(&asl_lint(&["--format", "concise", "serverless.yml"], d));
    assert!(
        shown.contains("machines/process.json:1:") && shown.contains("[unknown-transition-target]"),
        "{shown}"
    );
    let files = stdout(&asl_lint(&["--show-files", "serverless.yml"], d));
    assert!(files.contains("linked from serverless.yml"), "{files}");
}

/// `DefinitionS3Location` with a local path, as `aws cloudformation package`
/// takes it, is followed like a `DefinitionUri`; an S3 location is not.
#[test]
fn a_local_definition_s3_location_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::write(
        d.join("template.yaml"),
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/r\n      DefinitionS3Location: machine.json\n  S:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/r\n      DefinitionS3Location: {Bucket: b, Key: k.json}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("machine.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Bee"}}}"#,
    )
    .unwrap();
    let shown = stdout(&asl_lint(&["--format", "concise", "template.yaml"], d));
    assert!(
        shown.contains("machine.json:1:") && shown.contains("[unknown-transition-target]"),
        "{shown}"
    );
    assert!(
        shown.contains("[unlintable-definition]"),
        "the S3 one says why: {shown}"
    );
}

/// `--show-files` says once per state machine whether `role-missing-permission`
/// can check it, and why not, instead of a finding per Task.
#[test]
fn show_files_says_whether_each_role_was_read() {
    let out = asl_lint(
        &[
            "--show-files",
            "examples/permissions/template.yaml",
            "tests/fixtures/role-missing-permission/pass/cfn-role-outside-template.yaml",
            "tests/fixtures/role-missing-permission/pass/tf-role-from-variable.tf",
        ],
        &root(),
    );
    let text = stdout(&out);
    for expected in [
        "role of /Resources/NightlyExport: read in full (`NightlyExportRole`)",
        "role of /Resources/Imported: not checked: its role `ExecutionRoleArn` is not defined in this template",
        "role of /resource/aws_sfn_state_machine/caller_role: not checked: its role `var.role_arn` is not an `aws_iam_role` of its module",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
