//! Rule docs cannot lie: every `json fail` example must trigger its rule and
//! every `json pass` example must not. `rules/README.md` is generated from the
//! registry; `ASL_LINT_BLESS=1 cargo test --test docs` rewrites it.

mod common;

use asl_lint::diagnostic::Severity;
use asl_lint::rules::{self, Group, RULES};

/// Fenced blocks as (info string, body).
fn fences(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some(_)) => out.push(current.take().unwrap()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// A rule that offers fixes (it has `tests/fixtures/<rule>/fix/`) says in
/// its doc what the fix does and whether it is safe.
#[test]
fn every_fixable_rule_documents_its_fix() {
    for rule in rules::RULES {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rule.name)
            .join("fix");
        let documented = rule.doc.contains("## Fix\n");
        assert_eq!(
            fixtures.is_dir(),
            documented,
            "{}: a `## Fix` section and a fix/ fixture folder go together",
            rule.name
        );
        if documented {
            let section = rule.doc.split("## Fix\n").nth(1).unwrap_or_default();
            assert!(
                section.trim_start().starts_with("Safe")
                    || section.trim_start().starts_with("Unsafe"),
                "{}: the Fix section starts with its applicability",
                rule.name
            );
        }
    }
}

#[test]
fn every_doc_has_the_template_sections() {
    for rule in rules::RULES {
        assert!(
            rule.doc.starts_with(&format!("# `{}`\n", rule.name)),
            "{}: H1 must be the rule name",
            rule.name
        );
        let severity = format!("default severity: **{}**", rule.severity);
        assert!(
            rule.doc.contains(&severity),
            "{}: doc must state `{severity}`",
            rule.name
        );
        // The declaration holds each option's name and default; the doc
        // must say the same default.
        for option in rule.options {
            let listed = format!("- `{}` (default {}", option.name, option.default);
            assert!(
                rule.doc.contains(&listed),
                "{}: the Options section must list the option as it is declared: `{listed}`",
                rule.name,
            );
        }
        // And the other way: the Options section documents no option the
        // rule does not declare (a renamed option leaves its old name here).
        let options = rule.doc.split("## Options\n").nth(1).unwrap_or_default();
        let options = options.split("\n## ").next().unwrap_or_default();
        for line in options.lines() {
            if let Some(rest) = line.strip_prefix("- `")
                && let Some((name, after)) = rest.split_once('`')
                && after.starts_with(" (default")
            {
                assert!(
                    rule.options.iter().any(|o| o.name == name),
                    "{}: the Options section documents `{name}`, which the rule does not declare",
                    rule.name
                );
            }
        }
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Options",
            "## References",
        ] {
            assert!(
                rule.doc.contains(section),
                "{}: missing `{section}`",
                rule.name
            );
        }
    }
}

#[test]
fn doc_examples_do_what_they_say() {
    let mut checked = 0;
    for rule in rules::RULES {
        let blocks = fences(rule.doc);
        let fail: Vec<_> = blocks
            .iter()
            .filter(|(info, _)| info == "json fail" || info == "yaml fail")
            .collect();
        let pass: Vec<_> = blocks
            .iter()
            .filter(|(info, _)| info == "json pass" || info == "yaml pass")
            .collect();
        let needs_examples =
            rule.group != Group::Input || ["invalid-json", "duplicate-key"].contains(&rule.name);
        if needs_examples {
            assert!(
                !fail.is_empty() && !pass.is_empty(),
                "{}: needs `json fail` and `json pass` examples",
                rule.name
            );
        }
        // Rules that are off by default are turned on for their own examples.
        let lint = |info: &str, body: &str| common::lint_text_with(example_name(info), body, rule);
        for (info, body) in fail {
            let report = lint(info, body);
            assert!(
                report.findings.iter().any(|f| f.rule == rule.name),
                "{}: the `json fail` example does not trigger it",
                rule.name
            );
            checked += 1;
        }
        for (info, body) in pass {
            let report = lint(info, body);
            let all: Vec<_> = report.findings.iter().map(|f| f.rule).collect();
            assert!(
                all.is_empty(),
                "{}: the `json pass` example should be clean, got {all:?}",
                rule.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} doc examples ran");
}

/// The file name a doc example is linted as: YAML examples may be a
/// definition or a template, which the loader tells apart by content.
fn example_name(info: &str) -> &'static str {
    if info.starts_with("yaml") {
        "example.yaml"
    } else {
        "example.asl.json"
    }
}

fn generated_index() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from the registry by `ASL_LINT_BLESS=1 cargo test --test docs`. Do not edit. -->\n\n\
         | rule | group | default severity | on by default | summary |\n|---|---|---|---|---|\n",
    );
    for rule in rules::RULES {
        let group = match rule.group {
            Group::Input => "input",
            Group::Structural => "structural",
            Group::Cost => "cost",
            Group::Permissions => "permissions",
            Group::Suppression => "suppression",
        };
        out.push_str(&format!(
            "| [`{0}`]({0}.md) | {group} | {1} | {2} | {3} |\n",
            rule.name,
            rule.severity,
            if rule.default_enabled { "yes" } else { "no" },
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn rules_index_is_current() {
    let path = common::root().join("rules/README.md");
    let expected = generated_index();
    if std::env::var_os("ASL_LINT_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "rules/README.md is stale; run `ASL_LINT_BLESS=1 cargo test --test docs`"
    );
}

#[test]
fn every_doc_file_belongs_to_a_rule() {
    for entry in std::fs::read_dir(common::root().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let rule = name.strip_suffix(".md").expect("only Markdown in rules/");
        assert!(
            rules::by_name(rule).is_some(),
            "rules/{name} documents no registered rule"
        );
    }
}

#[test]
fn every_error_rule_cites_its_evidence() {
    // An error means AWS rejects the definition (or, said so in the
    // section, that every execution reaching it fails): the doc says how we
    // know.
    for rule in RULES {
        if rule.severity != Severity::Error {
            continue;
        }
        let evidence = rule.doc.split("## Evidence\n").nth(1).unwrap_or_default();
        let evidence = evidence.split("\n## ").next().unwrap_or_default().trim();
        assert!(
            evidence.len() > 80,
            "{}: an error rule's doc needs an `## Evidence` section",
            rule.name
        );
    }
}

/// `docs/reference.md` is the reference scripts and editors rely on: every
/// flag `--help` lists, every report format and every rule group must be in
/// it, so a new one cannot ship undocumented.
#[test]
fn the_reference_covers_every_flag_format_and_group() {
    let reference = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md"),
    )
    .unwrap();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let mut flags: Vec<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    flags.sort_unstable();
    flags.dedup();
    assert!(flags.len() > 30, "{flags:?}");
    for flag in flags
        .iter()
        .filter(|f| !matches!(**f, "--help" | "--version"))
    {
        assert!(
            reference.contains(&format!("`{flag}")),
            "docs/reference.md does not document `{flag}`"
        );
    }
    for format in asl_lint::render::Format::NAMES {
        assert!(
            reference.contains(&format!("| `{format}` |")),
            "docs/reference.md has no row for the `{format}` format"
        );
    }
    for group in [
        "input",
        "structural",
        "cost",
        "permissions",
        "suppression",
        "ALL",
    ] {
        assert!(reference.contains(&format!("`{group}`")), "{group}");
    }
    // Links within the page lead to a heading, as GitHub names its anchors:
    // lower case, punctuation dropped, spaces as hyphens.
    let anchors: Vec<String> = reference
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| {
            h.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect();
    for link in reference.split("](#").skip(1) {
        let anchor = link.split(')').next().unwrap();
        assert!(
            anchors.iter().any(|a| a == anchor),
            "docs/reference.md links to #{anchor}, which is no heading of it: {anchors:?}"
        );
    }
}
