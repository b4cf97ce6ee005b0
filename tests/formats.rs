//! Every report format is a contract: snapshots of each over the same small
//! tree, SARIF validated against the SARIF 2.1.0 schema, and GitHub
//! workflow commands that a hostile state name cannot forge.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use asl_lint::render::Format;
use serde_json::Value;

fn run(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

const BROKEN: &str = r#"{
  "StartAt": "Charge",
  "States": {
    "Charge": { "Type": "Pass", "Next": "Refund & <notify>" },
    "Orphan": { "Type": "Pass", "End": true }
  }
}
"#;

const CHAIN: &str = r#"{
  "StartAt": "A", "TimeoutSeconds": 7200,
  "States": {
    "A": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {"Cluster": "c", "TaskDefinition": "a"}, "TimeoutSeconds": 3600, "Next": "B",
           "Catch": [{ "ErrorEquals": ["States.TaskFailed"], "Next": "Failed" }] },
    "B": { "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {"Cluster": "c", "TaskDefinition": "b"}, "TimeoutSeconds": 3600, "End": true },
    "Failed": { "Type": "Fail", "Error": "JobFailed" }
  }
}
"#;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("flows")).unwrap();
    std::fs::write(d.join("flows/broken.asl.json"), BROKEN).unwrap();
    std::fs::write(d.join("flows/chain.asl.json"), CHAIN).unwrap();
    std::fs::write(
        d.join("flows/clean.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    dir
}

fn output(format: &str) -> String {
    let dir = tree();
    let out = run(&["--format", format, "flows"], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{format}");
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn every_format_snapshot() {
    // `text` is `concise` when piped, so it has no snapshot of its own.
    for &format in Format::NAMES.iter().filter(|&&f| f != "text") {
        insta::assert_snapshot!(format!("format-{format}"), output(format));
    }
}

#[test]
fn sarif_validates_against_the_schema() {
    let report: Value = serde_json::from_str(&output("sarif")).unwrap();
    let run = &report["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "job-chain-missing-catch",
            "unknown-transition-target",
            "unreachable-state"
        ]
    );
    for r in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("rules/{}.md", r["id"].as_str().unwrap()))
        );
    }
    for result in run["results"].as_array().unwrap() {
        assert!(
            result["partialFingerprints"]["primaryLocationLineHash"].is_null(),
            "left to upload-sarif"
        );
        assert!(
            !result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with('/')
        );
    }
    let Some(corpus) = common::corpus() else {
        return;
    };
    let schema_path = corpus.join("../schemas/sarif-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn github_commands_cannot_be_forged_by_state_names() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "x\n::error file=evil,line=1::forged 100% :,"}}}"#;
    std::fs::write(dir.path().join("h.asl.json"), hostile).unwrap();
    let out = String::from_utf8(run(&["--format", "github", "h.asl.json"], dir.path(), &[]).stdout)
        .unwrap();
    assert_eq!(
        out.lines().count(),
        1,
        "one command, no injected line: {out}"
    );
    assert!(out.starts_with("::error file=h.asl.json,line=1,"));
    assert!(
        out.contains("\\u{a}::error file=evil,line=1::forged 100%25"),
        "{out}"
    );
    assert!(out.contains("title=asl-lint (unknown-transition-target)::"));
}

#[test]
fn github_writes_every_finding_to_the_step_summary() {
    let dir = tree();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = run(
        &["--format", "github", "flows"],
        dir.path(),
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## asl-lint"),
        "appends: {text}"
    );
    assert_eq!(text.matches("| <code>flows/").count(), 4, "{text}");
    assert!(text.contains("Refund &amp; &lt;notify&gt;"), "{text}");
}

#[test]
fn one_run_prints_annotations_and_writes_sarif() {
    let dir = tree();
    let out = run(
        &[
            "--format",
            "github",
            "--format",
            "sarif=results.sarif",
            "flows",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("::error ")
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("results.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
}

/// A definition in generated CDK output names the construct that made it in
/// every format: JSON `construct`, SARIF `logicalLocations`, and the
/// concise and github messages as `(Stack/Construct)`.
#[test]
fn cdk_output_names_its_construct_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("cdk.out")).unwrap();
    let definition =
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Bee"},"B":{"Type":"Succeed"}}}"#;
    let template = serde_json::json!({
        "Resources": {
            "PipelineC0FFEE": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": definition,
                    "RoleArn": "arn:aws:iam::123456789012:role/pipeline"
                },
                "Metadata": { "aws:cdk:path": "PipelineStack/Pipeline/Resource" }
            }
        }
    });
    std::fs::write(
        d.join("cdk.out/PipelineStack.template.json"),
        serde_json::to_string_pretty(&template).unwrap(),
    )
    .unwrap();
    let out = |format: &str| {
        let o = run(&["--format", format, "cdk.out"], d, &[]);
        String::from_utf8(o.stdout).unwrap()
    };
    let concise = out("concise");
    assert!(
        concise.contains("(PipelineStack/Pipeline) [unknown-transition-target]"),
        "{concise}"
    );
    let github = out("github");
    assert!(github.contains("(PipelineStack/Pipeline)"), "{github}");
    let json: Value = serde_json::from_str(&out("json")).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(first["construct"], "PipelineStack/Pipeline/Resource");
    let sarif: Value = serde_json::from_str(&out("sarif")).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "PipelineStack/Pipeline"
    );
    // Outside generated output there is no construct field at all.
    let flows = tree();
    let plain =
        String::from_utf8(run(&["--format", "json", "flows"], flows.path(), &[]).stdout).unwrap();
    assert!(plain.contains("\"diagnostics\""), "{plain}");
    assert!(!plain.contains("\"construct\""), "{plain}");
}
