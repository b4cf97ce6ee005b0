//! GitLab Code Quality JSON: an array of issues. Each needs a fingerprint
//! unique within the report, so a repeated one gets a counter suffix.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::engine::FileReport;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Value> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| {
            let n = seen.entry(&f.fingerprint).or_insert(0);
            let fingerprint = if *n == 0 {
                f.fingerprint.clone()
            } else {
                format!("{}-{n}", f.fingerprint)
            };
            *n += 1;
            json!({
                "description": f.message,
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": severity(f.severity),
                "location": {
                    "path": f.file,
                    "positions": {
                        "begin": { "line": f.start.line, "column": f.start.column },
                        "end": { "line": f.end.line, "column": f.end.column }
                    }
                }
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("serializes");
    out.push('\n');
    out
}
