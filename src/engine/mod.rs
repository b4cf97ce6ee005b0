//! The per-file pipeline (read -> load -> model -> graph -> rules -> findings)
//! and the parallel driver. Files are independent: they are linted on a rayon
//! pool and merged in input order, so output never depends on scheduling.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Layer, Level, OptionValue, WorkflowType};
use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::loader::{self, FileKind};
use crate::read::{ReadError, read_capped};
use crate::rules::{self, Rule, file_too_large::MAX_FILE_BYTES};
use std::collections::BTreeMap;

pub use crate::discovery::{Input, Source};

mod cost;
mod file;
mod linked;
mod panics;
mod place;
mod summary;

pub use cost::{CostReport, estimate_all};
use file::lint_bytes_linked;
use linked::Modules;

/// Loads files as a lint run does (a Terraform file with the other files of
/// its module, each folder read once), for listings such as `--show-files`.
#[derive(Default)]
pub struct FileLoader {
    modules: Modules,
}

impl FileLoader {
    pub fn load(&self, input: &Input, bytes: Vec<u8>, kind: FileKind) -> loader::LoadedFile {
        file::load(input, bytes, kind, None, &self.modules)
    }
}
pub use linked::lint_bytes_deployed;
use linked::relint_linked;
use panics::catch_panic;
pub use panics::install_panic_hook;
use place::{attribute_states, place};
pub use summary::Summary;

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
    /// What the resource's execution role allows, when the template says
    /// (`role-missing-permission`).
    pub role: Option<loader::template::RoleAccess>,
    /// The resource's `Metadata: {asl-lint: {ignore: [...]}}`, which applies
    /// to the definition it deploys (unused entries are reported on the
    /// template, where they are written).
    pub ignore: Vec<String>,
    /// Rendered by Terraform (`templatefile()`, `file()`): JSON in
    /// Terraform template syntax, whatever the file's extension.
    pub terraform: bool,
}

/// What makes two deployments of one file lint differently.
type Deployment = (
    Option<WorkflowType>,
    loader::template::Substitutions,
    Vec<loader::template::Replacement>,
    Option<loader::template::RoleAccess>,
);

impl Link {
    fn deployment(&self) -> Deployment {
        (
            self.workflow_type,
            self.substitutions.clone(),
            self.replacements.clone(),
            self.role.clone(),
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
    // Terraform modules are read once per run, whichever file needs one first.
    let modules = Modules::default();
    let one = |i: &Input| lint_linked(i, &settings_for(i), None, &modules);
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
    relint_linked(inputs, &mut reports, settings_for, &modules);
    reports
}

/// Reads and lints one input. Never panics: a panic inside becomes an
/// `internal-error` finding on that file.
pub fn lint_input(input: &Input, settings: &Settings) -> FileReport {
    lint_linked(input, settings, None, &Modules::default())
}

/// [`lint_input`] for a file a template deploys.
fn lint_linked(
    input: &Input,
    settings: &Settings,
    link: Option<&Link>,
    modules: &Modules,
) -> FileReport {
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
    match catch_panic(|| lint_bytes_linked(input, bytes, settings, link, modules)) {
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
        let lines = std::cell::OnceCell::new();
        place(
            &input.display,
            "",
            FileKind::Json,
            None,
            vec![diagnostic],
            &lines,
        )
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
    lint_bytes_linked(input, bytes, settings, None, &Modules::default())
}

/// `STANDARD` or `EXPRESS` as a template writes it.
fn parse_workflow_type(raw: Option<&str>) -> Option<WorkflowType> {
    match raw?.to_ascii_uppercase().as_str() {
        "STANDARD" => Some(WorkflowType::Standard),
        "EXPRESS" => Some(WorkflowType::Express),
        _ => None,
    }
}
