//! One line per finding: `path:line:col: severity: message [rule-name]`.

use std::fmt::Write;

use crate::engine::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        // Newlines in a message would break one-finding-per-line tools.
        let message = f.message.replace(['\n', '\r'], " ");
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            f.file, f.start.line, f.start.column, f.severity, message, f.rule
        );
    }
    out
}
