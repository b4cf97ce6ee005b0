//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Rules that fired are listed with their descriptions, doc text and
//! `helpUri`. URIs are relative to the working directory; columns count
//! Unicode code points. `partialFingerprints` carries asl-lint's own stable
//! fingerprint; `primaryLocationLineHash` is left to upload-sarif.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::diagnostic::{Finding, Severity};
use crate::engine::FileReport;
use crate::rules;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/`-separated, with spaces, `%`, `#`,
/// `?` and non-ASCII bytes percent-encoded, and a `:` before the first `/`
/// too, where it would make `c:lon.asl.json` read as scheme `c`. A `\` is a
/// separator only where the system says so (Windows); elsewhere it is a
/// character of the name, encoded, so `C:\evil\x.asl.json` stays one name.
pub fn uri(path: &str) -> String {
    let path: std::borrow::Cow<'_, str> = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/").into()
    } else {
        path.into()
    };
    let mut out = String::with_capacity(path.len());
    let mut first_segment = true;
    for b in path.bytes() {
        first_segment &= b != b'/';
        let plain = if first_segment {
            &b"-._~/!$&'()*+,;=@"[..]
        } else {
            &b"-._~/!$&'()*+,;=:@"[..]
        };
        if b.is_ascii_alphanumeric() || plain.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first paragraph of a rule doc's "What it does", on one line (SARIF's
/// full description, the language server's hover).
pub fn what_it_does(doc: &str) -> String {
    let section = doc.split("## What it does").nth(1).unwrap_or("");
    let paragraph = section.trim_start().split("\n\n").next().unwrap_or("");
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(1000).collect()
}

pub fn render(reports: &[FileReport]) -> String {
    let findings: Vec<&Finding> = reports.iter().flat_map(|r| &r.findings).collect();
    let mut fired: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &findings {
        let next = fired.len();
        fired.entry(f.rule).or_insert(next);
    }
    // Indexes in name order, so output does not depend on finding order.
    let names: Vec<&str> = fired.keys().copied().collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let rules_json: Vec<Value> = names
        .iter()
        .map(|name| {
            let rule = rules::by_name(name).expect("findings name registered rules");
            json!({
                "id": rule.name,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": what_it_does(rule.doc) },
                "help": { "text": rule.summary, "markdown": rule.doc },
                "helpUri": rules::doc_url(rule.name),
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "tags": [group(rule)] }
            })
        })
        .collect();
    // Results are serialized straight from the findings: a `Value` tree per
    // finding (a dozen maps, each a hash table) cost 18 KB a finding, and
    // allocating and freeing millions of them dominated the run.
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "asl-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rules_json,
                },
            },
            column_kind: "unicodeCodePoints",
            results: Results {
                findings: &findings,
                index: &index,
            },
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("serializes");
    out.push('\n');
    out
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Results<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Value>,
}

/// The findings as SARIF results, one at a time.
struct Results<'a> {
    findings: &'a [&'a Finding],
    index: &'a BTreeMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| result(f, self.index)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<FixProperties>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    /// The CDK construct that made the definition, for viewers that group
    /// results by code element.
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "asl-lint/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixProperties {
    fix_applicability: &'static str,
}

fn result<'a>(f: &'a Finding, index: &BTreeMap<&str, usize>) -> SarifResult<'a> {
    let end_column = f.end.column.max(if f.end.line == f.start.line {
        f.start.column
    } else {
        1
    });
    SarifResult {
        rule_id: f.rule,
        rule_index: index[f.rule],
        level: level(f.severity),
        message: Text { text: &f.message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&f.file) },
                region: Region {
                    start_line: f.start.line,
                    start_column: f.start.column,
                    end_line: f.end.line,
                    end_column,
                },
            },
            logical_locations: f.construct_name().map(|name| {
                [LogicalLocation {
                    fully_qualified_name: name,
                    kind: "module",
                }]
            }),
        }],
        partial_fingerprints: Fingerprints { v1: &f.fingerprint },
        fixes: f.fix.as_ref().map(|fix| {
            [SarifFix {
                description: Text { text: &fix.message },
                artifact_changes: [ArtifactChange {
                    artifact_location: ArtifactLocation { uri: uri(&f.file) },
                    replacements: fix
                        .edits
                        .iter()
                        .map(|e| Replacement {
                            deleted_region: Region {
                                start_line: e.start.line,
                                start_column: e.start.column,
                                end_line: e.end.line,
                                end_column: e.end.column,
                            },
                            inserted_content: Text { text: &e.content },
                        })
                        .collect(),
                }],
            }]
        }),
        properties: f.fix.as_ref().map(|fix| FixProperties {
            fix_applicability: fix.applicability.as_str(),
        }),
    }
}

fn group(rule: &rules::Rule) -> &'static str {
    match rule.group {
        rules::Group::Input => "input",
        rules::Group::Structural => "structural",
        rules::Group::Cost => "cost",
        rules::Group::Permissions => "permissions",
        rules::Group::Suppression => "suppression",
    }
}
