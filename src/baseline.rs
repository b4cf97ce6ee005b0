//! Baselines: record today's findings by fingerprint, then report only new
//! ones. This is how a team adopts asl-lint on an existing repository.
//!
//! The file is JSON: `{"version": 1, "fingerprints": {"<fingerprint>": count}}`.
//! A fingerprint hashes file, rule, definition, state and pointer (no line
//! numbers, no message), so unrelated edits do not invalidate it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::engine::FileReport;

/// Reads a baseline: fingerprint -> how many findings it covers.
pub fn load(path: &Path) -> Result<BTreeMap<String, usize>, String> {
    // A baseline holds a line per finding: the file cap bounds it too.
    let text = crate::read::read_text_capped(path, crate::rules::file_too_large::MAX_FILE_BYTES)
        .map_err(|e| format!("cannot read the baseline `{}`: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("the baseline `{}` is not valid JSON: {e}", path.display()))?;
    if value.get("version").and_then(|v| v.as_u64()) != Some(1) {
        return Err(format!(
            "the baseline `{}` is not an asl-lint baseline (version 1)",
            path.display()
        ));
    }
    let Some(map) = value.get("fingerprints").and_then(|f| f.as_object()) else {
        return Err(format!(
            "the baseline `{}` has no `fingerprints` object",
            path.display()
        ));
    };
    map.iter()
        .map(|(k, v)| {
            v.as_u64().map(|n| (k.clone(), n as usize)).ok_or_else(|| {
                format!(
                    "the baseline `{}`: count of `{k}` is not a number",
                    path.display()
                )
            })
        })
        .collect()
}

/// Drops findings the baseline covers, counting them as suppressed. A
/// fingerprint recorded twice covers two findings; a third is new.
pub fn filter(reports: &mut [FileReport], mut known: BTreeMap<String, usize>) {
    for report in reports {
        let before = report.findings.len();
        report
            .findings
            .retain(|f| match known.get_mut(&f.fingerprint) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        report.suppressed += before - report.findings.len();
    }
}

/// Writes every finding's fingerprint; returns how many findings.
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize, String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        *counts.entry(&f.fingerprint).or_insert(0) += 1;
    }
    let total = counts.values().sum();
    let json = serde_json::json!({ "version": 1, "fingerprints": counts });
    let mut text = serde_json::to_string_pretty(&json).expect("serializes");
    text.push('\n');
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write the baseline `{}`: {e}", path.display()))?;
    Ok(total)
}
