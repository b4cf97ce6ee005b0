//! `--fix` and `--diff`: apply the fixes findings offer, check the result,
//! write it back safely.
//!
//! As in ruff: each pass applies the fixes whose edits do not overlap,
//! re-lints, and repeats (a fix may only become possible once another is
//! in). A pass whose result does not parse, has more errors of some rule
//! than before (with safe fixes only: more warnings), or leaves
//! a fixed finding in place, is undone and its fixes are tried by rule; a
//! fix that fails is dropped and reported.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Finding, Severity};
use crate::edit::{Applicability, PlacedFix};
use crate::engine::{self, FileReport, Input, Settings};

pub mod diff;

/// Passes before giving up on fixes that keep enabling other fixes.
const MAX_PASSES: usize = 10;
/// A rule with at most this many fixes in a failed pass has them retried
/// one at a time; a larger group stands or falls together (each try
/// re-lints the whole file).
const SMALL_GROUP: usize = 8;

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
    /// Where `fixed` differs from `original`, from the edits applied.
    pub changes: Vec<diff::Change>,
}

impl Fixed {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }

    /// `--diff`: [`unified_diff`] of the original and the fixed text, built
    /// from the edits applied instead of diffing the whole file.
    pub fn unified_diff(&self, path: &str) -> String {
        let mut out = diff::unified(
            &git_quoted("a/", path),
            &git_quoted("b/", path),
            &self.original,
            &self.fixed,
            &self.changes,
        );
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out
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
///
/// Each pass applies the non-overlapping fixes together and re-lints. A
/// pass is kept when the result parses, no rule has more errors than
/// before (with only safe fixes: no rule has more warnings,
/// since a fix that adds findings changes what the machine does), and every
/// applied fix removed its own finding (a fix that lands in the wrong place
/// leaves it). Otherwise the pass's fixes are retried by rule, all of one
/// rule together, and one by one only for a rule with few of them; a rule
/// whose fixes fail together is dropped whole. The re-lints per pass are
/// so bounded by the number of rules, not of fixes, and a pass that makes
/// no progress ends the run.
pub fn fix_bytes(input: &Input, bytes: Vec<u8>, settings: &Settings, unsafe_fixes: bool) -> Fixed {
    let original = bytes.clone();
    let mut current = bytes;
    let mut report = engine::lint_bytes_guarded(input, current.clone(), settings);
    let mut applied = 0;
    let mut changes = Vec::new();
    let mut dropped = Vec::new();
    // Fixes that failed, by finding, so that later passes skip them.
    let mut refused: BTreeSet<(String, &'static str)> = BTreeSet::new();
    let strict = !unsafe_fixes;
    for _ in 0..MAX_PASSES {
        let candidates = non_overlapping(&report.findings, unsafe_fixes, &refused);
        if candidates.is_empty() {
            break;
        }
        let (together, edits) = apply(&current, candidates.iter().map(|f| f.fix.as_ref().unwrap()));
        let relinted = engine::lint_bytes_guarded(input, together.clone(), settings);
        if together != current && check(&report, &relinted, &candidates, strict).is_ok() {
            applied += candidates.len();
            changes = diff::compose(&changes, &edits);
            current = together;
            report = relinted;
            continue;
        }
        // By rule: one re-lint per rule, and one per fix only where a rule
        // has a handful of fixes. The first group that works is kept and a
        // new pass starts (the others' positions are stale once it is in).
        let mut groups: Vec<Vec<&Finding>> = Vec::new();
        for f in &candidates {
            match groups.iter_mut().find(|g| g[0].rule == f.rule) {
                Some(g) => g.push(f),
                None => groups.push(vec![f]),
            }
        }
        let mut progressed = false;
        'groups: for group in groups {
            let mut tries = vec![group.clone()];
            if group.len() > 1 && group.len() <= SMALL_GROUP {
                tries.extend(group.iter().map(|f| vec![*f]));
            }
            let mut why_failed = None;
            for attempt in tries {
                let (alone, edits) =
                    apply(&current, attempt.iter().map(|f| f.fix.as_ref().unwrap()));
                let relinted = engine::lint_bytes_guarded(input, alone.clone(), settings);
                match check(&report, &relinted, &attempt, strict) {
                    Ok(()) if alone != current => {
                        applied += attempt.len();
                        changes = diff::compose(&changes, &edits);
                        current = alone;
                        report = relinted;
                        progressed = true;
                        break 'groups;
                    }
                    Ok(()) => {}
                    Err(why) => {
                        if attempt.len() == 1 {
                            refuse(&mut refused, &mut dropped, attempt[0], &why);
                        }
                        why_failed = Some(why);
                    }
                }
            }
            // Every try of the group failed: the whole rule is out, said
            // once for all its fixes.
            if let Some(why) = why_failed {
                let left: Vec<&&Finding> = group
                    .iter()
                    .filter(|f| !refused.contains(&(f.fingerprint.clone(), f.rule)))
                    .collect();
                if let [first, ..] = left.as_slice() {
                    let mut said = Vec::new();
                    refuse(&mut refused, &mut said, first, &why);
                    if left.len() > 1 {
                        said[0] = format!(
                            "{}:{}:{}: {} fixes for `{}` (this one and {} more) were not applied: {why}",
                            first.file,
                            first.start.line,
                            first.start.column,
                            left.len(),
                            first.rule,
                            left.len() - 1
                        );
                    }
                    dropped.append(&mut said);
                    for f in &left[1..] {
                        refused.insert((f.fingerprint.clone(), f.rule));
                    }
                }
            }
        }
        if !progressed && non_overlapping(&report.findings, unsafe_fixes, &refused).is_empty() {
            break;
        }
    }
    Fixed {
        original,
        fixed: current,
        applied,
        dropped,
        report,
        changes,
    }
}

/// Whether `edits` (byte spans of `bytes` and their new text) leave a file
/// that still parses, has no new error, and, when they are `finding`'s
/// fix, no longer has that finding: the check `--fix` makes, for an editor
/// that applies one quick fix (or a disable directive) on its own.
pub fn edits_are_sound(
    input: &Input,
    bytes: &[u8],
    settings: &Settings,
    before: &FileReport,
    edits: &[(crate::source::Span, &str)],
    finding: Option<&Finding>,
) -> bool {
    let mut sorted: Vec<&(crate::source::Span, &str)> = edits.iter().collect();
    sorted.sort_by_key(|(span, _)| (span.start, span.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0usize;
    for (span, content) in sorted {
        let (start, end) = (span.start as usize, span.end as usize);
        if start < at || end > bytes.len() {
            return false;
        }
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(content.as_bytes());
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    let after = engine::lint_bytes_guarded(input, out, settings);
    match finding {
        Some(f) => check(before, &after, &[f], false).is_ok(),
        None => acceptable(before, &after, false).is_ok(),
    }
}

fn refuse(
    refused: &mut BTreeSet<(String, &'static str)>,
    dropped: &mut Vec<String>,
    finding: &Finding,
    why: &str,
) {
    refused.insert((finding.fingerprint.clone(), finding.rule));
    dropped.push(format!(
        "{}:{}:{}: the fix for `{}` was not applied: {why}",
        finding.file, finding.start.line, finding.start.column, finding.rule
    ));
}

/// Whether fixed text can be kept: it is `acceptable`, and each applied
/// fix removed the finding it was offered for.
fn check(
    before: &FileReport,
    after: &FileReport,
    applied: &[&Finding],
    strict: bool,
) -> Result<(), String> {
    acceptable(before, after, strict)?;
    let left: BTreeSet<(&str, &str)> = after
        .findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f.rule))
        .collect();
    if applied
        .iter()
        .any(|f| left.contains(&(f.fingerprint.as_str(), f.rule)))
    {
        return Err("the fix did not remove its finding (it would land in the wrong place)".into());
    }
    Ok(())
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

/// The fixes' edits applied to `bytes`, and the edits that went in (the
/// range each replaced and its new length, in order).
type Applied = (Vec<u8>, Vec<(std::ops::Range<usize>, usize)>);

fn apply<'f>(bytes: &[u8], fixes: impl Iterator<Item = &'f PlacedFix>) -> Applied {
    let mut edits: Vec<_> = fixes.flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut done = Vec::with_capacity(edits.len());
    let mut at = 0usize;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        if start < at || end > bytes.len() {
            continue;
        }
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(e.content.as_bytes());
        done.push((start..end, e.content.len()));
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    (out, done)
}

/// A fixed text is kept when it still parses and no rule reports more
/// errors than before; `strict` (only safe fixes) also refuses more
/// warnings: a safe fix must not change behaviour, and one that wakes up a
/// new warning does (a corrected error name turns a dead retrier into a
/// live one). An info a fix exposes (a state now reached, read for the
/// first time) is no change of behaviour worth refusing it for.
fn acceptable(before: &FileReport, after: &FileReport, strict: bool) -> Result<(), String> {
    let count = |r: &FileReport, errors_only: bool| {
        let at_least = if errors_only {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut by_rule = std::collections::BTreeMap::<&str, usize>::new();
        for f in r.findings.iter().filter(|f| f.severity >= at_least) {
            *by_rule.entry(f.rule).or_default() += 1;
        }
        by_rule
    };
    let (old, new) = (count(before, true), count(after, true));
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
    if strict {
        let (old, new) = (count(before, false), count(after, false));
        for (rule, n) in &new {
            if old.get(rule).copied().unwrap_or(0) < *n {
                return Err(format!(
                    "the result would have a new `{rule}` warning, so the fix changes behaviour \
                     (unsafe)"
                ));
            }
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes`: a temporary file in the same folder with
/// the original's owner, group and permissions (less setuid and setgid),
/// then a rename, so a crash never leaves half a file. Refused: a symlink
/// (fix the file it points to), a read-only file, and a file whose content
/// is no longer `original`, the text the fixes were computed from (an edit
/// saved meanwhile would be lost). A file with other hard links is written
/// all the same, and the returned warning says that the other names keep
/// the old text. Errors never name the temporary file.
pub fn write_atomically(
    path: &Path,
    original: &[u8],
    bytes: &[u8],
) -> std::io::Result<Option<String>> {
    let metadata = std::fs::symlink_metadata(path)?;
    if metadata.file_type().is_symlink() {
        return Err(std::io::Error::other(
            "it is a symbolic link; fix the file it points to",
        ));
    }
    if !metadata.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    if metadata.permissions().readonly() {
        return Err(std::io::Error::other(
            "it is read-only; make it writable to fix it",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".asl-lint-fix-")
        .tempfile_in(dir)
        .map_err(without_path)?;
    temporary.write_all(bytes).map_err(without_path)?;
    temporary.as_file().sync_all().map_err(without_path)?;
    let warning = keep_owner_and_mode(temporary.as_file(), &metadata)?;
    // Last look before the rename: the file must still hold what was read.
    if std::fs::read(path)? != original {
        return Err(std::io::Error::other(
            "it changed since asl-lint read it; nothing was written, run again",
        ));
    }
    temporary.persist(path).map_err(|e| without_path(e.error))?;
    Ok(warning)
}

/// The error without the temporary file's name, which means nothing to the
/// user (the message names the file being fixed).
fn without_path(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::new(e.kind(), e.kind().to_string()),
    }
}

/// The original's owner, group and mode on the new file, setuid and setgid
/// dropped (a rewritten file must not keep privileges it was granted as
/// another text). Returns a warning for a file with other hard links.
#[cfg(unix)]
fn keep_owner_and_mode(
    file: &std::fs::File,
    metadata: &std::fs::Metadata,
) -> std::io::Result<Option<String>> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // As root this keeps another user's file theirs; as its owner it is a
    // no-op for the user and sets the group where the user may.
    if std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid())).is_err()
        && file.metadata()?.uid() != metadata.uid()
    {
        return Err(std::io::Error::other(
            "it belongs to another user, and the fixed file could not keep that owner",
        ));
    }
    let mode = metadata.mode() & 0o1777;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(without_path)?;
    Ok((metadata.nlink() > 1).then(|| {
        format!(
            "it has {} other hard link(s); they keep the old text",
            metadata.nlink() - 1
        )
    }))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(
    file: &std::fs::File,
    metadata: &std::fs::Metadata,
) -> std::io::Result<Option<String>> {
    file.set_permissions(metadata.permissions())
        .map_err(without_path)?;
    Ok(None)
}

/// `prefix` + `path` for a diff header, quoted as git quotes it when the
/// name has a control character, a quote, a backslash or a non-ASCII byte
/// (`"a/dir\n+++ b/x"`): a name can then never end the header line or
/// forge another, and `patch -p1` and `git apply` read it back.
pub fn git_quoted(prefix: &str, path: &str) -> String {
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
    if path.bytes().all(plain) {
        return format!("{prefix}{path}");
    }
    let mut out = format!("\"{prefix}");
    for b in path.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b if plain(b) => out.push(b as char),
            b => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
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
        .header(&git_quoted("a/", path), &git_quoted("b/", path))
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
