//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Rules that fired are listed with their descriptions, doc text and
//! `helpUri`. URIs are relative to the working directory; columns count
//! Unicode code points. `partialFingerprints` carries asl-lint's own stable
//! fingerprint; `primaryLocationLineHash` is left to upload-sarif.

use std::collections::BTreeMap;

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
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.file) },
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line,
                            "endColumn": f.end.column.max(if f.end.line == f.start.line { f.start.column } else { 1 }),
                        }
                    }
                }],
                "partialFingerprints": { "asl-lint/v1": f.fingerprint }
            });
            if let Some(construct) = f.construct_name() {
                // The CDK construct that made the definition, for viewers
                // that group results by code element.
                result["locations"][0]["logicalLocations"] = json!([{
                    "fullyQualifiedName": construct,
                    "kind": "module",
                }]);
            }
            if let Some(fix) = &f.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.message },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(&f.file) },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": {
                                "startLine": e.start.line,
                                "startColumn": e.start.column,
                                "endLine": e.end.line,
                                "endColumn": e.end.column,
                            },
                            "insertedContent": { "text": e.content }
                        })).collect::<Vec<_>>()
                    }]
                }]);
                result["properties"] = json!({ "fixApplicability": fix.applicability.as_str() });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "asl-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules_json
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).expect("serializes");
    out.push('\n');
    out
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
