//! `--reaper KIND`: the generated SAM template for each kind is a snapshot,
//! lints clean with every rule on, passes cfn-lint, and runs in moto
//! (`scripts/reaper_moto.py`: the resource is stopped, a second run on the
//! stopped resource succeeds, the event pattern matches the start's
//! CloudTrail record and not the stop's). cfn-lint and moto need a Python
//! that has them (`ASL_LINT_PYTHON`, which `.ci/run` sets); without one
//! those parts say so and pass.

mod common;

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
}

fn kinds() -> Vec<String> {
    let out = bin().args(["--reaper", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

use common::python_with;

#[test]
fn the_talks_kinds_are_listed() {
    let kinds = kinds();
    for kind in [
        "glue-session",
        "ec2-instance",
        "emr-cluster",
        "sagemaker-notebook",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
}

#[test]
fn each_template_is_a_snapshot_and_lints_clean_with_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let out = bin().args(["--reaper", &kind]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let text = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("reaper__{kind}"), text);
        let path = dir.path().join(format!("reaper-{kind}.yaml"));
        std::fs::write(&path, &text).unwrap();
        let lint = bin()
            .args([
                "--no-config",
                "--select",
                "ALL",
                "--fail-on",
                "info",
                "--format",
                "concise",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            lint.status.code(),
            Some(0),
            "{kind}: {}",
            String::from_utf8_lossy(&lint.stdout)
        );
        // asl-lint's own estimate is in the header.
        assert!(
            text.contains("state transitions per started resource"),
            "{kind}"
        );
    }
}

#[test]
fn cfn_lint_accepts_each_template() {
    let Some(python) = python_with("cfnlint") else {
        println!(
            "NOTICE: skipping cfn-lint: no Python with cfn-lint (set ASL_LINT_PYTHON; .ci/run does)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let out = bin().args(["--reaper", &kind]).output().unwrap();
        let path = dir.path().join(format!("reaper-{kind}.yaml"));
        std::fs::write(&path, &out.stdout).unwrap();
        let lint = Command::new(&python)
            .args([
                "-c",
                "import sys; from cfnlint.runner import main; sys.exit(main())",
                "--format",
                "parseable",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            lint.status.success() && lint.stdout.is_empty(),
            "cfn-lint on {kind}:\n{}{}",
            String::from_utf8_lossy(&lint.stdout),
            String::from_utf8_lossy(&lint.stderr)
        );
        println!("cfn-lint: {kind} clean");
    }
}

#[test]
fn each_reaper_stops_its_resource_in_moto() {
    // The version .ci/run pins: moto 5.2.1 cannot start a second execution
    // after a Glue call (it fails deep-copying a lock).
    let Some(python) = python_with(
        "moto, boto3, yaml, pyparsing; assert moto.__version__ == '5.2.5', moto.__version__",
    ) else {
        println!(
            "NOTICE: skipping the moto runs of the reapers: no Python with moto[glue] 5.2.5, \
             boto3 and PyYAML (set ASL_LINT_PYTHON; .ci/run does)"
        );
        return;
    };
    let out = Command::new(&python)
        .arg(common::root().join("scripts/reaper_moto.py"))
        .arg(env!("CARGO_BIN_EXE_asl-lint"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains(" 0 failed, 0 skipped"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn refused_and_unknown_kinds_and_bad_waits_are_usage_errors() {
    let out = bin()
        .args(["--reaper", "emr-serverless-application"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stops an idle application itself"),
        "{stderr}"
    );

    let out = bin().args(["--reaper", "glue-sesion"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `glue-session`?"));

    for wait in ["0s", "10", "1x", "", "400d"] {
        let out = bin()
            .args(["--reaper", "ec2-instance", "--reaper-wait", wait])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--reaper-wait {wait:?}");
    }
    let out = bin()
        .args(["--reaper", "ec2-instance", "--reaper-wait", "90m"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Seconds: 5400"));
}

#[test]
fn waits_parse_as_documented() {
    use asl_lint::reaper::parse_wait;
    assert_eq!(parse_wait("90m"), Ok(5400));
    assert_eq!(parse_wait("2h"), Ok(7200));
    assert_eq!(parse_wait("3600s"), Ok(3600));
    assert_eq!(parse_wait("1h30m"), Ok(5400));
    assert_eq!(parse_wait("1s"), Ok(1));
    assert!(parse_wait("0m").is_err());
    assert!(parse_wait("h").is_err());
    assert!(parse_wait("99999999999999999999s").is_err());
}

#[test]
fn the_readme_excerpt_is_real_output() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let out = bin().args(["--reaper", "glue-session"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let excerpt: String = text.lines().take(32).map(|l| format!("{l}\n")).collect();
    assert!(
        readme.contains(&format!("```yaml\n{excerpt}...\n```")),
        "the README's reaper excerpt is stale"
    );
}
