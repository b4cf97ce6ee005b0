//! The JSON report, version 1 (fields in `schemas/report.v1.json`, described in
//! `docs/reference.md`, section 4).

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::engine::{FileReport, Summary};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: &'a Summary,
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    file: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    state: Option<&'a str>,
    definition: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    construct: Option<&'a str>,
    pointer: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fingerprint: &'a str,
    fix: Option<FixEntry<'a>>,
}

#[derive(Serialize)]
struct FixEntry<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<EditEntry<'a>>,
}

#[derive(Serialize)]
struct EditEntry<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

pub fn render(reports: &[FileReport], summary: &Summary) -> String {
    let diagnostics = reports
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| Entry {
            file: &f.file,
            rule: f.rule,
            severity: f.severity,
            message: &f.message,
            help: f.help.as_deref(),
            state: f.state.as_deref(),
            definition: f.definition.as_deref(),
            construct: f.construct.as_deref(),
            pointer: &f.pointer,
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
            fingerprint: &f.fingerprint,
            fix: f.fix.as_ref().map(|fix| FixEntry {
                applicability: fix.applicability.as_str(),
                message: &fix.message,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| EditEntry {
                        line: e.start.line,
                        column: e.start.column,
                        end_line: e.end.line,
                        end_column: e.end.column,
                        content: &e.content,
                    })
                    .collect(),
            }),
        })
        .collect();
    let report = Report {
        version: VERSION,
        summary,
        diagnostics,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("report serializes");
    out.push('\n');
    out
}
