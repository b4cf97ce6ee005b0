//! Terraform, as its users write state machines (issue #32): `jsonencode`
//! HCL, heredocs, `templatefile()` with vars and with directives, the
//! registry module. Each case is a real folder under `tests/terraform/`;
//! findings must land on the line and column of the file the user wrote.
//!
//! When the `terraform` CLI is installed, `terraform console` renders the
//! same definitions offline (no provider is needed for `templatefile` and
//! `jsonencode`), and the rendered JSON must give the same findings.

mod common;

use common::root;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn asl_lint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn concise(target: &str) -> String {
    let out = asl_lint(&["--no-config", "--format", "concise", target], &root());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn jsonencode_findings_point_at_the_hcl_the_user_wrote() {
    assert_eq!(
        concise("tests/terraform/jsonencode"),
        "tests/terraform/jsonencode/main.tf:21:25: error: `MaxAttempts` must be a whole number, \
         found \"3\" [invalid-value]\n\
         tests/terraform/jsonencode/main.tf:23:16: error: `Next` names state `Shpi`, which does \
         not exist in the state machine [unknown-transition-target]\n\
         tests/terraform/jsonencode/main.tf:25:7: error: state `Ship` is never reached from \
         `StartAt` [unreachable-state]\n"
    );
    // The JSON report names the resource and points inside the definition.
    let out = asl_lint(
        &[
            "--no-config",
            "--format",
            "json",
            "tests/terraform/jsonencode",
        ],
        &root(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(
        first["definition"],
        "/resource/aws_sfn_state_machine/orders"
    );
    assert_eq!(first["pointer"], "/States/Charge/Retry/0/MaxAttempts");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(21), Some(25))
    );
}

#[test]
fn heredocs_are_json_with_placeholders() {
    assert_eq!(
        concise("tests/terraform/heredoc"),
        "tests/terraform/heredoc/main.tf:11:3: error: the state machine has no terminal state \
         [no-terminal-state]\n\
         tests/terraform/heredoc/main.tf:17:5: error: state `Wait` has neither `Next` nor `End` \
         [missing-required-field]\n\
         tests/terraform/heredoc/main.tf:35:45: error: `Run` waits for its job (`.sync`), which \
         this Express workflow cannot do: Express supports only request-response integrations \
         [express-incompatible]\n"
    );
}

#[test]
fn templatefile_vars_are_applied_and_directives_make_only_their_value_opaque() {
    // `Next = "${next_state}"` is "Run" as deployed: only `Report` is wrong.
    assert_eq!(
        concise("tests/terraform/templatefile"),
        "tests/terraform/templatefile/etl.json.tftpl:12:15: error: `Next` names state `Report`, \
         which does not exist in the state machine [unknown-transition-target]\n"
    );
    // A `%{ for }` builds `Branches` and `${jsonencode(...)}` a value: no
    // invalid-json, and the rest of the `.tpl` file is linted.
    assert_eq!(
        concise("tests/terraform/directives"),
        "tests/terraform/directives/fanout.tpl:22:7: error: `Next` and `End` cannot both be set \
         [conflicting-fields]\n\
         tests/terraform/directives/fanout.tpl:23:15: error: `Next` names state `Nowhere`, which \
         does not exist in the state machine [unknown-transition-target]\n"
    );
}

#[test]
fn the_registry_module_definition_and_type_are_read() {
    assert_eq!(
        concise("tests/terraform/registry-module"),
        "tests/terraform/registry-module/main.tf:15:20: error: `Crawl` waits for its job \
         (`.sync`), which this Express workflow cannot do: Express supports only \
         request-response integrations [express-incompatible]\n"
    );
}

#[test]
fn deeply_nested_hcl_is_a_located_info_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 50_000;
    let text = format!(
        "resource \"aws_sfn_state_machine\" \"deep\" {{\n  definition = jsonencode({}{})\n}}\n",
        "{ a = [".repeat(depth) + "1",
        "] }".repeat(depth)
    );
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let out = asl_lint(
        &["--no-config", "--format", "concise", "main.tf"],
        dir.path(),
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("main.tf:2:")
            && stdout.contains("state machine `deep` is not linted: this file is not valid HCL"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "an info only");
}

/// `expr` rendered by `terraform console` in `dir`, or `None` (with a
/// notice) when the CLI is not installed or cannot run here.
fn terraform_render(dir: &Path, expr: &str) -> Option<String> {
    let child = Command::new("terraform")
        .arg("console")
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        println!("notice: `terraform` is not installed; the rendering comparison is skipped");
        return None;
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(expr.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        println!(
            "notice: `terraform console` failed, the comparison is skipped: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let printed = String::from_utf8(out.stdout).unwrap();
    // A multi-line string prints as a heredoc, a one-line one quoted.
    let printed = printed.trim();
    if let Some(body) = printed.strip_prefix("<<EOT\n") {
        return Some(body.trim_end_matches("EOT").to_string());
    }
    serde_json::from_str::<String>(printed).ok()
}

/// The rules and messages of the findings of `file` in `dir`.
fn findings(dir: &Path, file: &str) -> Vec<String> {
    let out = asl_lint(&["--no-config", "--format", "json", file], dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["rule"], d["message"]))
        .collect();
    found.sort();
    found
}

#[test]
fn what_terraform_renders_gives_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let templates = root().join("tests/terraform/templatefile");
    std::fs::copy(
        templates.join("etl.json.tftpl"),
        dir.path().join("etl.json.tftpl"),
    )
    .unwrap();
    let Some(rendered) = terraform_render(
        dir.path(),
        r#"templatefile("etl.json.tftpl", {next_state = "Run", max_retries = 2, fn_arn = "arn:aws:lambda:us-east-1:123456789012:function:run"})"#,
    ) else {
        return;
    };
    std::fs::write(dir.path().join("rendered.asl.json"), &rendered).unwrap();
    // The `.tf` file, linted where Terraform would render it.
    std::fs::copy(templates.join("main.tf"), dir.path().join("main.tf")).unwrap();
    assert_eq!(
        findings(dir.path(), "main.tf"),
        findings(dir.path(), "rendered.asl.json"),
        "{rendered}"
    );

    // jsonencode: the fixture's object with its references given values.
    let tf = std::fs::read_to_string(root().join("tests/terraform/jsonencode/main.tf")).unwrap();
    let start = tf.find("jsonencode(").unwrap();
    let end = tf.find("\n  })\n").unwrap() + 5;
    let object = tf[start..end]
        .replace(
            "aws_lambda_function.charge.arn",
            "\"arn:aws:lambda:us-east-1:123456789012:function:charge\"",
        )
        .replace("var.ship_timeout", "30")
        .replace("${var.prefix}", "shop");
    // In a folder whose only `.tf` file is this local: the console needs
    // no provider there (and reads one expression per line).
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        empty.path().join("render.tf"),
        format!("locals {{\n  definition = {object}\n}}\n"),
    )
    .unwrap();
    let Some(rendered) = terraform_render(empty.path(), "local.definition\n") else {
        return;
    };
    println!("rendered by terraform console:\n{rendered}");
    std::fs::write(dir.path().join("encoded.asl.json"), &rendered).unwrap();
    let ours = std::fs::read_to_string(root().join("tests/terraform/jsonencode/main.tf")).unwrap();
    std::fs::write(dir.path().join("orders.tf"), ours).unwrap();
    assert_eq!(
        findings(dir.path(), "orders.tf"),
        findings(dir.path(), "encoded.asl.json"),
        "{rendered}"
    );
}
