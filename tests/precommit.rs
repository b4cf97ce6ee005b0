//! The README's pre-commit advice, run with real pre-commit: this
//! repository's `asl-lint-system` hook with `files` widened to every JSON
//! and YAML file. pre-commit then names `package.json`, workflow files and
//! its own config; only definitions and templates may be linted. Needs a
//! Python with pre-commit (`ASL_LINT_PYTHON`, which `.ci/run` sets) and
//! this checkout as a git repository; otherwise the test says so and passes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const CAUGHT: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
const BROKEN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs")
}

#[test]
fn a_widened_files_pattern_lints_only_definitions_and_templates() {
    let Some(python) = common::python_with("pre_commit") else {
        println!("NOTICE: skipping: no Python with pre-commit (set ASL_LINT_PYTHON; .ci/run does)");
        return;
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = git(here, &["rev-parse", "HEAD"]);
    if !head.status.success() {
        println!("NOTICE: skipping: this checkout is not a git repository");
        return;
    }
    let rev = String::from_utf8(head.stdout).unwrap().trim().to_string();
    let project = tempfile::tempdir().unwrap();
    let p = project.path();
    std::fs::write(
        p.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: asl-lint-system\n        files: '\\.(json|ya?ml)$'\n",
            here.display()
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("package.json"),
        r#"{"name": "app", "version": "1.0.0"}"#,
    )
    .unwrap();
    std::fs::create_dir_all(p.join(".github/workflows")).unwrap();
    std::fs::write(
        p.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    )
    .unwrap();
    std::fs::create_dir(p.join("sm")).unwrap();
    std::fs::write(p.join("sm/flow.json"), CAUGHT).unwrap();
    std::fs::write(
        p.join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.json\n",
    )
    .unwrap();
    assert!(git(p, &["init", "--quiet", "."]).status.success());
    assert!(git(p, &["add", "."]).status.success());

    let bin = Path::new(env!("CARGO_BIN_EXE_asl-lint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(&python)
            .args(["-m", "pre_commit", "run", "--all-files", "--verbose"])
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env_remove("ASL_LINT_CONFIG")
            .current_dir(p)
            .output()
            .expect("pre-commit runs")
    };
    let said = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let clean = run();
    let text = said(&clean);
    assert!(clean.status.success(), "{text}");
    assert!(
        !text.contains("StartAt"),
        "no file was taken for a definition: {text}"
    );

    // A broken definition among them fails the hook, with its finding.
    std::fs::write(p.join("sm/flow.json"), BROKEN).unwrap();
    assert!(git(p, &["add", "."]).status.success());
    let broken = run();
    let text = said(&broken);
    assert!(!broken.status.success(), "{text}");
    assert!(text.contains("sm/flow.json:1:"), "{text}");
    assert!(text.contains("[unknown-transition-target]"), "{text}");
    assert!(!text.contains("package.json:"), "{text}");
    assert!(!text.contains("ci.yml:"), "{text}");
}
