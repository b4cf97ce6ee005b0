//! Hostile input: every grammar asl-lint parses, nested 100,000 deep, is
//! answered with a finding, never a stack overflow (which aborts the whole
//! run and cannot be caught). The definitions run through the binary on
//! rayon worker threads (two files, `--jobs 2`), where stacks are smallest.

use std::process::Command;

const DEEP: usize = 100_000;

fn pass_with(params: &str) -> String {
    format!(
        r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Parameters":{params},"End":true}}}}}}"#
    )
}

/// Lints `text` twice (as two files, on worker threads) and returns the
/// JSON report; panics on an abort or any exit code but 0 and 1.
fn lint(name: &str, text: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    for copy in ["a", "b"] {
        std::fs::write(dir.path().join(format!("{copy}-{name}")), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--jobs", "2", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{name}: exit {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["diagnostics"]
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
    out.sort();
    out.dedup();
    out
}

/// Asserts that some finding's message contains `part`.
fn assert_message(report: &serde_json::Value, part: &str) {
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m.contains(part)), "{messages:?}");
}

fn has(report: &serde_json::Value, rule: &str, severity: &str) -> bool {
    findings(report)
        .iter()
        .any(|(r, s)| r == rule && s == severity)
}

#[test]
fn nested_intrinsic_calls_are_an_info_not_an_abort() {
    let call = format!("{}1{}", "States.Array(".repeat(DEEP), ")".repeat(DEEP));
    let r = lint(
        "intrinsic.asl.json",
        &pass_with(&format!(r#"{{"x.$":"{call}"}}"#)),
    );
    assert!(has(&r, "invalid-intrinsic", "info"), "{:?}", findings(&r));
    // Every message stays short, whatever the input quotes.
    for d in r["diagnostics"].as_array().unwrap() {
        assert!(d["message"].as_str().unwrap().len() <= 2_000);
    }
}

#[test]
fn nested_path_brackets_are_an_error_not_an_abort() {
    let path = format!("$.a{}0{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let r = lint(
        "path.asl.json",
        &pass_with(&format!(r#"{{"x.$":"{path}"}}"#)),
    );
    assert!(has(&r, "invalid-path", "error"), "{:?}", findings(&r));
}

#[test]
fn a_closing_paren_inside_brackets_is_reported_as_such() {
    // `$[)]` once underflowed a bracket depth counter.
    let r = lint("paren.asl.json", &pass_with(r#"{"x.$":"$[)]"}"#));
    assert_message(&r, "`)` with no matching `(`");
}

#[test]
fn nested_jsonata_is_an_info_and_a_long_flat_sum_is_valid() {
    let jsonata = |expr: &str| {
        format!(
            r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{{"Type":"Pass","Output":"{{% {expr} %}}","End":true}}}}}}"#
        )
    };
    let deep = format!("{}1{}", "(".repeat(DEEP), ")".repeat(DEEP));
    let r = lint("deep.asl.json", &jsonata(&deep));
    assert!(has(&r, "invalid-jsonata", "info"), "{:?}", findings(&r));
    let flat = vec!["1"; 999].join(" + ");
    let r = lint("flat.asl.json", &jsonata(&flat));
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn nested_yaml_flow_collections_and_choice_rules_are_parse_errors() {
    let yaml = format!(
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Parameters: {}1{}\n    End: true\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    let r = lint("flow.asl.yaml", &yaml);
    assert!(has(&r, "invalid-yaml", "error"), "{:?}", findings(&r));
    let rule = format!(
        "{}{{\"Variable\":\"$.a\",\"BooleanEquals\":true}}{}",
        "{\"Not\":".repeat(DEEP),
        "}".repeat(DEEP)
    );
    let json = format!(
        r#"{{"StartAt":"A","States":{{"A":{{"Type":"Choice","Default":"B","Choices":[{{"Next":"B","And":[{rule}]}}]}},"B":{{"Type":"Succeed"}}}}}}"#
    );
    let r = lint("choice.asl.json", &json);
    assert!(has(&r, "invalid-json", "error"), "{:?}", findings(&r));
    let yaml = format!(
        "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Default: B\n    Choices:\n      - Next: B\n        And: [{}{{Variable: $.a, BooleanEquals: true}}{}]\n  B:\n    Type: Succeed\n",
        "{Not: ".repeat(DEEP),
        "}".repeat(DEEP)
    );
    let r = lint("choice.asl.yaml", &yaml);
    assert!(has(&r, "invalid-yaml", "error"), "{:?}", findings(&r));
}

fn run_in(
    dir: &std::path::Path,
    args: &[&str],
    stdin: std::process::Stdio,
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn endless_stdin_is_capped_and_reported_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = run_in(dir.path(), &["--format", "json", "-"], zero.into());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["rule"], "file-too-large");
}

#[test]
fn baselines_prices_and_configs_must_be_small_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), pass_with("{}")).unwrap();
    for args in [
        &["--baseline", "/dev/zero", "sm.asl.json"][..],
        &["--config", "/dev/zero", "sm.asl.json"][..],
        &["--cost", "--prices", "/dev/zero", "sm.asl.json"][..],
    ] {
        let out = run_in(dir.path(), args, std::process::Stdio::null());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("a device, not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn reports_never_overwrite_what_is_being_linted() {
    let dir = tempfile::tempdir().unwrap();
    let definition = pass_with("{}");
    std::fs::write(dir.path().join("x.asl.json"), &definition).unwrap();
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::write(dir.path().join("other/y.asl.json"), &definition).unwrap();
    for args in [
        // A linted file as the report target.
        &["--format", "json=x.asl.json", "."][..],
        &["--write-baseline", "x.asl.json", "."][..],
        // A definition outside the linted paths.
        &["--format", "sarif=other/y.asl.json", "x.asl.json"][..],
        // Two reports to one file.
        &[
            "--format",
            "json=out.json",
            "--format",
            "sarif=out.json",
            "x.asl.json",
        ][..],
    ] {
        let out = run_in(dir.path(), args, std::process::Stdio::null());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("x.asl.json")).unwrap(),
            definition
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("other/y.asl.json")).unwrap(),
            definition
        );
        assert!(!dir.path().join("out.json").exists());
    }
    // An ordinary report file is still written.
    let out = run_in(
        dir.path(),
        &["--format", "json=report.json", "x.asl.json"],
        std::process::Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("report.json").exists());
}

/// A name made to break every output: a newline and a workflow command,
/// an OSC 52 clipboard write, BEL, a right-to-left override, a backtick, a
/// table bar, HTML, `%`, a C1 control and U+FFFF.
const EVIL: &str =
    "x\n::set-output name=x::pwned\u{1b}]52;c;Zm9v\u{7}\u{202e}`<img src=y>|%\u{85}\u{ffff}";

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn no_format_lets_a_hostile_name_through() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("{EVIL}.asl.json");
    let name = serde_json::to_string(EVIL).unwrap();
    let definition = format!(
        r#"{{"StartAt": {name}, "States": {{{name}: {{"Type": "Pass", "Comment": {name}, "Next": {name}}}, "B": {{"Type": "Task", "Resource": {name}, "End": true}}}}}}"#
    );
    std::fs::write(dir.path().join(&file), definition).unwrap();
    let summary = dir.path().join("summary.md");
    for format in [
        "text",
        "concise",
        "github",
        "json",
        "sarif",
        "junit",
        "checkstyle",
        "gitlab",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--no-config", "--color", "never", "--format", format, "."])
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("TERM", "dumb")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.is_empty(), "{format}");
        match format {
            "text" | "concise" | "github" => {
                let bad: Vec<char> = text.chars().filter(|&c| unsafe_char(c)).collect();
                assert!(bad.is_empty(), "{format} lets {bad:?} through:\n{text}");
                if format == "github" {
                    for line in text.lines() {
                        assert!(
                            ["::error file=", "::warning file=", "::notice file="]
                                .iter()
                                .any(|p| line.starts_with(p)),
                            "a line asl-lint did not write: {line}"
                        );
                    }
                }
                if format == "concise" {
                    assert!(
                        text.lines()
                            .all(|l| l.starts_with("./x") || l.starts_with("x")),
                        "{text}"
                    );
                }
            }
            "junit" | "checkstyle" => {
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{format} is not XML: {e}\n{text}"));
            }
            _ => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
            }
        }
    }
    let markdown = std::fs::read_to_string(&summary).unwrap();
    let bad: Vec<char> = markdown.chars().filter(|&c| unsafe_char(c)).collect();
    assert!(bad.is_empty(), "the step summary lets {bad:?} through");
    let tags = markdown.replace("<code>", "").replace("</code>", "");
    assert!(
        !tags.contains('<'),
        "live HTML in the step summary:\n{markdown}"
    );
    for line in markdown.lines().filter(|l| l.starts_with("| ")) {
        // Every table row keeps its four cells.
        assert!(line.matches(" | ").count() <= 4, "{line}");
    }
}

#[test]
fn a_fifo_step_summary_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), pass_with("{}")).unwrap();
    let fifo = dir.path().join("summary");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("NOTICE: mkfifo is not available; skipping");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "github", "sm.asl.json"])
        .env("GITHUB_STEP_SUMMARY", &fifo)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
}

#[test]
fn misspelt_names_get_a_bounded_number_of_suggestions() {
    // 2,000 Nexts that each miss their state by one letter: every one is
    // reported, the first few with a "did you mean", the rest plainly; a
    // 100,000-character name gets no suggestion at all.
    let n = 2000;
    let mut states: Vec<String> = (0..n)
        .map(|i| format!(r#""S{i}": {{"Type": "Pass", "Next": "S{}x"}}"#, i + 1))
        .collect();
    states.push(format!(r#""S{n}": {{"Type": "Succeed"}}"#));
    let long = "A".repeat(100_000);
    states.push(format!(
        r#""{long}B": {{"Type": "Pass", "Next": "{long}"}}"#
    ));
    let definition = format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(","));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("typos.asl.json"), definition).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args([
            "--no-config",
            "--select",
            "unknown-transition-target",
            "--format",
            "json",
            ".",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), n + 1);
    let suggested = findings
        .iter()
        .filter(|d| d["help"].as_str().unwrap_or("").starts_with("did you mean"))
        .count();
    assert_eq!(suggested, asl_lint::rules::SUGGESTIONS_PER_DEFINITION);
}

#[test]
fn dense_choice_graphs_are_analysed_in_one_pass() {
    // 60 Choices with 60 rules each, every one pointing at every Choice, in
    // one big loop through a Task and a Wait: a poll with no bound. Every
    // rule and the cost estimate answer (the benchmark measures how fast).
    let n = 60;
    let mut states = Vec::new();
    for i in 0..n {
        let rules: Vec<String> = (0..n)
            .map(|j| format!(r#"{{"Variable": "$.x", "NumericEquals": {j}, "Next": "S{j}"}}"#))
            .collect();
        states.push(format!(
            r#""S{i}": {{"Type": "Choice", "Choices": [{}], "Default": "T{i}"}},
               "T{i}": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f"}}, "Next": "W{i}"}},
               "W{i}": {{"Type": "Wait", "Seconds": 1, "Next": "S{}"}}"#,
            rules.join(","),
            (i + 1) % n
        ));
    }
    let definition = format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(","));
    let r = lint("dense.asl.json", &definition);
    assert!(
        has(&r, "unbounded-polling-loop", "warning"),
        "{:?}",
        findings(&r)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dense.asl.json"), &definition).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "--format", "json", "dense.asl.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let cost: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cost["definitions"][0]["unbounded"], true);
}

#[test]
fn linked_definition_files_stay_inside_the_repository() {
    let root = tempfile::tempdir().unwrap();
    let secret = r#"{"StartAt": "TOP-SECRET-TOKEN", "States": {"TOP-SECRET-TOKEN": {"Type": "Pas", "End": true}}}"#;
    std::fs::write(root.path().join("outside.asl.json"), secret).unwrap();
    let repo = root.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("sm")).unwrap();
    std::fs::write(repo.join("sm/inside.asl.json"), pass_with("{}")).unwrap();
    std::os::unix::fs::symlink(
        root.path().join("outside.asl.json"),
        repo.join("sm/link.asl.json"),
    )
    .unwrap();
    let machine = |name: &str, uri: &str| {
        format!(
            "  {name}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {uri}\n"
        )
    };
    let template = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n{}{}{}{}{}",
        machine("Inside", "sm/inside.asl.json"),
        machine("Parent", "../outside.asl.json"),
        machine("Symlink", "sm/link.asl.json"),
        machine("Absolute", "/etc/passwd"),
        machine("Folder", "sm"),
    );
    std::fs::write(repo.join("template.yaml"), template).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "json", "template.yaml"])
        .current_dir(&repo)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("TOP-SECRET-TOKEN"), "{stdout}");
    assert!(!stdout.contains("root:"), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "missing-definition-file")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    let outside = messages
        .iter()
        .filter(|m| m.contains("outside the repository"))
        .count();
    assert_eq!(outside, 3, "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("but it is a directory")),
        "{messages:#?}"
    );
    // The file inside was linted as the template deploys it.
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["file"] != "sm/inside.asl.json"),
        "{stdout}"
    );
    assert_eq!(report["summary"]["files"], 2, "{stdout}");
}

#[test]
fn outside_any_repository_the_current_folder_bounds_linked_files() {
    // An unpacked archive: no `.git`, the template in `infra/` names
    // `../sm/flow.asl.json`, which is inside the folder asl-lint runs in.
    let root = tempfile::tempdir().unwrap();
    let unpacked = root.path().join("unpacked");
    std::fs::create_dir_all(unpacked.join("infra")).unwrap();
    std::fs::create_dir_all(unpacked.join("sm")).unwrap();
    std::fs::write(unpacked.join("sm/flow.asl.json"), pass_with("{}")).unwrap();
    std::fs::write(root.path().join("outside.asl.json"), pass_with("{}")).unwrap();
    let template = |uri: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {uri}\n"
        )
    };
    std::fs::write(
        unpacked.join("infra/inside.yaml"),
        template("../sm/flow.asl.json"),
    )
    .unwrap();
    std::fs::write(
        unpacked.join("infra/outside.yaml"),
        template("../../outside.asl.json"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "json", "infra"])
        .current_dir(&unpacked)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "missing-definition-file")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["infra/outside.yaml"], "{report:#}");
    assert_eq!(report["summary"]["files"], 3, "{report:#}");
}

#[test]
fn yaml_aliases_are_bounded_by_what_they_copy_and_long_lines_by_one_pass() {
    // One 200,000-character anchor used 500 times would copy 100 MB.
    let big = "a".repeat(200_000);
    let mut yaml =
        format!("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result:\n      big: &big {big}\n");
    for i in 0..500 {
        yaml.push_str(&format!("      k{i}: *big\n"));
    }
    yaml.push_str("    End: true\n");
    let r = lint("alias.asl.yaml", &yaml);
    assert_message(&r, "YAML aliases expand to more than");
    // A file that needs the lenient retry, with a 100,000-space line and a
    // 200,000-character scalar: parsed (and rejected) in one pass per line.
    let spaces = format!(
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: [{}\n   x: ]\n      big: {big}\n   bad: [\n",
        " ".repeat(100_000)
    );
    let r = lint("spaces.asl.yaml", &spaces);
    assert!(has(&r, "invalid-yaml", "error"), "{:?}", findings(&r));
}

#[test]
fn file_names_that_are_not_utf8_are_never_merged() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let broken = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
    let a = std::ffi::OsStr::from_bytes(b"a\xff.asl.json");
    let b = std::ffi::OsStr::from_bytes(b"a\xfe.asl.json");
    std::fs::write(dir.path().join(a), broken).unwrap();
    std::fs::write(dir.path().join(b), broken).unwrap();
    for args in [vec![std::ffi::OsStr::new(".")], vec![a, b]] {
        let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--no-config", "--format", "json"])
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["summary"]["files"], 2, "{report}");
        assert_eq!(report["summary"]["errors"], 2, "{report}");
    }
}

#[test]
fn a_yaml_file_that_is_not_utf8_is_invalid_yaml() {
    use asl_lint::engine::{self, Input, Settings, Source};
    let bytes = b"StartAt: A\nStates:\n  A: {Type: Succeed, Comment: \"\xff\xfe\"}\n".to_vec();
    for (name, rule) in [
        ("m.asl.yaml", "invalid-yaml"),
        ("m.asl.json", "invalid-json"),
    ] {
        let input = Input {
            display: name.to_string(),
            source: Source::Stdin(bytes.clone()),
            explicit: true,
        };
        let report = engine::lint_input(&input, &Settings::default());
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec![rule], "{name}");
        assert_eq!(report.findings[0].start.line, 3);
    }
}

#[test]
fn a_join_of_many_parts_on_one_line_is_mapped_back_in_one_pass() {
    // Each part's scalar used to look back over the whole line for a block
    // header (100,000 parts: 2.3 s); the result must still be exact.
    let parts = vec![r#""a""#; 20_000].join(", ");
    let template = format!(
        "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      \
         DefinitionString: {{\"Fn::Join\": [\"\", [\"{{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": \
         {{\\\"A\\\": {{\\\"Type\\\": \\\"Pass\\\", \\\"Next\\\": \\\"\", {parts}, \"\\\"}}}}}}\"]]}}\n"
    );
    let r = lint("join.yaml", &template);
    let d = &r["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-transition-target", "{r}");
    // The finding starts at the name's escaped opening quote, which ends
    // the first part, on line 5.
    let line = template.lines().nth(4).unwrap();
    let first_part = line.find(r#"\"", "a""#).unwrap() + 1;
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(first_part as u64)),
        "{r}"
    );
}

#[test]
fn a_second_yaml_document_is_an_error_not_ignored() {
    // PyYAML's safe_load (SAM, the AWS CLI, cfn-lint) refuses it too.
    let one = "StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n";
    let r = lint("two.asl.yaml", &format!("{one}---\nStartAt: B\n"));
    assert_message(&r, "a second YAML document starts here");
    assert_eq!(r["diagnostics"][0]["line"], 4, "{r}");
    // An explicit end marker alone is still one document.
    let r = lint("end.asl.yaml", &format!("---\n{one}...\n"));
    assert_eq!(r["summary"]["errors"], 0, "{r}");
}

#[test]
fn huge_numbers_are_shown_as_the_number_they_became() {
    let r = lint(
        "big.asl.json",
        r#"{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":123456789012345678901234567890,"End":true}}}"#,
    );
    // A whole number too large, in exponent form (no invented digits).
    assert_message(&r, "must be at most 99999999, found 1.2345678901234568e29");
}

#[test]
fn a_colon_in_a_top_level_file_name_is_no_uri_scheme() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c:lon.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "sarif", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "c%3Alon.asl.json");
}
