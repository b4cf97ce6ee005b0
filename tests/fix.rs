//! `--fix`, `--unsafe-fixes` and `--diff`.
//!
//! Every fixture in `tests/fixtures/<rule>/fix/` is fixed: its diff is a
//! snapshot, the rule's finding is gone afterwards, no error appears, and a
//! second fix changes nothing. The corpus (when `../shared/corpus` is there)
//! is fixed on a scratch copy: files whose findings have no fix stay byte
//! for byte, the others still parse and reach a fixed point in one run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use asl_lint::diagnostic::Severity;
use asl_lint::engine::{self, Input, Settings, Source};
use asl_lint::fix;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    c.arg("--no-config");
    c
}

fn input(display: &str, path: &Path) -> Input {
    Input {
        display: display.to_string(),
        source: Source::Path(path.to_path_buf()),
        explicit: true,
    }
}

fn fix_fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(common::root().join("tests/fixtures")).unwrap() {
        let dir = rule.unwrap().path().join("fix");
        if !dir.is_dir() {
            continue;
        }
        let name = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for file in common::files_in(&dir) {
            out.push((name.clone(), file));
        }
    }
    out.sort();
    out
}

/// Fixes `bytes` (the text of `source`) with every fix and holds the result
/// to what each fix fixture must show: `rule` offered a fix, the text
/// changed, no fix was dropped, `rule` reports nothing afterwards, no rule
/// reports an error it did not report before, and a second run changes
/// nothing. Returns the diff for the snapshot.
fn fix_and_check(source: &Input, bytes: &[u8], rule: &str, settings: &Settings) -> String {
    let display = &source.display;
    let before = engine::lint_bytes(source, bytes.to_vec(), settings);
    assert!(
        before
            .findings
            .iter()
            .any(|f| f.rule == rule && f.fix.is_some()),
        "{display}: no `{rule}` finding with a fix:\n{}",
        String::from_utf8_lossy(bytes)
    );
    let fixed = fix::fix_bytes(source, bytes.to_vec(), settings, true);
    assert!(fixed.changed(), "{display}: nothing changed");
    assert!(fixed.dropped.is_empty(), "{display}: {:?}", fixed.dropped);
    let remaining: Vec<_> = fixed
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.clone())
        .collect();
    assert!(remaining.is_empty(), "{display}: still {remaining:?}");
    let new_errors: Vec<_> = fixed
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| !before.findings.iter().any(|b| b.rule == f.rule))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert!(
        new_errors.is_empty(),
        "{display}: new errors {new_errors:?}"
    );
    let again = fix::fix_bytes(source, fixed.fixed.clone(), settings, true);
    assert!(
        !again.changed(),
        "{display}: a second --fix changed it again:\n{}",
        fix::unified_diff(display, &fixed.fixed, &again.fixed)
    );
    // `--diff` builds its hunks from the edits applied; it must print what
    // a diff of the whole texts prints.
    let diff = fixed.unified_diff(display);
    assert_eq!(diff, fix::unified_diff(display, bytes, &fixed.fixed));
    diff
}

#[test]
fn every_fix_fixture_is_fixed_cleanly_and_idempotently() {
    let settings = Settings::default();
    let fixtures = fix_fixtures();
    assert!(fixtures.len() >= 15, "only {} fix fixtures", fixtures.len());
    let mut rules_with_fixes = std::collections::BTreeSet::new();
    for (rule, path) in &fixtures {
        let display = common::display(path);
        let bytes = std::fs::read(path).unwrap();
        let diff = fix_and_check(&input(&display, path), &bytes, rule, &settings);
        rules_with_fixes.insert(rule.clone());
        let name = display.replace('/', "__");
        insta::assert_snapshot!(format!("fix__{name}"), diff);
    }
    println!(
        "{} fix fixtures over {} rules",
        fixtures.len(),
        rules_with_fixes.len()
    );
}

/// A JSON value as the loader's writer takes it (fixtures hold no floats).
fn new_value(v: &serde_json::Value) -> asl_lint::edit::NewValue {
    use asl_lint::edit::NewValue;
    match v {
        serde_json::Value::Null => NewValue::Null,
        serde_json::Value::Bool(b) => NewValue::Bool(*b),
        serde_json::Value::Number(n) => NewValue::Integer(n.as_i64().expect("integer")),
        serde_json::Value::String(s) => NewValue::String(s.clone()),
        serde_json::Value::Array(items) => NewValue::Array(items.iter().map(new_value).collect()),
        serde_json::Value::Object(members) => NewValue::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), new_value(v)))
                .collect(),
        ),
    }
}

/// Each JSON fix fixture written three more ways: as YAML, inside a
/// CloudFormation `DefinitionString` `Fn::Sub` (the JSON text, escaped), and
/// as a SAM inline `Definition`.
fn derived_variants(path: &Path) -> Vec<(String, String)> {
    use asl_lint::edit::NewValue;
    use asl_lint::loader::edits::yaml_document;
    let text = std::fs::read_to_string(path).unwrap();
    let Ok(definition) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let definition = new_value(&definition);
    let resource = |props: NewValue, ty: &str| {
        NewValue::object([(
            "Resources",
            NewValue::object([(
                "Machine",
                NewValue::object([("Type", NewValue::string(ty)), ("Properties", props)]),
            )]),
        )])
    };
    let cfn = serde_json::to_string_pretty(&serde_json::json!({
        "Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": "arn:aws:iam::123456789012:role/machine",
            "DefinitionString": {"Fn::Sub": text}
        }}}
    }))
    .unwrap()
        + "\n";
    let sam = resource(
        NewValue::object([("Definition", definition.clone())]),
        "AWS::Serverless::StateMachine",
    );
    let sam = format!(
        "Transform: AWS::Serverless-2016-10-31\n{}",
        yaml_document(&sam)
    );
    vec![
        ("asl.yaml".to_string(), yaml_document(&definition)),
        ("fn-sub.template.json".to_string(), cfn),
        ("sam.template.yaml".to_string(), sam),
    ]
}

#[test]
fn every_json_fix_fixture_is_fixed_the_same_way_as_yaml_and_inside_templates() {
    let settings = Settings::default();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (rule, path) in fix_fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // File-level fixes have no YAML or template twin.
        if !name.ends_with(".asl.json") || rule == "byte-order-mark" {
            continue;
        }
        for (suffix, text) in derived_variants(&path) {
            let stem = name.trim_end_matches(".asl.json");
            let file = dir.path().join(format!("{stem}.{suffix}"));
            std::fs::write(&file, &text).unwrap();
            let display = format!("{rule}/{stem}.{suffix}");
            let source = input(&display, &file);
            let diff = fix_and_check(&source, text.as_bytes(), &rule, &settings);
            insta::assert_snapshot!(format!("fix-variant__{}", display.replace('/', "__")), diff);
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} variants");
    println!("{checked} derived variants fixed");
}

#[test]
fn safe_fixes_only_without_unsafe_fixes() {
    let path = common::root().join("tests/fixtures/choice-without-default/fix/choice.asl.json");
    let out = bin().arg("--diff").arg(&path).output().unwrap();
    assert!(
        out.stdout.is_empty(),
        "an unsafe fix was applied without --unsafe-fixes"
    );
    let out = bin()
        .args(["--diff", "--unsafe-fixes"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("+      \"Default\": \"Route No Match\"")
    );
}

fn scratch_copy(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let source = common::root().join(fixture);
    let target = dir.path().join(source.file_name().unwrap());
    std::fs::copy(&source, &target).unwrap();
    (dir, target)
}

#[test]
fn fix_writes_in_place_keeps_permissions_and_exit_reflects_what_remains() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = scratch_copy("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();

    let diff = bin().arg("--diff").arg(&path).output().unwrap();
    assert_eq!(
        diff.status.code(),
        Some(1),
        "--diff exits 1 when a fix would apply"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "--diff wrote"
    );

    let out = bin().arg("--fix").arg(&path).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after, before.replace("Next: Dnoe", "Next: Done"));
    assert!(after.contains("# typo"), "the comment is kept");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".asl-lint-fix-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Clean now: --fix and --diff change nothing and exit 0.
    let again = bin().arg("--fix").arg(&path).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    let diff = bin().arg("--diff").arg(&path).output().unwrap();
    assert_eq!(diff.status.code(), Some(0));
    assert!(diff.stdout.is_empty());
}

#[test]
fn fix_never_writes_through_a_symlink() {
    let (dir, path) =
        scratch_copy("tests/fixtures/unknown-transition-target/fix/start-at.asl.json");
    let link = dir.path().join("link.asl.json");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = bin().arg("--fix").arg(&link).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(out.status.code(), Some(1), "the finding remains");
}

#[test]
fn fix_on_stdin_prints_the_text_and_sends_findings_to_stderr() {
    use std::io::Write;
    let text = std::fs::read(
        common::root().join("tests/fixtures/unknown-transition-target/fix/start-at.asl.json"),
    )
    .unwrap();
    let mut child = bin()
        .args([
            "--fix",
            "-",
            "--stdin-filename",
            "m.asl.json",
            "--format",
            "concise",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        String::from_utf8(text)
            .unwrap()
            .replace("\"Frist\"", "\"First\"")
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn reports_carry_the_fix() {
    let path = common::root().join("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    let out = bin()
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fix = &report["diagnostics"][0]["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["message"], "Change `Dnoe` to `Done`");
    assert_eq!(
        fix["edits"][0],
        serde_json::json!({"line": 5, "column": 11, "end_line": 5, "end_column": 15, "content": "Done"})
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/report.v1.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report));

    let out = bin()
        .args(["--format", "sarif"])
        .arg(&path)
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let replacement =
        &sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "Done");
    assert_eq!(replacement["deletedRegion"]["startColumn"], 11);

    let out = bin()
        .args(["--format", "text"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unknown-transition-target [*]"), "{text}");
    assert!(text.contains("fix: Change `Dnoe` to `Done`"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("[*] 1 fixable with --fix."), "{stderr}");

    let out = bin().arg("--statistics").arg(&path).output().unwrap();
    let stats = String::from_utf8_lossy(&out.stdout);
    assert!(
        stats.contains("unknown-transition-target  error    1"),
        "{stats}"
    );
}

/// Files whose findings offer no fix are never touched; the others parse
/// after one run and a second run changes nothing.
#[test]
fn corpus_fixes_preserve_bytes_and_reach_a_fixed_point() {
    let Some(corpus) = common::corpus() else {
        println!("NOTICE: ../shared/corpus not found; skipping the corpus --fix check");
        return;
    };
    let settings = Settings::default();
    let (mut untouched, mut fixed_files, mut applied) = (0, 0, 0);
    for set in ["real", "embedded"] {
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(corpus.join(set))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        paths.sort();
        for path in paths {
            let display = common::display(&path);
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let source = input(&display, &path);
            let before = engine::lint_bytes(&source, bytes.clone(), &settings);
            let fixable = before.findings.iter().any(|f| f.fix.is_some());
            let fixed = fix::fix_bytes(&source, bytes.clone(), &settings, true);
            if !fixable {
                assert!(!fixed.changed(), "{display}: changed without a fix");
                untouched += 1;
                continue;
            }
            if !fixed.changed() {
                continue;
            }
            fixed_files += 1;
            applied += fixed.applied;
            assert_eq!(
                fixed.unified_diff(&display),
                fix::unified_diff(&display, &bytes, &fixed.fixed),
                "{display}: --diff from the edits differs from a whole-file diff"
            );
            assert!(
                !fixed
                    .report
                    .findings
                    .iter()
                    .any(|f| matches!(f.rule, "invalid-json" | "invalid-yaml" | "internal-error")),
                "{display}: the fixed text does not parse"
            );
            let again = fix::fix_bytes(&source, fixed.fixed.clone(), &settings, true);
            assert!(
                !again.changed(),
                "{display}: not a fixed point:\n{}",
                fix::unified_diff(&display, &fixed.fixed, &again.fixed)
            );
        }
    }
    println!(
        "corpus --fix: {untouched} files without fixes untouched, {fixed_files} files fixed \
         ({applied} fixes), each a fixed point"
    );
}

#[test]
fn the_cleanup_fix_stops_the_instance_in_moto() {
    let Some(python) = common::python_with("moto, boto3") else {
        println!(
            "NOTICE: skipping the moto run of the cleanup fix: no Python can import moto \
             (set ASL_LINT_PYTHON to a Python with moto; .ci/run does)"
        );
        return;
    };
    let root = common::root();
    let out = Command::new(&python)
        .arg(root.join("scripts/fix_moto.py"))
        .arg(env!("CARGO_BIN_EXE_asl-lint"))
        .arg(root.join("tests/fixtures/unbounded-billable-resource/fix/ec2-catch.asl.json"))
        .arg(root.join("tests/fixtures/unbounded-billable-resource/fix/ec2-catch.asl.yaml"))
        .output()
        .expect("run fix_moto.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains(" 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A file that is not root's, as root would see it: owner and group kept.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    std::fs::metadata(&probe).unwrap().uid() == 0
}

#[test]
fn fix_keeps_owner_and_group_and_drops_setuid() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (_dir, path) = scratch_copy("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o6755)).unwrap();
    let owner = if running_as_root() {
        std::os::unix::fs::chown(&path, Some(4321), Some(4322)).unwrap();
        Some((4321, 4322))
    } else {
        println!("NOTICE: not root; the owner part of this test only checks the mode");
        None
    };
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Next: Done")
    );
    assert_eq!(meta.mode() & 0o7777, 0o755, "setuid and setgid dropped");
    if let Some((uid, gid)) = owner {
        assert_eq!((meta.uid(), meta.gid()), (uid, gid), "owner and group kept");
    }
}

#[test]
fn fix_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = scratch_copy("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read-only"), "{stderr}");
    assert!(!stderr.contains(".asl-lint-fix-"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(out.status.code(), Some(1), "the finding remains");
}

#[test]
fn fix_warns_that_other_hard_links_keep_the_old_text() {
    let (dir, path) = scratch_copy("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    let other = dir.path().join("other-name.yaml");
    std::fs::hard_link(&path, &other).unwrap();
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hard link"), "{stderr}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Next: Done")
    );
}

#[test]
fn a_file_changed_after_it_was_read_is_not_overwritten() {
    let (_dir, path) = scratch_copy("tests/fixtures/unknown-transition-target/fix/next.asl.yaml");
    let read = std::fs::read(&path).unwrap();
    // The user saves an edit while asl-lint computes its fixes.
    std::fs::write(&path, b"# saved meanwhile\n").unwrap();
    let err = fix::write_atomically(&path, &read, b"fixed").unwrap_err();
    assert!(err.to_string().contains("changed since"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"# saved meanwhile\n");
    // Unchanged: written.
    let now = std::fs::read(&path).unwrap();
    assert_eq!(fix::write_atomically(&path, &now, b"fixed").unwrap(), None);
    assert_eq!(std::fs::read(&path).unwrap(), b"fixed");
}

#[test]
fn an_insertion_after_a_block_scalar_stays_in_its_state() {
    for style in ["|", ">", "|+", "|-", ">-"] {
        let text = format!(
            "StartAt: Pick\nStates:\n  Pick:\n    Type: Choice\n    Choices:\n      - Variable: $.x\n        StringEquals: a\n        Next: Done\n    Comment: {style}\n      Picks the route.\n\n  Done:\n    Type: Succeed\n"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pick.asl.yaml");
        std::fs::write(&path, &text).unwrap();
        let out = bin()
            .args(["--fix", "--unsafe-fixes"])
            .arg(&path)
            .output()
            .unwrap();
        let fixed = std::fs::read_to_string(&path).unwrap();
        // The scalar's lines are untouched, its trailing blank line too, and
        // the new member opens the line where the next state used to start.
        assert!(
            fixed.contains(&format!(
                "    Comment: {style}\n      Picks the route.\n\n    Default: Pick No Match\n  Done:\n    Type: Succeed\n"
            )),
            "{style}: {}\n{fixed}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_safe_fix_that_wakes_up_a_retrier_is_not_applied_without_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timout.asl.json");
    let text = r#"{
  "StartAt": "Run",
  "TimeoutSeconds": 7200,
  "States": {
    "Run": {
      "Type": "Task",
      "Resource": "arn:aws:states:::glue:startJobRun.sync",
      "Parameters": {"JobName": "nightly"},
      "TimeoutSeconds": 3600,
      "Retry": [{"ErrorEquals": ["States.Timout"], "MaxAttempts": 5}],
      "End": true
    }
  }
}
"#;
    std::fs::write(&path, text).unwrap();
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{stderr}");
    assert!(stderr.contains("changes behaviour"), "{stderr}");
    assert!(!stderr.contains("Fixed"), "{stderr}");
    let out = bin()
        .args(["--fix", "--unsafe-fixes"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("\"States.Timeout\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_says_when_no_fix_applies() {
    let out = bin()
        .arg("--diff")
        .arg(common::root().join("tests/fixtures/no-terminal-state/fail"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("No fix applies"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_anchored_scalar_is_fixed_without_its_anchor_and_aliases_point_at_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anchor.asl.yaml");
    std::fs::write(
        &path,
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result:\n      flag: &a1 on\n      again: *a1\n    Next: B\n  B:\n    Type: Succeed\n",
    )
    .unwrap();
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains("      flag: &a1 \"on\"\n      again: *a1\n"),
        "{}\n{fixed}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
    // A finding on an alias's copy is placed at the alias.
    std::fs::write(
        &path,
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: &n Bea\n  B:\n    Type: Pass\n    Next: *n\n  Bee:\n    Type: Succeed\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "--format",
            "concise",
            "--select",
            "unknown-transition-target",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(":5:14: error"), "{text}");
    assert!(text.contains(":8:11: error"), "{text}");
}

#[test]
fn a_fix_inside_fn_sub_keeps_the_references_it_copies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.yaml");
    std::fs::write(
        &path,
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/x
      DefinitionString: !Sub |
        {
          "StartAt": "Start-${Env}",
          "States": {
            "Start-${Env}": {"Type": "Pass", "Next": "Proces-${Env}"},
            "Process-${Env}": {"Type": "Pass", "Result": "${!Literal}", "End": true}
          }
        }
"#,
    )
    .unwrap();
    let out = bin().arg("--fix").arg(&path).output().unwrap();
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains(r#""Next": "Process-${Env}""#) && fixed.contains(r#""${!Literal}""#),
        "{}\n{fixed}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_linked_definition_is_fixed_when_only_its_template_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("statemachine")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/x.asl.json\n",
    )
    .unwrap();
    let linked = dir.path().join("statemachine/x.asl.json");
    std::fs::write(
        &linked,
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Dnoe\"}, \"Done\": {\"Type\": \"Succeed\"}}}\n",
    )
    .unwrap();
    let out = bin()
        .args(["--fix", "template.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        std::fs::read_to_string(&linked)
            .unwrap()
            .contains("\"Next\": \"Done\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fix_never_writes_inside_generated_output() {
    for folder in [
        "cdk.out",
        ".aws-sam/build",
        ".serverless",
        ".terraform/modules",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join(folder);
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join("m.asl.json");
        let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Dnoe\"}, \"Done\": {\"Type\": \"Succeed\"}}}\n";
        std::fs::write(&path, text).unwrap();
        let out = bin()
            .arg("--fix")
            .arg(format!("{folder}/m.asl.json"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{folder}");
        assert!(stderr.contains("is generated output"), "{folder}: {stderr}");
    }
}

#[test]
fn many_fixes_that_fail_together_are_dropped_together() {
    // 300 safe fixes, each of which adds an error (a quoted `010` is no
    // longer a number): one re-lint for the rule refuses them all, and the
    // user reads one line, not 300 (each used to cost a re-lint of the file).
    let mut text = String::from("StartAt: S0\nStates:\n");
    for i in 0..300 {
        text.push_str(&format!(
            "  S{i}:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    Parameters:\n      FunctionName: f\n    TimeoutSeconds: 010\n    Next: S{}\n",
            i + 1
        ));
    }
    text.push_str("  S300:\n    Type: Succeed\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.asl.yaml");
    std::fs::write(&path, &text).unwrap();
    let out = bin().arg("--diff").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.matches("were not applied").count(), 1, "{stderr}");
    assert!(
        stderr.contains("300 fixes for `yaml-implicit-type`"),
        "{stderr}"
    );
}
