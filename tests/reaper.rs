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

/// The template for a kind: with `--reaper-scope humans`, which every kind
/// takes, and for the kinds that need a scope also with a tag scope.
fn variants() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for kind in kinds() {
        out.push((kind.clone(), vec!["--reaper-scope".into(), "humans".into()]));
        if kind == "ec2-instance" || kind == "emr-cluster" {
            out.push((
                format!("{kind}-tag"),
                vec!["--reaper-scope".into(), "tag=reap=yes".into()],
            ));
        }
    }
    out
}

fn template(name: &str, scope: &[String]) -> String {
    let kind = name.trim_end_matches("-tag");
    let out = bin().args(["--reaper", kind]).args(scope).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn each_template_is_a_snapshot_and_lints_clean_with_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, scope) in variants() {
        let text = template(&kind, &scope);
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
    for (kind, scope) in variants() {
        let path = dir.path().join(format!("reaper-{kind}.yaml"));
        std::fs::write(&path, template(&kind, &scope)).unwrap();
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
    // Any moto from 5.2.5 on runs the test (5.2.1 and older cannot start a
    // second execution after a Glue call); a patch release .ci/run picks up
    // is no reason to skip. When ASL_LINT_PYTHON is set, as .ci/run sets it,
    // a Python without such a moto is a broken setup, not a reason to skip.
    let Some(python) = python_with(
        "moto, boto3, yaml; v = tuple(int(x) for x in moto.__version__.split('.')[:3] if x.isdigit()); \
         assert v >= (5, 2, 5), moto.__version__",
    ) else {
        assert!(
            std::env::var_os("ASL_LINT_PYTHON").is_none(),
            "ASL_LINT_PYTHON is set but has no moto 5.2.5 or later, boto3 and PyYAML"
        );
        println!(
            "NOTICE: skipping the moto runs of the reapers: no Python with moto[glue] 5.2.5 or \
             later, boto3 and PyYAML (set ASL_LINT_PYTHON; .ci/run does)"
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

    for wait in ["0s", "10", "1x", "", "400d", "365d", "364d23h1s"] {
        let out = bin()
            .args(["--reaper", "glue-session", "--reaper-wait", wait])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--reaper-wait {wait:?}");
    }
    let out = bin()
        .args(["--reaper", "glue-session", "--reaper-wait", "90m"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Seconds: 5400"));
}

#[test]
fn the_longest_wait_leaves_an_hour_to_stop_within_the_year() {
    let out = bin()
        .args(["--reaper", "glue-session", "--reaper-wait", "364d23h"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // A year is the most an execution may run (31,536,000 s).
    assert!(text.contains("TimeoutSeconds: 31536000"), "{text}");
    assert!(text.contains("Seconds: 31532400"), "{text}");
    let out = bin()
        .args(["--reaper", "glue-session", "--reaper-wait", "365d"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at most `364d23h`"), "{stderr}");
}

#[test]
fn kinds_other_services_start_refuse_to_generate_without_a_scope() {
    for kind in ["ec2-instance", "emr-cluster"] {
        let out = bin().args(["--reaper", kind]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{kind}");
        assert!(out.stdout.is_empty(), "{kind}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("needs `--reaper-scope humans` or `--reaper-scope tag=KEY[=VALUE]`")
                && stderr.contains("on their own"),
            "{kind}: {stderr}"
        );
    }
    // The list says which kinds need one.
    let list = bin().args(["--reaper", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    for line in list.lines() {
        let needs = line.contains("needs --reaper-scope");
        let kind = line.split_whitespace().next().unwrap();
        assert_eq!(
            needs,
            kind == "ec2-instance" || kind == "emr-cluster",
            "{line}"
        );
    }
}

#[test]
fn the_scope_is_in_the_header_and_in_the_machine() {
    let text = template("ec2-instance", &["--reaper-scope".into(), "humans".into()]);
    assert!(
        text.contains("# Scope: only the ones started by people"),
        "{text}"
    );
    assert!(
        text.contains("invokedBy:\n                    - exists: false"),
        "{text}"
    );
    let text = template(
        "ec2-instance",
        &["--reaper-scope".into(), "tag=reap=yes".into()],
    );
    assert!(
        text.contains("# Scope: only the ones tagged `reap=yes`."),
        "{text}"
    );
    assert!(text.contains("- Name: tag:reap"), "{text}");
    // Every instance of a launch is checked, not only the first.
    assert!(!text.contains("Instances[0]"), "{text}");
    assert!(text.contains("found[*].Instances[*].InstanceId"), "{text}");
    let text = template("emr-cluster", &["--reaper-scope".into(), "tag=team".into()]);
    assert!(
        text.contains(r#"StringMatches: "*{\"Key\":\"team\",*""#),
        "{text}"
    );
}

#[test]
fn bad_scopes_are_usage_errors() {
    for (kind, scope, says) in [
        ("glue-session", "tag=team", "cannot be scoped by tag"),
        ("ec2-instance", "everyone", "the scope is `humans`"),
        ("ec2-instance", "tag=", "a tag key and value"),
        ("ec2-instance", "tag=a'b", "a tag key and value"),
        ("ec2-instance", "tag=aws:x", "a tag key and value"),
        ("emr-cluster", "tag=k=\"v\"", "a tag key and value"),
    ] {
        let out = bin()
            .args(["--reaper", kind, "--reaper-scope", scope])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{kind} {scope}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{kind} {scope}: {stderr}");
    }
}

#[test]
fn reaper_refuses_report_formats_instead_of_ignoring_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kinds.json");
    let out = bin()
        .args(["--reaper", "list", "--format"])
        .arg(format!("json={}", file.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format does not apply"));
    assert!(!file.exists());
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
    let out = bin()
        .args(["--reaper", "glue-session", "--reaper-scope", "humans"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let excerpt: String = text.lines().take(32).map(|l| format!("{l}\n")).collect();
    assert!(
        readme.contains(&format!("```yaml\n{excerpt}...\n```")),
        "the README's reaper excerpt is stale"
    );
}
