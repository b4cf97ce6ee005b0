//! One line per finding: `path:line:col: severity: message [rule-name]`.

use std::fmt::Write;

use crate::engine::FileReport;
use crate::render::escape::visible;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        // Newlines or escapes in a name would break one-finding-per-line
        // tools, start a workflow command of their own, or drive the terminal.
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            visible(&f.file),
            f.start.line,
            f.start.column,
            f.severity,
            visible(&f.message),
            f.rule
        );
    }
    out
}
