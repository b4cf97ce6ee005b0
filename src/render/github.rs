//! GitHub Actions workflow commands (`::error file=...::message`), which show
//! as annotations on the pull request, and a Markdown step summary.
//!
//! GitHub shows only 10 annotations of each level per step, so errors come
//! first and the step summary lists every finding.

use std::fmt::Write;

use crate::diagnostic::{Finding, Severity};
use crate::engine::{FileReport, Summary};
use crate::render::escape::{markdown_cell, visible};

/// Escapes a message (data) as the Actions toolkit does, after making
/// control characters visible (a raw one could end the command).
fn data(s: &str) -> String {
    visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: data escaping plus `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let mut findings: Vec<&Finding> = reports.iter().flat_map(|r| &r.findings).collect();
    // Most severe first: GitHub drops annotations past 10 per level and step.
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(f.severity),
            property(&f.file),
            f.start.line,
            f.start.column,
            f.end.line,
            f.end.column,
            property(&format!("asl-lint ({})", f.rule)),
            data(&format!(
                "{}:{}:{}: {}",
                f.file,
                f.start.line,
                f.start.column,
                f.message_with_construct()
            )),
        );
    }
    out
}

/// Bytes of table after which the step summary stops listing findings,
/// leaving room for the closing line under GitHub's 1 MiB.
const STEP_SUMMARY_BUDGET: usize = 1024 * 1024 - 16 * 1024;

/// Markdown for `$GITHUB_STEP_SUMMARY`: every finding, since annotations are
/// capped, up to GitHub's size limit.
pub fn step_summary(reports: &[FileReport], summary: &Summary) -> String {
    let mut out = String::from("## asl-lint\n\n");
    let _ = writeln!(out, "{}\n", crate::render::summary_line(summary));
    let findings: Vec<&Finding> = reports.iter().flat_map(|r| &r.findings).collect();
    if findings.is_empty() {
        return out;
    }
    out.push_str("| severity | location | rule | message |\n|---|---|---|---|\n");
    let total = findings.len();
    for (shown, f) in findings.into_iter().enumerate() {
        // GitHub accepts at most 1 MiB per step summary: stop short of it
        // and say how many findings were left out.
        if out.len() > STEP_SUMMARY_BUDGET {
            let _ = writeln!(
                out,
                "\n{} more findings are not listed here (GitHub caps a step summary at 1 MiB); \
                 see the annotations or a `--format json` report.",
                total - shown
            );
            break;
        }
        // Locations and messages hold user text: entity-escaped inside
        // <code>, which a backtick in a name cannot close.
        let _ = writeln!(
            out,
            "| {} | <code>{}:{}:{}</code> | [`{}`]({}) | {} |",
            f.severity,
            markdown_cell(&f.file),
            f.start.line,
            f.start.column,
            f.rule,
            crate::rules::doc_url(f.rule),
            markdown_cell(&f.message)
        );
    }
    paths(&mut out, reports);
    out
}

/// At most this many paths are drawn in the step summary.
const MAX_DRAWN_PATHS: usize = 20;

/// The paths findings are about, as Mermaid flowcharts after the table,
/// while the summary stays under its budget.
fn paths(out: &mut String, reports: &[FileReport]) {
    let drawn: Vec<&Finding> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.path.is_some())
        .collect();
    if drawn.is_empty() || out.len() > STEP_SUMMARY_BUDGET {
        return;
    }
    out.push_str("\n### Paths\n");
    for (shown, f) in drawn.iter().enumerate() {
        let chart = crate::render::mermaid::flowchart(f.path.as_deref().expect("filtered"));
        if shown == MAX_DRAWN_PATHS || out.len() + chart.len() > STEP_SUMMARY_BUDGET {
            let _ = writeln!(out, "\n{} more paths are not drawn.", drawn.len() - shown);
            return;
        }
        let at = f
            .state
            .as_deref()
            .map(|s| format!(" at <code>{}</code>", markdown_cell(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n<code>{}:{}:{}</code> [`{}`]({}){at}\n",
            markdown_cell(&f.file),
            f.start.line,
            f.start.column,
            f.rule,
            crate::rules::doc_url(f.rule),
        );
        out.push_str(&chart);
    }
}
