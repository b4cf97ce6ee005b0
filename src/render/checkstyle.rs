//! Checkstyle XML, for reviewdog, Jenkins Warnings NG and Danger.

use std::fmt::Write;

use crate::engine::FileReport;
use crate::render::junit::escape;

pub fn render(reports: &[FileReport]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for r in reports.iter().filter(|r| !r.findings.is_empty()) {
        let _ = writeln!(out, "  <file name=\"{}\">", escape(&r.path));
        for f in &r.findings {
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"asl-lint.{}\"/>",
                f.start.line,
                f.start.column,
                f.severity,
                escape(&f.message),
                f.rule
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}
