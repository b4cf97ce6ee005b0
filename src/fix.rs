//! `--fix` and `--diff`: apply the fixes findings offer, check the result,
//! write it back safely.
//!
//! As in ruff: each pass applies the fixes whose edits do not overlap,
//! re-lints, and repeats (a fix may only become possible once another is
//! in). A pass whose result does not parse, or has more errors of some rule
//! than before, is undone and its fixes are tried one at a time; a fix that
//! fails alone is dropped and reported.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Finding, Severity};
use crate::edit::{Applicability, PlacedFix};
use crate::engine::{self, FileReport, Input, Settings};

/// Passes before giving up on fixes that keep enabling other fixes.
const MAX_PASSES: usize = 10;
/// Fixes of a failed pass retried one at a time; the rest wait for the next
/// run (each try re-lints the file).
const MAX_SINGLE_TRIES: usize = 32;

/// What fixing one file did.
#[derive(Debug)]
pub struct Fixed {
    pub original: Vec<u8>,
    pub fixed: Vec<u8>,
    /// Fixes applied.
    pub applied: usize,
    /// Fixes that were not applied, with the reason, for the user.
    pub dropped: Vec<String>,
    /// The findings of the fixed text.
    pub report: FileReport,
}

impl Fixed {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
}

/// Which fixes a run applies.
pub fn applies(fix: &PlacedFix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Whether any finding of `report` has a fix this run would apply.
pub fn has_fixes(report: &FileReport, unsafe_fixes: bool) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.fix.as_ref().is_some_and(|x| applies(x, unsafe_fixes)))
}

/// Applies the fixes to `bytes` (the content of `input`) in memory.
pub fn fix_bytes(input: &Input, bytes: Vec<u8>, settings: &Settings, unsafe_fixes: bool) -> Fixed {
    let original = bytes.clone();
    let mut current = bytes;
    let mut report = engine::lint_bytes_guarded(input, current.clone(), settings);
    let mut applied = 0;
    let mut dropped = Vec::new();
    // Fixes that failed, by finding, so that later passes skip them.
    let mut refused: BTreeSet<(String, &'static str)> = BTreeSet::new();
    for _ in 0..MAX_PASSES {
        let candidates = non_overlapping(&report.findings, unsafe_fixes, &refused);
        if candidates.is_empty() {
            break;
        }
        let together = apply(&current, candidates.iter().map(|f| f.fix.as_ref().unwrap()));
        let relinted = engine::lint_bytes_guarded(input, together.clone(), settings);
        if together != current && acceptable(&report, &relinted).is_ok() {
            applied += candidates.len();
            current = together;
            report = relinted;
            continue;
        }
        // One at a time: keep the first that works, then start a new pass
        // (the others' positions are stale once it is in).
        let mut progressed = false;
        for finding in candidates.iter().take(MAX_SINGLE_TRIES) {
            let alone = apply(&current, std::iter::once(finding.fix.as_ref().unwrap()));
            let relinted = engine::lint_bytes_guarded(input, alone.clone(), settings);
            match acceptable(&report, &relinted) {
                Ok(()) if alone != current => {
                    applied += 1;
                    current = alone;
                    report = relinted;
                    progressed = true;
                    break;
                }
                Ok(()) => {
                    refused.insert((finding.fingerprint.clone(), finding.rule));
                }
                Err(why) => {
                    refused.insert((finding.fingerprint.clone(), finding.rule));
                    dropped.push(format!(
                        "{}:{}:{}: the fix for `{}` was not applied: {why}",
                        finding.file, finding.start.line, finding.start.column, finding.rule
                    ));
                }
            }
        }
        // Without progress the refused fixes are out of the next pass,
        // which tries the ones they overlapped.
        let _ = progressed;
    }
    Fixed {
        original,
        fixed: current,
        applied,
        dropped,
        report,
    }
}

/// The findings whose fixes can go in together: in order of their first
/// edit, each one whose edits start after everything taken so far ends.
fn non_overlapping<'r>(
    findings: &'r [Finding],
    unsafe_fixes: bool,
    refused: &BTreeSet<(String, &'static str)>,
) -> Vec<&'r Finding> {
    let mut with_fix: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| applies(x, unsafe_fixes) && !x.edits.is_empty())
                && !refused.contains(&(f.fingerprint.clone(), f.rule))
        })
        .collect();
    with_fix.sort_by_key(|f| {
        let edits = &f.fix.as_ref().unwrap().edits;
        (edits[0].span.start, f.rule, f.fingerprint.clone())
    });
    let mut taken = Vec::new();
    let mut end: Option<u32> = None;
    for f in with_fix {
        let edits = &f.fix.as_ref().unwrap().edits;
        let start = edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        // Touching counts as overlapping: two insertions at one place
        // would come out in an order nobody chose.
        if end.is_some_and(|e| start <= e) {
            continue;
        }
        end = edits.iter().map(|e| e.span.end).max();
        taken.push(f);
    }
    taken
}

fn apply<'f>(bytes: &[u8], fixes: impl Iterator<Item = &'f PlacedFix>) -> Vec<u8> {
    let mut edits: Vec<_> = fixes.flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0usize;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        if start < at || end > bytes.len() {
            continue;
        }
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(e.content.as_bytes());
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

/// A fixed text is kept when it still parses and no rule reports more
/// errors than before.
fn acceptable(before: &FileReport, after: &FileReport) -> Result<(), String> {
    let errors = |r: &FileReport| {
        let mut by_rule = std::collections::BTreeMap::<&str, usize>::new();
        for f in r.findings.iter().filter(|f| f.severity == Severity::Error) {
            *by_rule.entry(f.rule).or_default() += 1;
        }
        by_rule
    };
    let (old, new) = (errors(before), errors(after));
    for unparsable in ["invalid-json", "invalid-yaml", "internal-error"] {
        if new.get(unparsable) > old.get(unparsable) {
            return Err(format!("the result would not parse (`{unparsable}`)"));
        }
    }
    for (rule, n) in &new {
        if old.get(rule).copied().unwrap_or(0) < *n {
            return Err(format!("the result would have a new `{rule}` error"));
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes`: a temporary file in the same folder, the
/// original's permissions, then a rename, so a crash never leaves half a
/// file. A symlink is refused rather than followed or replaced.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let metadata = std::fs::symlink_metadata(path)?;
    if metadata.file_type().is_symlink() {
        return Err(std::io::Error::other(
            "it is a symbolic link; fix the file it points to",
        ));
    }
    if !metadata.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".asl-lint-fix-")
        .tempfile_in(dir)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `--diff`: a unified diff with three lines of context, `a/` and `b/`
/// prefixes as git writes them.
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
