//! The per-file pipeline (read -> load -> model -> graph -> rules -> findings)
//! and the parallel driver. Files are independent: they are linted on a rayon
//! pool and merged in input order, so output never depends on scheduling.

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Layer, Level, OptionValue, WorkflowType};
use crate::diagnostic::{Diagnostic, Finding, Severity, Target, fingerprint};
use crate::edit::{Applicability, PlacedFix, TextEdit};
use crate::graph::MachineGraph;
use crate::loader::tree::Span;
use crate::loader::{self, Definition, FileKind, LoadProblem};
use crate::model::Machine;
use crate::read::{ReadError, read_capped};
use crate::rules::{self, Context, Rule, file_too_large::MAX_FILE_BYTES};
use crate::source::LineIndex;
use crate::suppression;
use std::collections::BTreeMap;

pub use crate::discovery::{Input, Source};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Linted,
    /// A plain `.json` file without a definition in it.
    NotADefinition,
}

#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    pub outcome: Outcome,
    pub definitions: usize,
    /// Findings removed by suppressions or the baseline.
    pub suppressed: usize,
    pub findings: Vec<Finding>,
    /// The file's text, kept only when there are findings to show it with.
    pub text: Option<String>,
    /// For a template: the local definition files it deploys (`DefinitionUri`).
    pub links: Vec<Link>,
}

/// A definition file a template deploys through `DefinitionUri`, and what
/// the template says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The file, as a path to open.
    pub target: PathBuf,
    /// The file as reported: the template's folder joined with the URI.
    pub display: String,
    /// The template's display path and the resource's name.
    pub template: String,
    pub resource: String,
    pub workflow_type: Option<WorkflowType>,
    pub substitutions: loader::template::Substitutions,
    /// Text rewrites the deploy applies (Terraform `replace()`).
    pub replacements: Vec<loader::template::Replacement>,
    /// What the deploy fills in, to find placeholders nothing fills.
    pub placeholders: Option<loader::template::PlaceholderNames>,
    /// The resource's `Metadata: {asl-lint: {ignore: [...]}}`, which applies
    /// to the definition it deploys (unused entries are reported on the
    /// template, where they are written).
    pub ignore: Vec<String>,
}

/// At most this many other `.tf` files of a module are read for its locals.
const MAX_MODULE_FILES: usize = 256;

/// The texts of the other `.tf` files in `path`'s folder (a Terraform
/// module), in name order; unreadable or oversized ones are left out.
fn module_files(path: &std::path::Path) -> Vec<String> {
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

/// What makes two deployments of one file lint differently.
type Deployment = (
    Option<WorkflowType>,
    loader::template::Substitutions,
    Vec<loader::template::Replacement>,
);

impl Link {
    fn deployment(&self) -> Deployment {
        (
            self.workflow_type,
            self.substitutions.clone(),
            self.replacements.clone(),
        )
    }
}

/// Which rules run, and at what severity.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rules: Vec<&'static Rule>,
    /// Forced severities (`[severity]`, `--severity`).
    pub severity: BTreeMap<&'static str, Severity>,
    /// Rule options (`[rules.<name>]`).
    pub options: BTreeMap<&'static str, BTreeMap<String, OptionValue>>,
    /// STANDARD or EXPRESS, when known.
    pub workflow_type: Option<WorkflowType>,
    /// Keep each file's text in its report, for renderers that quote
    /// source lines. Off when no output needs it, to save memory.
    pub keep_text: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_layer(&Layer::default())
    }
}

impl Settings {
    /// The rules, severities and options a configuration layer selects:
    /// `select` (or the defaults), plus `extend-select`, minus `ignore` and
    /// rules set to `off`.
    pub fn from_layer(layer: &Layer) -> Settings {
        let mut rules: Vec<&'static Rule> = match &layer.select {
            Some(names) => names.iter().filter_map(|n| rules::by_name(n)).collect(),
            None => rules::RULES
                .iter()
                .copied()
                .filter(|r| r.default_enabled)
                .collect(),
        };
        for name in &layer.extend_select {
            if let Some(r) = rules::by_name(name)
                && !rules.iter().any(|x| x.name == r.name)
            {
                rules.push(r);
            }
        }
        let mut severity = BTreeMap::new();
        for (name, level) in &layer.severity {
            match level {
                Level::Off => rules.retain(|r| r.name != *name),
                Level::On(s) => {
                    severity.insert(*name, *s);
                }
            }
        }
        rules.retain(|r| !layer.ignore.contains(&r.name));
        Settings {
            rules,
            severity,
            options: layer.options.clone(),
            workflow_type: layer.workflow_type,
            keep_text: true,
        }
    }

    /// Exactly these rules, with defaults for everything else.
    pub fn with_rules(rules: Vec<&'static Rule>) -> Settings {
        Settings {
            rules,
            ..Settings::default()
        }
    }

    pub fn enabled(&self, name: &str) -> bool {
        self.rules.iter().any(|r| r.name == name)
    }
}

/// Lints every input, in parallel when there are several, and returns the
/// reports in input order.
pub fn lint_all(inputs: &[Input], settings: &Settings, jobs: Option<usize>) -> Vec<FileReport> {
    lint_all_with(
        inputs,
        &|_: &Input| std::borrow::Cow::Borrowed(settings),
        jobs,
    )
}

/// Lints every input with the settings `settings_for` gives it (per-path
/// overrides), in parallel when there are several, in input order.
pub fn lint_all_with<'s>(
    inputs: &[Input],
    settings_for: &(dyn Fn(&Input) -> std::borrow::Cow<'s, Settings> + Sync),
    jobs: Option<usize>,
) -> Vec<FileReport> {
    let one = |i: &Input| lint_input(i, &settings_for(i));
    let mut reports: Vec<FileReport> = if inputs.len() <= 1 || jobs == Some(1) {
        inputs.iter().map(one).collect()
    } else {
        let run = || inputs.par_iter().map(one).collect();
        match jobs {
            // No more threads than there are files: `--jobs 20000` on eight
            // files must not start 20,000 threads.
            Some(n) => match rayon::ThreadPoolBuilder::new()
                .num_threads(n.min(inputs.len()))
                .build()
            {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            },
            None => run(),
        }
    };
    relint_linked(inputs, &mut reports, settings_for);
    reports
}

/// Lints the files templates deploy through `DefinitionUri` with what the
/// template says (workflow type, literal substitutions): again when they
/// were linted on their own, or for the first time when they were not
/// among the inputs. The first template (by path) wins when several deploy
/// one file.
fn relint_linked<'s>(
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

fn merge_deployment(existing: &mut FileReport, other: FileReport, link: &Link) {
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

/// Reads and lints one input. Never panics: a panic inside becomes an
/// `internal-error` finding on that file.
pub fn lint_input(input: &Input, settings: &Settings) -> FileReport {
    lint_linked(input, settings, None)
}

/// [`lint_input`] for a file a template deploys.
fn lint_linked(input: &Input, settings: &Settings, link: Option<&Link>) -> FileReport {
    let bytes = read_input(input);
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(size)) => {
            return single(input, settings, rules::file_too_large::diagnostic(size));
        }
        Err(ReadError::Io(what)) => {
            return single(input, settings, rules::io_error::diagnostic(&what));
        }
    };
    match catch_panic(|| lint_bytes_linked(input, bytes, settings, link)) {
        Ok(report) => report,
        Err(what) => single(input, settings, rules::internal_error::diagnostic(&what)),
    }
}

/// An input's bytes: a file read with the cap, or stdin (read by the CLI
/// with the same cap, so more than the cap means too large).
pub fn read_input(input: &Input) -> Result<Vec<u8>, ReadError> {
    match &input.source {
        Source::Stdin(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => {
            Err(ReadError::TooLarge(None))
        }
        Source::Stdin(bytes) => Ok(bytes.clone()),
        Source::Path(path) => read_capped(path, MAX_FILE_BYTES),
    }
}

fn single(input: &Input, settings: &Settings, diagnostic: Diagnostic) -> FileReport {
    let findings = if settings.enabled(diagnostic.rule) {
        place(&input.display, "", FileKind::Json, None, vec![diagnostic])
    } else {
        Vec::new()
    };
    FileReport {
        path: input.display.clone(),
        outcome: Outcome::Linted,
        definitions: 0,
        suppressed: 0,
        findings,
        text: None,
        links: Vec::new(),
    }
}

/// [`lint_bytes`] with a panic reported as `internal-error`, as for files
/// read from disk (`--fix` lints text it made).
pub fn lint_bytes_guarded(input: &Input, bytes: Vec<u8>, settings: &Settings) -> FileReport {
    match catch_panic(|| lint_bytes(input, bytes, settings)) {
        Ok(report) => report,
        Err(what) => single(input, settings, rules::internal_error::diagnostic(&what)),
    }
}

/// Lints bytes already in memory (the library entry point for tests and stdin).
pub fn lint_bytes(input: &Input, bytes: Vec<u8>, settings: &Settings) -> FileReport {
    lint_bytes_linked(input, bytes, settings, None)
}

fn lint_bytes_linked(
    input: &Input,
    bytes: Vec<u8>,
    settings: &Settings,
    link: Option<&Link>,
) -> FileReport {
    let mut report = FileReport {
        path: input.display.clone(),
        outcome: Outcome::Linted,
        definitions: 0,
        suppressed: 0,
        findings: Vec::new(),
        text: None,
        links: Vec::new(),
    };
    // Stdin without a name, or a file with another extension, is JSON or
    // YAML by its content.
    let kind = FileKind::of(&input.display, &bytes);
    // A file is linted when its name says ASL or its content is (or, broken,
    // looks like) a definition or template, whether it was named on the
    // command line or found in a folder: pre-commit names every JSON and
    // YAML file. Stdin is always linted.
    let stdin = matches!(input.source, Source::Stdin(_));
    if !stdin && !loader::is_asl_name(&input.display) && !loader::sniff(&bytes, kind) {
        report.outcome = Outcome::NotADefinition;
        return report;
    }
    let mut file = match (link, kind, &input.source) {
        (Some(_), _, _) => loader::load_templated(bytes, kind),
        // `local.NAME` may be defined in another file of the module.
        (None, FileKind::Terraform, Source::Path(path))
            if memchr::memmem::find(&bytes, b"local.").is_some() =>
        {
            loader::load_in_module(bytes, &module_files(path))
        }
        (None, _, _) => loader::load(bytes, kind),
    };
    if let Some(link) = link
        && file.template.is_none()
        && let Some(tree) = file.tree.as_mut()
    {
        loader::template::resolve_resources(tree, &link.substitutions);
        loader::template::apply_replacements(tree, &link.replacements);
    }
    let mut findings = Vec::new();
    let mut file_level: Vec<Diagnostic> = file
        .problems
        .iter()
        .map(|p| match p {
            LoadProblem::Syntax(e) => rules::invalid_json::diagnostic(e),
            LoadProblem::YamlSyntax(e) => rules::invalid_yaml::diagnostic(e),
            LoadProblem::DuplicateKey(d) => rules::duplicate_key::diagnostic(d),
            LoadProblem::ByteOrderMark(span) => rules::byte_order_mark::diagnostic(*span),
            LoadProblem::ImplicitType(i) => rules::yaml_implicit_type::diagnostic(i),
        })
        .collect();
    if let Some(template) = &file.template {
        let dir = match &input.source {
            Source::Path(path) => path.parent().map(std::path::Path::to_path_buf),
            Source::Stdin(_) => None,
        };
        for skipped in &template.skipped {
            if let (loader::template::SkipReason::LocalFile(uri), Some(dir)) =
                (&skipped.reason, dir.as_deref())
                && let rules::missing_definition_file::Resolved::File(target) =
                    rules::missing_definition_file::resolve(dir, uri)
            {
                let template_dir = input
                    .display
                    .rfind('/')
                    .map_or("", |i| &input.display[..=i]);
                report.links.push(Link {
                    target,
                    display: crate::discovery::normalize_lexically(&format!("{template_dir}{uri}")),
                    template: input.display.clone(),
                    resource: skipped
                        .resource
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    workflow_type: parse_workflow_type(skipped.workflow_type.as_deref()),
                    substitutions: skipped.substitutions.clone(),
                    replacements: skipped.replacements.clone(),
                    ignore: file
                        .tree
                        .as_ref()
                        .map(|t| {
                            t.resolve(&format!("{}/Metadata/asl-lint/ignore", skipped.resource))
                        })
                        .filter(|r| r.exact)
                        .and_then(|r| r.node.as_array())
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(|i| i.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                    placeholders: file
                        .tree
                        .as_ref()
                        .and_then(|t| loader::template::placeholder_names(t, &skipped.resource)),
                });
            }
            file_level.extend(rules::unlintable_definition::diagnostic(
                skipped,
                file.tree.as_ref(),
            ));
            file_level.extend(rules::missing_definition_file::diagnostic(
                skipped,
                file.tree.as_ref(),
                dir.as_deref(),
            ));
        }
    }
    let definitions = file.definitions();
    report.definitions = definitions.len();
    // AWS's size limit counts the definition's characters; it is still analysed.
    if definitions.len() == 1 && definitions[0].pointer.is_none() {
        let chars = file.text.trim_start_matches('\u{feff}').chars().count();
        if chars > rules::definition_too_large::MAX_DEFINITION_CHARS {
            file_level.push(rules::definition_too_large::diagnostic(chars));
        }
    }
    // File-level problems belong to the standalone definition, if there is
    // one, so that they get state names too.
    let mut file_level = Some(file_level);
    for definition in &definitions {
        let machine = Machine::build(definition.root);
        let graph = MachineGraph::build(&machine);
        let embedded = definition.embedded;
        let workflow_type = parse_workflow_type(embedded.and_then(|e| e.workflow_type.as_deref()))
            .or(link.and_then(|l| l.workflow_type))
            .or(settings.workflow_type);
        // Placeholders a deploy would leave as literal text: known only for
        // definitions inside a template and the files a template links.
        let placeholders = match (&definition.pointer, link) {
            (Some(ptr), _) => file
                .tree
                .as_ref()
                .and_then(|t| loader::template::placeholder_names(t, ptr)),
            (None, Some(link)) => link.placeholders.clone(),
            (None, None) => None,
        };
        let mut cx = Context::new(&machine, &graph).with_settings(&settings.options, workflow_type);
        cx.placeholders = placeholders.as_ref();
        let mut diagnostics = if definition.pointer.is_none() {
            file_level.take().unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut parsed = true;
        if let Some(e) = embedded {
            if let Some(syntax) = &e.syntax {
                diagnostics.push(rules::invalid_json::diagnostic(syntax));
                parsed = false;
            }
            diagnostics.extend(e.duplicates.iter().map(rules::duplicate_key::diagnostic));
            if e.chars > rules::definition_too_large::MAX_DEFINITION_CHARS {
                diagnostics
                    .push(rules::definition_too_large::diagnostic(e.chars).span(e.root.span));
            }
        }
        if parsed {
            for rule in &settings.rules {
                if let Some(check) = rule.check {
                    check(&cx, &mut diagnostics);
                }
            }
        }
        let states = attribute_states(&machine, &diagnostics);
        for (d, state) in diagnostics.iter_mut().zip(states) {
            if d.state.is_none() {
                d.state = state;
            }
        }
        diagnostics.retain(|d| settings.enabled(d.rule));
        let mut suppressions = suppression::collect(&machine);
        if kind == FileKind::Yaml {
            suppressions.extend(suppression::yaml_comments(&machine, &file.text));
        }
        // The resource's `Metadata: {asl-lint: {ignore: [...]}}` is a
        // directive for the whole definition, checked like any other.
        if let (Some(e), Some(ptr), Some(tree)) = (embedded, &definition.pointer, &file.tree)
            && !e.ignore.is_empty()
        {
            let list = tree.resolve(&format!("{ptr}/Metadata/asl-lint/ignore"));
            if list.exact {
                suppressions.push(suppression::Suppression::metadata(
                    e.ignore.clone(),
                    list.node.span,
                ));
            }
        }
        report.suppressed += suppression::apply(&mut suppressions, &mut diagnostics, &|r| {
            settings.enabled(r)
        });
        // The deploying template's Metadata ignore list.
        if let Some(link) = link.filter(|l| !l.ignore.is_empty()) {
            let before = diagnostics.len();
            diagnostics.retain(|d| {
                !link.ignore.iter().any(|name| {
                    name == d.rule || rules::select(name).is_some_and(|g| g.contains(&d.rule))
                })
            });
            report.suppressed += before - diagnostics.len();
        }
        if embedded.is_some_and(|e| e.approximate) {
            for d in &mut diagnostics {
                d.message.push_str(
                    " (position approximate: this part of `DefinitionString` could not \
                     be mapped back to the template, so the finding points at its start)",
                );
            }
        }
        diagnostics.retain(|d| settings.enabled(d.rule));
        for d in &mut diagnostics {
            if let Some(&s) = settings.severity.get(d.rule) {
                d.severity = s;
            }
            if let Some(path) = embedded.and_then(|e| e.cdk_path.as_deref()) {
                d.add_help(&format!("CDK construct `{path}`"));
            }
            if let Some(link) = link {
                d.add_help(&format!(
                    "this definition is deployed by `{}` (resource `{}`)",
                    link.template, link.resource
                ));
            }
        }
        rules::fold_overlaps(&mut diagnostics);
        findings.extend(place(
            &input.display,
            &file.text,
            kind,
            Some(definition),
            diagnostics,
        ));
    }
    if let Some(mut rest) = file_level {
        rest.retain(|d| settings.enabled(d.rule));
        for d in &mut rest {
            if let Some(&s) = settings.severity.get(d.rule) {
                d.severity = s;
            }
        }
        findings.extend(place(&input.display, &file.text, kind, None, rest));
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    if !findings.is_empty() && settings.keep_text {
        report.text = Some(std::mem::take(&mut file.text));
    }
    report.findings = findings;
    report
}

/// `STANDARD` or `EXPRESS` as a template writes it.
fn parse_workflow_type(raw: Option<&str>) -> Option<WorkflowType> {
    match raw?.to_ascii_uppercase().as_str() {
        "STANDARD" => Some(WorkflowType::Standard),
        "EXPRESS" => Some(WorkflowType::Express),
        _ => None,
    }
}

/// The state each diagnostic is about: the deepest state whose pointer is a
/// prefix of the diagnostic's pointer.
fn attribute_states(machine: &Machine<'_>, diagnostics: &[Diagnostic]) -> Vec<Option<String>> {
    let by_pointer: HashMap<&str, &str> = machine
        .states
        .iter()
        .map(|s| (s.pointer.as_str(), s.name))
        .collect();
    diagnostics
        .iter()
        .map(|d| {
            let mut ptr = d.pointer.as_str();
            loop {
                if let Some(name) = by_pointer.get(ptr) {
                    return Some(name.to_string());
                }
                ptr = &ptr[..ptr.rfind('/')?];
            }
        })
        .collect()
}

/// A fix as byte edits, before lines and columns are known.
type ResolvedFix = (Applicability, String, Vec<(Span, String)>);

/// Resolves pointers to spans and spans to lines and columns.
fn place(
    path: &str,
    text: &str,
    kind: FileKind,
    definition: Option<&Definition<'_>>,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Finding> {
    let resolve = |pointer: &str, target: Target, explicit: Option<Span>| -> Span {
        if let Some(span) = explicit {
            return span;
        }
        let Some(definition) = definition else {
            return Span::default();
        };
        let resolved = definition.root.resolve(pointer);
        match (target, resolved.key_span) {
            (Target::Key, Some(key)) => key,
            // A missing field points at the key of its closest existing parent.
            (Target::Value, Some(key)) if !resolved.exact => key,
            _ => resolved.node.span,
        }
    };
    let spans: Vec<Span> = diagnostics
        .iter()
        .map(|d| resolve(&d.pointer, d.target, d.span))
        .collect();
    // A fix that cannot be written in this file (a Terraform string, an
    // approximate `DefinitionString`) is not offered.
    let fixes: Vec<Option<ResolvedFix>> = diagnostics
        .iter()
        .map(|d| {
            let fix = d.fix.as_ref()?;
            let edits = loader::edits::resolve(
                text,
                kind,
                definition.map(|d| d.root),
                definition.and_then(|d| d.embedded),
                &fix.edits,
            )
            .ok()?;
            Some((fix.applicability, fix.message.clone(), edits))
        })
        .collect();
    let mut offsets = Vec::with_capacity(spans.len() * 2);
    for s in &spans {
        offsets.push(s.start as usize);
        offsets.push(s.end as usize);
    }
    for (_, _, edits) in fixes.iter().flatten() {
        for (s, _) in edits {
            offsets.push(s.start as usize);
            offsets.push(s.end as usize);
        }
    }
    let positions = if offsets.is_empty() {
        Vec::new()
    } else {
        LineIndex::new(text).positions(text, &offsets)
    };
    let definition_pointer = definition.and_then(|d| d.pointer.clone());
    let default_position = crate::source::LineCol { line: 1, column: 1 };
    let mut next_edit_position = 2 * spans.len();
    let placed_fixes: Vec<Option<PlacedFix>> = fixes
        .into_iter()
        .map(|fix| {
            let (applicability, message, edits) = fix?;
            let edits = edits
                .into_iter()
                .map(|(span, content)| {
                    let at = next_edit_position;
                    next_edit_position += 2;
                    TextEdit {
                        span,
                        content,
                        start: positions.get(at).copied().unwrap_or(default_position),
                        end: positions.get(at + 1).copied().unwrap_or(default_position),
                    }
                })
                .collect();
            Some(PlacedFix {
                applicability,
                message,
                edits,
            })
        })
        .collect();
    diagnostics
        .into_iter()
        .zip(placed_fixes)
        .enumerate()
        .map(|(i, (d, fix))| {
            let related = d
                .related
                .iter()
                .map(|r| (resolve(&r.pointer, r.target, r.span), r.label.clone()))
                .collect();
            Finding {
                fingerprint: fingerprint(
                    path,
                    d.rule,
                    definition_pointer.as_deref(),
                    d.state.as_deref(),
                    &d.pointer,
                ),
                file: path.to_string(),
                rule: d.rule,
                severity: d.severity,
                message: d.message,
                label: d.label,
                help: d.help,
                state: d.state,
                definition: definition_pointer.clone(),
                pointer: d.pointer,
                span: spans[i],
                start: positions
                    .get(2 * i)
                    .copied()
                    .unwrap_or(crate::source::LineCol { line: 1, column: 1 }),
                end: positions
                    .get(2 * i + 1)
                    .copied()
                    .unwrap_or(crate::source::LineCol { line: 1, column: 1 }),
                related,
                fix,
                path: d.path,
            }
        })
        .collect()
}

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    /// True while this thread lints a file inside `catch_panic`.
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that, while a file is being linted, records the
/// message and location for the `internal-error` finding instead of printing
/// it. Elsewhere (including other threads of a test harness) it defers to the
/// hook that was installed before. Installing it twice is harmless.
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(|c| c.get()) {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{message}{location}")));
        }));
    });
}

fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CAPTURING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(was));
    result.map_err(|payload| {
        PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// Counts for the report summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub definitions: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Findings with a safe fix, and with an unsafe one (not in the JSON
    /// report, whose summary is fixed).
    #[serde(skip)]
    pub fixable: usize,
    #[serde(skip)]
    pub unsafe_fixable: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            if r.outcome != Outcome::Linted {
                continue;
            }
            s.files += 1;
            s.definitions += r.definitions;
            s.suppressed += r.suppressed;
            for f in &r.findings {
                match f.fix.as_ref().map(|x| x.applicability) {
                    Some(crate::edit::Applicability::Safe) => s.fixable += 1,
                    Some(crate::edit::Applicability::Unsafe) => s.unsafe_fixable += 1,
                    None => {}
                }
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }
}

/// The cost estimate of one definition, or why a file has none.
#[derive(Debug)]
pub struct CostReport {
    pub file: String,
    /// Pointer to the resource in a template; `None` for a standalone file.
    pub definition: Option<String>,
    pub estimate: Result<crate::cost::Estimate, String>,
}

/// Errors that leave the state graph the estimate walks incomplete or
/// ambiguous (a `StartAt` or `Next` naming nothing, a state without `Next`
/// or `End`, a Choice rule without its `Next`): counting such a definition
/// would under-count. Errors elsewhere (an unreachable state, a bad ARN, a
/// state name used again in another scope) do not change what runs, so
/// they do not stop the estimate.
const GRAPH_ERRORS: &[&str] = &[
    "unknown-transition-target",
    "transition-out-of-scope",
    "missing-required-field",
    "conflicting-fields",
    "invalid-choice-rule",
];

/// The rules of [`GRAPH_ERRORS`] that report an error on the definition,
/// in rule order.
fn structural_errors(machine: &Machine<'_>, graph: &MachineGraph) -> Vec<&'static str> {
    let cx = Context::new(machine, graph);
    let mut found = Vec::new();
    for rule in rules::RULES
        .iter()
        .filter(|r| GRAPH_ERRORS.contains(&r.name))
    {
        let Some(check) = rule.check else { continue };
        let mut diagnostics = Vec::new();
        check(&cx, &mut diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            found.push(rule.name);
        }
    }
    found
}

/// Estimates every definition in the inputs (`--cost`), in input order.
pub fn estimate_all(inputs: &[Input], assumptions: &crate::cost::Assumptions) -> Vec<CostReport> {
    let mut out = Vec::new();
    for input in inputs {
        let bytes = read_input(input);
        let fail = |why: String| CostReport {
            file: input.display.clone(),
            definition: None,
            estimate: Err(why),
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge(size)) => {
                let size =
                    size.map_or_else(|| "more than the cap".to_string(), |s| format!("{s} bytes"));
                out.push(fail(format!(
                    "the file is too large to read ({size}; at most {MAX_FILE_BYTES} bytes are read)"
                )));
                continue;
            }
            Err(ReadError::Io(what)) => {
                out.push(fail(format!("cannot be read: {what}")));
                continue;
            }
        };
        let kind = FileKind::of(&input.display, &bytes);
        let stdin = matches!(input.source, Source::Stdin(_));
        if !stdin && !loader::is_asl_name(&input.display) && !loader::sniff(&bytes, kind) {
            continue;
        }
        let result = catch_panic(|| {
            let file = loader::load(bytes, kind);
            let syntax = file
                .problems
                .iter()
                .any(|p| matches!(p, LoadProblem::Syntax(_) | LoadProblem::YamlSyntax(_)));
            if syntax {
                return vec![fail(
                    "it does not parse; run asl-lint without --cost to see why".to_string(),
                )];
            }
            file.definitions()
                .iter()
                .map(|d| {
                    let estimate = match d.embedded.and_then(|e| e.syntax.as_ref()) {
                        Some(_) => Err("its definition does not parse".to_string()),
                        None => {
                            let machine = Machine::build(d.root);
                            let graph = MachineGraph::build(&machine);
                            // A definition AWS rejects has no cost to count:
                            // an unknown `StartAt` would read as 0 transitions.
                            let errors = structural_errors(&machine, &graph);
                            if errors.is_empty() {
                                Ok(crate::cost::estimate(&machine, &graph, assumptions))
                            } else {
                                Err(format!(
                                    "its definition has errors ({}); run asl-lint without --cost \
                                     to see them",
                                    crate::diagnostic::quoted_list(
                                        &errors[..errors.len().min(3)],
                                        errors.len()
                                    )
                                ))
                            }
                        }
                    };
                    CostReport {
                        file: input.display.clone(),
                        definition: d.pointer.clone(),
                        estimate,
                    }
                })
                .collect()
        });
        match result {
            Ok(reports) => out.extend(reports),
            Err(panic) => out.push(fail(format!("internal error: {panic}"))),
        }
    }
    out
}
