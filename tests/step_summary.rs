//! The GitHub step summary's path diagrams: a Mermaid flowchart per path
//! finding (a resource left running, a broken job chain), hostile names
//! kept inside their labels, a cap on how many are drawn, and every block
//! parsed by Mermaid itself when `ASL_LINT_MERMAID` names a folder whose
//! `node_modules` has mermaid and jsdom (`.ci/run` installs them).

use std::path::Path;
use std::process::Command;

/// A Glue session started, then a statement whose Catch goes to a Fail
/// state without stopping it; `name` is the failing step's name.
fn leaking(name: &str) -> String {
    let name = serde_json::to_string(name).unwrap();
    format!(
        r#"{{"StartAt": "Create session", "States": {{
  "Create session": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:createSession",
    "Parameters": {{"Id.$": "$$.Execution.Name", "Role": "r", "Command": {{"Name": "glueetl"}}, "IdleTimeout": 15}},
    "ResultPath": "$.session", "Next": "Run"}},
  "Run": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:runStatement",
    "Parameters": {{"SessionId.$": "$.session.Session.Id", "Code": "x"}}, "ResultPath": null,
    "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": {name}}}], "Next": "Stop"}},
  "Stop": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:stopSession",
    "Parameters": {{"Id.$": "$.session.Session.Id"}}, "End": true}},
  {name}: {{"Type": "Fail"}}}}}}"#
    )
}

fn summary_of(dir: &Path) -> String {
    let summary = dir.join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "github", "."])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(summary).unwrap()
}

fn mermaid_blocks(markdown: &str) -> Vec<&str> {
    markdown
        .split("```mermaid\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect()
}

/// What a label may hold: letters, digits, spaces and `#NN;` entity codes.
fn labels_are_inert(block: &str) {
    for line in block.lines() {
        let parts: Vec<&str> = line.split('"').collect();
        assert!(parts.len() % 2 == 1, "unbalanced quotes: {line}");
        for label in parts.iter().skip(1).step_by(2) {
            assert!(
                label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " #;".contains(c)),
                "{line}"
            );
        }
        let outside: String = parts.iter().step_by(2).copied().collect();
        assert!(!outside.contains(['<', '`', '\\']), "{line}");
    }
}

/// Runs Mermaid's parser over the summary, or says why it cannot.
fn mermaid_parses(markdown: &str) {
    let Some(modules) = std::env::var_os("ASL_LINT_MERMAID") else {
        println!("NOTICE: ASL_LINT_MERMAID is not set; the diagrams were not parsed by Mermaid");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("summary.md");
    std::fs::write(&file, markdown).unwrap();
    let out = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/check_mermaid.mjs"
        ))
        .arg(&file)
        .env("ASL_LINT_MERMAID", modules)
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", said.trim());
}

#[test]
fn a_leaking_path_is_drawn_from_start_to_exit_with_hostile_names_inert() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "Oops\"] --> evil[\"<img src=x>``` %%{init}%% &#quot;";
    std::fs::write(dir.path().join("leak.asl.json"), leaking(hostile)).unwrap();
    std::fs::write(
        dir.path().join("plain.asl.json"),
        leaking("Statement failed"),
    )
    .unwrap();
    let markdown = summary_of(dir.path());
    let blocks = mermaid_blocks(&markdown);
    assert_eq!(blocks.len(), 2, "{markdown}");
    for block in &blocks {
        labels_are_inert(block);
    }
    let plain = blocks[1];
    for line in [
        "  s0[\"Create session\"]:::start",
        "  s2[\"Statement failed\"]:::leak",
        "  s1 -->|\"Catch\"| s2",
        "  m[\"no stop of a Glue interactive session\"]:::missing",
        "  s2 --> m",
        "  m --> x",
    ] {
        assert!(plain.lines().any(|l| l == line), "{line:?} in\n{plain}");
    }
    mermaid_parses(&markdown);
}

#[test]
fn a_broken_job_chain_shows_what_never_runs_and_drawings_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chain.asl.json"),
        r#"{"StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "a"}, "Next": "B"},
          "B": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "b"}, "End": true}}}"#,
    )
    .unwrap();
    for i in 0..25 {
        std::fs::write(
            dir.path().join(format!("leak{i:02}.asl.json")),
            leaking("F"),
        )
        .unwrap();
    }
    let markdown = summary_of(dir.path());
    let blocks = mermaid_blocks(&markdown);
    assert_eq!(blocks.len(), 20, "at most 20 drawn");
    assert!(
        markdown.contains("\n7 more paths are not drawn.\n"),
        "{markdown}"
    );
    let chain = blocks[0];
    assert!(chain.contains("  s0[\"A\"]:::leak\n"), "{chain}");
    assert!(chain.contains("  m[\"no Catch\"]:::missing\n"), "{chain}");
    assert!(chain.contains("  s0 -.->|\"never runs\"| r0\n"), "{chain}");
    mermaid_parses(&markdown);
}
