//! JUnit XML: one test suite per file, one failing test case per finding,
//! one passing test case for a clean file.

use std::fmt::Write;

use crate::engine::FileReport;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0's Char production has no other control characters and
            // no U+FFFE or U+FFFF, even escaped; show them as text.
            c if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{FFFE}' | '\u{FFFF}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

pub fn render(reports: &[FileReport]) -> String {
    let total: usize = reports.iter().map(|r| r.findings.len().max(1)).sum();
    let failures: usize = reports.iter().map(|r| r.findings.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"asl-lint\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for r in reports {
        let path = escape(&r.path);
        let n = r.findings.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{n}\">",
            n.max(1)
        );
        if n == 0 {
            let _ = writeln!(
                out,
                "    <testcase name=\"asl-lint\" classname=\"{path}\"/>"
            );
        }
        for f in &r.findings {
            let _ = writeln!(
                out,
                "    <testcase name=\"{} at {}:{}\" classname=\"{path}\">\n      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {}: {} [{}]</failure>\n    </testcase>",
                f.rule,
                f.start.line,
                f.start.column,
                escape(&f.message),
                f.rule,
                path,
                f.start.line,
                f.start.column,
                f.severity,
                escape(&f.message),
                f.rule
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
