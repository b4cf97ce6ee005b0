//! The files templates deploy (`DefinitionUri`, Terraform `file()`), linted
//! again as each deployment fills them in, and a Terraform module's other files.

use crate::config::WorkflowType;
use crate::diagnostic::Finding;
pub use crate::discovery::{Input, Source};
use crate::rules::{self, file_too_large::MAX_FILE_BYTES};
use std::collections::HashMap;
use std::path::PathBuf;

use super::*;

/// At most this many other `.tf` files of a module are read for its locals.
pub(super) const MAX_MODULE_FILES: usize = 256;

/// The texts of the other `.tf` files in `path`'s folder (a Terraform
/// module), in name order; unreadable or oversized ones are left out.
pub(super) fn module_files(path: &std::path::Path) -> Vec<String> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut others: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.file_name() != path.file_name())
        // Not through a symlink: the module is this folder's own files.
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .collect();
    others.sort();
    others.truncate(MAX_MODULE_FILES);
    others
        .iter()
        .filter_map(|p| crate::read::read_text_capped(p, MAX_FILE_BYTES).ok())
        .collect()
}

/// Lints the files templates deploy through `DefinitionUri` with what the
/// template says (workflow type, literal substitutions): again when they
/// were linted on their own, or for the first time when they were not
/// among the inputs. The first template (by path) wins when several deploy
/// one file.
pub(super) fn relint_linked<'s>(
    inputs: &[Input],
    reports: &mut Vec<FileReport>,
    settings_for: &(dyn Fn(&Input) -> std::borrow::Cow<'s, Settings> + Sync),
) {
    let mut links: Vec<Link> = reports.iter().flat_map(|r| r.links.clone()).collect();
    if links.is_empty() {
        return;
    }
    links.sort_by(|a, b| (&a.display, &a.template).cmp(&(&b.display, &b.template)));
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let by_path: HashMap<PathBuf, usize> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match &input.source {
            Source::Path(p) => Some((canonical(p)?, i)),
            Source::Stdin(_) => None,
        })
        .collect();
    // A file several state machines deploy is linted once per distinct
    // (workflow type, substitutions, rewrites) triple, in template order; findings that
    // only a later pair has say which resource deploys it that way.
    let mut done: HashMap<PathBuf, Vec<Deployment>> = HashMap::new();
    let mut extra: Vec<FileReport> = Vec::new();
    let mut extra_of: HashMap<PathBuf, usize> = HashMap::new();
    for link in links {
        let Some(target) = canonical(&link.target) else {
            continue;
        };
        let pair = link.deployment();
        let seen = done.entry(target.clone()).or_default();
        if seen.contains(&pair) {
            continue;
        }
        let first = seen.is_empty();
        seen.push(pair);
        let report = match by_path.get(&target) {
            Some(&i) => lint_linked(&inputs[i], &settings_for(&inputs[i]), Some(&link)),
            None => {
                let input = Input {
                    display: link.display.clone(),
                    source: Source::Path(link.target.clone()),
                    explicit: true,
                };
                lint_linked(&input, &settings_for(&input), Some(&link))
            }
        };
        let slot = match (by_path.get(&target), extra_of.get(&target)) {
            (Some(&i), _) => Some(&mut reports[i]),
            (None, Some(&j)) => Some(&mut extra[j]),
            (None, None) => None,
        };
        match (first, slot) {
            (true, Some(existing)) => *existing = report,
            (true, None) => {
                extra_of.insert(target, extra.len());
                extra.push(report);
            }
            (false, Some(existing)) => merge_deployment(existing, report, &link),
            (false, None) => {}
        }
    }
    if !extra.is_empty() {
        // Files only a template named join the report in path order.
        reports.extend(extra);
        reports.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// Adds to `existing` the findings of another deployment of the same file
/// that it does not already have, naming the resource that deploys it so.
/// Lints in-memory `bytes` of a file as the templates in `links` deploy it
/// (the language server's view of a `DefinitionUri` file open beside its
/// template): once per distinct (workflow type, substitutions, rewrites), the
/// later pairs' own findings merged in, as the command line does.
pub fn lint_bytes_deployed(
    input: &Input,
    bytes: Vec<u8>,
    settings: &Settings,
    links: &[Link],
) -> FileReport {
    let mut report: Option<FileReport> = None;
    let mut seen: Vec<Deployment> = Vec::new();
    for link in links {
        let pair = link.deployment();
        if seen.contains(&pair) {
            continue;
        }
        seen.push(pair);
        let linted = catch_panic(|| lint_bytes_linked(input, bytes.clone(), settings, Some(link)))
            .unwrap_or_else(|what| {
                single(input, settings, rules::internal_error::diagnostic(&what))
            });
        match &mut report {
            None => report = Some(linted),
            Some(existing) => merge_deployment(existing, linted, link),
        }
    }
    report.unwrap_or_else(|| lint_bytes_guarded(input, bytes, settings))
}

pub(super) fn merge_deployment(existing: &mut FileReport, other: FileReport, link: &Link) {
    let same = |a: &Finding, b: &Finding| {
        a.rule == b.rule && a.span == b.span && a.message == b.message && a.severity == b.severity
    };
    let how = match link.workflow_type {
        Some(WorkflowType::Express) => " as an Express workflow",
        Some(WorkflowType::Standard) => " as a Standard workflow",
        None => "",
    };
    for mut f in other.findings {
        if existing.findings.iter().any(|e| same(e, &f)) {
            continue;
        }
        f.message.push_str(&format!(
            " (when `{}` deploys it as `{}`{how})",
            link.template, link.resource
        ));
        existing.findings.push(f);
    }
    existing
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    existing.suppressed += other.suppressed;
    if existing.text.is_none() {
        existing.text = other.text;
    }
}
