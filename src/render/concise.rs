//! One line per finding: `path:line:col: severity: message [rule-name]`.

use std::fmt::Write;

use crate::diagnostic::Finding;
use crate::engine::FileReport;
use crate::render::escape::visible;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        let _ = writeln!(out, "{}", line(f));
    }
    out
}

/// One finding's line. Newlines or escapes in a name would break
/// one-finding-per-line tools, start a workflow command of their own, or
/// drive the terminal: they are shown escaped.
pub fn line(f: &Finding) -> String {
    format!(
        "{}:{}:{}: {}: {} [{}]",
        visible(&f.file),
        f.start.line,
        f.start.column,
        f.severity,
        visible(&f.message_with_construct()),
        f.rule
    )
}
