//! The files templates deploy (`DefinitionUri`, Terraform `file()`), linted
//! again as each deployment fills them in, and a Terraform module's other files.

use crate::config::WorkflowType;
use crate::diagnostic::Finding;
pub use crate::discovery::{Input, Source};
use crate::loader::terraform::ModuleLocals;
use crate::rules::{self, file_too_large::MAX_FILE_BYTES};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::*;

/// At most this many other `.tf` files of a module are read for its locals.
pub(super) const MAX_MODULE_FILES: usize = 256;

/// The Terraform modules (folders) of one run, each read and indexed once
/// and shared by all its files that name `local.X`: every file of a
/// 2,000-file module used to list, stat, read and scan the whole folder.
#[derive(Default)]
pub(super) struct Modules {
    folders: std::sync::Mutex<HashMap<PathBuf, std::sync::Arc<std::sync::OnceLock<ModuleLocals>>>>,
}

impl Modules {
    /// The locals of `path`'s folder (read on first use), and `path`'s own
    /// file name, which lookups skip.
    pub(super) fn of(
        &self,
        path: &std::path::Path,
    ) -> (std::sync::Arc<std::sync::OnceLock<ModuleLocals>>, String) {
        let own = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let cell = {
            let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            folders.entry(dir.to_path_buf()).or_default().clone()
        };
        // Outside the lock: other folders are read meanwhile; a second file
        // of this folder waits for the first read instead of repeating it.
        cell.get_or_init(|| read_module(dir));
        (cell, own)
    }
}

#[cfg(test)]
thread_local! {
    /// Module folders read on this thread (a work counter for tests).
    static MODULE_READS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The `.tf` files of a folder (a Terraform module) in name order: the
/// first MAX_MODULE_FILES + 1, so that each file has MAX_MODULE_FILES others.
/// Symlinks are left out (the module is this folder's own files), and
/// unreadable or oversized files are kept as `None`.
fn read_module(dir: &std::path::Path) -> ModuleLocals {
    #[cfg(test)]
    MODULE_READS.with(|c| c.set(c.get() + 1));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return ModuleLocals::new(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    let mut kept = Vec::new();
    for p in files {
        if kept.len() > MAX_MODULE_FILES {
            break;
        }
        if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        kept.push((name, crate::read::read_text_capped(&p, MAX_FILE_BYTES).ok()));
    }
    ModuleLocals::new(kept).in_dir(dir)
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
    modules: &Modules,
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
    // Deployments and finding identities in hash sets: 2,000 resources
    // deploying one file compared every pair of deployments and of findings.
    let mut done: HashMap<PathBuf, HashSet<Deployment>> = HashMap::new();
    let mut merged: HashMap<PathBuf, Merged> = HashMap::new();
    let mut extra: Vec<FileReport> = Vec::new();
    let mut extra_of: HashMap<PathBuf, usize> = HashMap::new();
    for link in links {
        let Some(target) = canonical(&link.target) else {
            continue;
        };
        let seen = done.entry(target.clone()).or_default();
        let first = seen.is_empty();
        if !seen.insert(link.deployment()) {
            continue;
        }
        let report = match by_path.get(&target) {
            Some(&i) => lint_linked(&inputs[i], &settings_for(&inputs[i]), Some(&link), modules),
            None => {
                let input = Input {
                    display: link.display.clone(),
                    source: Source::Path(link.target.clone()),
                    explicit: true,
                };
                lint_linked(&input, &settings_for(&input), Some(&link), modules)
            }
        };
        let slot = match (by_path.get(&target), extra_of.get(&target)) {
            (Some(&i), _) => Some(&mut reports[i]),
            (None, Some(&j)) => Some(&mut extra[j]),
            (None, None) => None,
        };
        match (first, slot) {
            (true, Some(existing)) => {
                merged.insert(target, Merged::new(&report));
                *existing = report;
            }
            (true, None) => {
                merged.insert(target.clone(), Merged::new(&report));
                extra_of.insert(target, extra.len());
                extra.push(report);
            }
            (false, Some(existing)) => {
                if let Some(m) = merged.get_mut(&target) {
                    m.add(existing, report, &link);
                }
            }
            (false, None) => {}
        }
    }
    // Each merged report sorted once, after all its deployments.
    for (target, m) in merged {
        if !m.grown {
            continue;
        }
        let slot = match (by_path.get(&target), extra_of.get(&target)) {
            (Some(&i), _) => &mut reports[i],
            (None, Some(&j)) => &mut extra[j],
            (None, None) => continue,
        };
        Merged::finish(slot);
    }
    if !extra.is_empty() {
        // Files only a template named join the report in path order.
        reports.extend(extra);
        reports.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

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
    let mut report: Option<(FileReport, Merged)> = None;
    let mut seen: HashSet<Deployment> = HashSet::new();
    let modules = Modules::default();
    for link in links {
        if !seen.insert(link.deployment()) {
            continue;
        }
        let linted =
            catch_panic(|| lint_bytes_linked(input, bytes.clone(), settings, Some(link), &modules))
                .unwrap_or_else(|what| {
                    single(input, settings, rules::internal_error::diagnostic(&what))
                });
        match &mut report {
            None => {
                let m = Merged::new(&linted);
                report = Some((linted, m));
            }
            Some((existing, m)) => m.add(existing, linted, link),
        }
    }
    match report {
        Some((mut existing, m)) => {
            if m.grown {
                Merged::finish(&mut existing);
            }
            existing
        }
        None => lint_bytes_guarded(input, bytes, settings),
    }
}

/// What makes two findings of deployments of one file the same finding.
type FindingKey = (&'static str, crate::source::Span, String, Severity);

fn key(f: &Finding) -> FindingKey {
    #[cfg(test)]
    MERGE_WORK.with(|c| c.set(c.get() + 1));
    (f.rule, f.span, f.message.clone(), f.severity)
}

#[cfg(test)]
thread_local! {
    /// Findings keyed or sorted while merging deployments (a work counter).
    static MERGE_WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The findings a file's merged report already has, by identity, so that
/// each deployment's findings are merged in time proportional to their
/// number, not to the number already merged.
pub(super) struct Merged {
    keys: HashSet<FindingKey>,
    /// Findings were appended: the report needs sorting once at the end.
    grown: bool,
}

impl Merged {
    pub(super) fn new(first: &FileReport) -> Merged {
        Merged {
            keys: first.findings.iter().map(key).collect(),
            grown: false,
        }
    }

    /// Adds to `existing` the findings of another deployment of the same
    /// file that it does not already have, naming the resource that deploys
    /// it so. The appended findings are sorted in by [`Merged::finish`].
    pub(super) fn add(&mut self, existing: &mut FileReport, other: FileReport, link: &Link) {
        let how = match link.workflow_type {
            Some(WorkflowType::Express) => " as an Express workflow",
            Some(WorkflowType::Standard) => " as a Standard workflow",
            None => "",
        };
        for mut f in other.findings {
            if self.keys.contains(&key(&f)) {
                continue;
            }
            f.message.push_str(&format!(
                " (when `{}` deploys it as `{}`{how})",
                link.template, link.resource
            ));
            // The merged report holds the finding as it now reads.
            self.keys.insert(key(&f));
            existing.findings.push(f);
            self.grown = true;
        }
        existing.suppressed += other.suppressed;
        if existing.text.is_none() {
            existing.text = other.text;
        }
    }

    /// Report order (a stable sort: findings with equal keys keep the order
    /// of the deployments, as sorting after each merge did).
    pub(super) fn finish(report: &mut FileReport) {
        #[cfg(test)]
        MERGE_WORK.with(|c| c.set(c.get() + report.findings.len()));
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, at: usize, message: &str) -> Finding {
        Finding {
            file: "sm.asl.json".into(),
            rule,
            severity: Severity::Error,
            message: message.into(),
            label: None,
            help: None,
            state: None,
            definition: None,
            pointer: String::new(),
            span: crate::source::Span::new(at, at + 1),
            start: crate::source::LineCol {
                line: 1,
                column: at + 1,
            },
            end: crate::source::LineCol {
                line: 1,
                column: at + 2,
            },
            related: Vec::new(),
            fingerprint: String::new(),
            fix: None,
            path: None,
            construct: None,
        }
    }

    fn report(findings: Vec<Finding>) -> FileReport {
        FileReport {
            path: "sm.asl.json".into(),
            outcome: Outcome::Linted,
            definitions: 1,
            suppressed: 0,
            findings,
            text: None,
            links: Vec::new(),
        }
    }

    fn link(resource: &str) -> Link {
        Link {
            target: PathBuf::from("sm.asl.json"),
            display: "sm.asl.json".into(),
            template: "template.yaml".into(),
            resource: resource.into(),
            workflow_type: None,
            substitutions: Default::default(),
            replacements: Vec::new(),
            placeholders: None,
            role: None,
            ignore: Vec::new(),
            terraform: false,
        }
    }

    #[test]
    fn a_terraform_module_is_read_once_for_all_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let n = 40;
        std::fs::write(
            dir.path().join("sm.asl.json"),
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#,
        )
        .unwrap();
        for i in 0..n {
            // Each file deploys the local the next file defines.
            std::fs::write(
                dir.path().join(format!("m{i:02}.tf")),
                format!(
                    "locals {{\n  def_{i} = file(\"${{path.module}}/sm.asl.json\")\n}}\n\n\
                     resource \"aws_sfn_state_machine\" \"m{i}\" {{\n  definition = local.def_{}\n}}\n",
                    (i + 1) % n
                ),
            )
            .unwrap();
        }
        let inputs: Vec<Input> = (0..n)
            .map(|i| Input {
                display: format!("m{i:02}.tf"),
                source: Source::Path(dir.path().join(format!("m{i:02}.tf"))),
                explicit: true,
            })
            .collect();
        MODULE_READS.with(|c| c.set(0));
        let reports = lint_all(&inputs, &Settings::default(), Some(1));
        assert_eq!(MODULE_READS.with(|c| c.get()), 1);
        // Every local was found in the other file: the definition is linted
        // (its broken Next is reported), never "no locals block defines".
        let messages: Vec<&str> = reports
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            messages.iter().all(|m| !m.contains("no `locals` block")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`Nowhere`")),
            "{messages:?}"
        );
    }

    #[test]
    fn many_deployments_merge_in_linear_work() {
        // Each deployment names a state of its own that does not exist.
        let text = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "${Then}"}}}"#;
        let n = 400;
        let links: Vec<Link> = (0..n)
            .map(|i| {
                let mut l = link(&format!("M{i}"));
                l.substitutions.insert("Then".into(), format!("Done{i}"));
                l
            })
            .collect();
        let input = Input {
            display: "sm.asl.json".into(),
            source: Source::Stdin(Vec::new()),
            explicit: true,
        };
        MERGE_WORK.with(|c| c.set(0));
        let merged = lint_bytes_deployed(
            &input,
            text.as_bytes().to_vec(),
            &Settings::default(),
            &links,
        );
        let work = MERGE_WORK.with(|c| c.get());
        let found = merged.findings.len();
        assert!(found >= n, "{found} findings");
        // Keying each finding about twice and one sort; comparing with all
        // merged so far, or sorting after each deployment, is ~n*n/2.
        assert!(work <= 4 * found, "{work} steps to merge {found} findings");
    }

    #[test]
    fn deployments_merge_once_per_new_finding_in_report_order() {
        let mut existing = report(vec![finding("a", 5, "shared"), finding("b", 1, "first")]);
        let mut m = Merged::new(&existing);
        m.add(
            &mut existing,
            report(vec![finding("a", 5, "shared"), finding("c", 3, "own")]),
            &link("Second"),
        );
        // The same finding in a third deployment is that deployment's own:
        // the merged one reads differently (it names the second resource).
        m.add(
            &mut existing,
            report(vec![finding("c", 3, "own"), finding("a", 5, "shared")]),
            &link("Third"),
        );
        Merged::finish(&mut existing);
        let got: Vec<String> = existing
            .findings
            .iter()
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect();
        assert_eq!(
            got,
            [
                "b first",
                "c own (when `template.yaml` deploys it as `Second`)",
                "c own (when `template.yaml` deploys it as `Third`)",
                "a shared",
            ]
        );
    }
}
