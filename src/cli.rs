//! The command line: flags (`asl-lint --help`, `docs/reference.md` section 1), exit codes, and
//! where reports go.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use std::borrow::Cow;

use crate::baseline;
use crate::config::{self, Config, Layer, Level, WorkflowType};
use crate::diagnostic::Severity;
use crate::discovery::{self, DiscoveryError};
use crate::engine::{self, Outcome, Settings, Summary};
use crate::fix;
use crate::render::{self, Format, OutputSpec, RenderOptions};
use crate::rules;

/// Exit codes, as `docs/reference.md` (section 2) documents them.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

const EXAMPLES: &str = "\
Examples:
  asl-lint                                   lint every definition under .
  asl-lint statemachines/ other.asl.json     lint a folder and a file
  asl-lint --format json > report.json       machine-readable report
  asl-lint --format concise --format json=report.json
                                             one-line findings, and a JSON file
  cat sm.asl.json | asl-lint - --stdin-filename sm.asl.json
  asl-lint --fail-on error                   exit 1 only for errors
  asl-lint --explain unreachable-state       show a rule's documentation
  asl-lint --cost --items 100 sm.asl.json    transitions and dollars per million runs
  asl-lint --diff statemachines/             what --fix would change (writes nothing)
  asl-lint --fix --unsafe-fixes sm.asl.json  apply every fix, then review the diff
  asl-lint --reaper glue-session > reaper.yaml
                                             the Wait-then-stop safety net as SAM
  asl-lint --lsp                             the language server for your editor

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error.";

#[derive(Debug, Parser)]
#[command(
    name = "asl-lint",
    version,
    about = "Fast static analyzer for AWS Step Functions state machines (Amazon States Language)",
    after_help = EXAMPLES,
)]
pub struct Args {
    /// Files or directories to lint; `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<std::ffi::OsString>,

    /// The name to report for stdin (also picks JSON or YAML).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Report format, optionally written to a file: FORMAT[=FILE]. Repeatable;
    /// at most one may go to stdout. FORMAT: text, concise, json, sarif,
    /// github, junit, gitlab, checkstyle.
    #[arg(long = "format", value_name = "FORMAT[=FILE]")]
    pub formats: Vec<OutputSpec>,

    /// When to use colour in text output (honours NO_COLOR and CLICOLOR_FORCE).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Print findings only: no summary line or notes.
    #[arg(long, short)]
    pub quiet: bool,

    /// Lint this many files at once (default: one per core).
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// List every rule: name, default severity, summary.
    #[arg(long)]
    pub list_rules: bool,

    /// Print a rule's documentation.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Print the static cost estimate (transitions and dollars per million
    /// executions, Standard and Express) instead of findings.
    #[arg(long)]
    pub cost: bool,

    /// Print each file that would be linted and why, and each skipped file
    /// with the reason; lint nothing.
    #[arg(long, conflicts_with_all = ["cost", "statistics"])]
    pub show_files: bool,

    /// Run a Language Server Protocol server on stdin/stdout.
    #[arg(long, conflicts_with_all = ["fix", "diff", "cost", "reaper"])]
    pub lsp: bool,

    /// Print a SAM template for the event-triggered Wait-then-stop safety
    /// net for KIND (`list` prints the kinds).
    #[arg(long, value_name = "KIND")]
    pub reaper: Option<String>,

    /// For --reaper: how long to wait before stopping (`90m`, `2h`, `3600s`).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "1h",
        requires = "reaper"
    )]
    pub reaper_wait: String,

    /// For --reaper: which resources it may stop: `humans` (only starts
    /// made by people, never by AWS services) or `tag=KEY[=VALUE]` (only
    /// resources carrying the tag). `ec2-instance` and `emr-cluster` need one.
    #[arg(long, value_name = "SCOPE", requires = "reaper")]
    pub reaper_scope: Option<String>,

    /// Apply the safe fixes to the files in place (with `-`, print the fixed
    /// text to stdout and the remaining findings to stderr).
    #[arg(long, conflicts_with_all = ["cost", "show_files", "diff"])]
    pub fix: bool,

    /// Also apply the unsafe fixes (with --fix or --diff); review them.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change; write nothing.
    #[arg(long, conflicts_with_all = ["cost", "show_files"])]
    pub diff: bool,

    /// Print one line per rule (count, rule, severity, fixable), most
    /// frequent first, instead of the findings.
    #[arg(long, conflicts_with = "cost")]
    pub statistics: bool,

    /// For --cost: the items each Map iterates over (default 1; per Map in
    /// the configuration's `[cost.map-items]`).
    #[arg(long, value_name = "N", requires = "cost")]
    pub items: Option<u64>,

    /// For --cost: seconds one request-response Task takes (default 1).
    #[arg(long, value_name = "SECONDS", requires = "cost")]
    pub task_seconds: Option<f64>,

    /// For --cost: the memory an Express execution is billed for, in MB
    /// (default: the price file's 64 MB; AWS bills about 50 MB plus the
    /// definition and payload sizes, in 64 MB steps).
    #[arg(long, value_name = "MB", requires = "cost")]
    pub express_memory_mb: Option<f64>,

    /// For --cost: a price file with the keys of the built-in one (another
    /// region, newer prices); keys it leaves out keep the built-in values.
    #[arg(long, value_name = "FILE", requires = "cost")]
    pub prices: Option<PathBuf>,

    /// Use this configuration file instead of searching for `.asl-lint.toml`.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Run only these rules (comma-separated); replaces the default set.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Run these rules too (comma-separated), e.g. rules that are off by default.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules (comma-separated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Force a rule's severity: RULE=error|warning|info|off. Repeatable.
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,

    /// The workflow type, which the definition does not say.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub workflow_type: Option<TypeArg>,

    /// Apply excludes to files named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to a baseline file, then exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    Standard,
    Express,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// Runs the command line and returns the exit code. Never panics outward:
/// per-file panics become `internal-error` findings.
pub fn main() -> i32 {
    engine::install_panic_hook();
    // `--version --verbose` also names the embedded data; plain `--version`
    // is clap's.
    let raw: Vec<std::ffi::OsString> = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .collect();
    if raw.iter().any(|a| a == "--version" || a == "-V") && raw.iter().any(|a| a == "--verbose") {
        println!("asl-lint {}", env!("CARGO_PKG_VERSION"));
        println!("{}", crate::catalog::aws_models::version_line());
        return EXIT_OK;
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match std::panic::catch_unwind(|| run(args)) {
        Ok(code) => code,
        Err(_) => {
            eprintln!(
                "asl-lint: internal error; please report it at {}/issues",
                env!("CARGO_PKG_REPOSITORY")
            );
            EXIT_USAGE
        }
    }
}

/// A usage error on stderr. Messages quote arguments, configuration keys
/// and paths from the repository: those are shown with control characters
/// escaped, so none can drive the terminal or start a CI workflow command.
fn usage_error(message: &str) -> i32 {
    eprintln!("error: {}", render::escape::visible(message));
    EXIT_USAGE
}

pub fn run(args: Args) -> i32 {
    if args.list_rules {
        return list_rules(&args);
    }
    if let Some(name) = &args.explain {
        return explain(name);
    }
    if args.lsp {
        return crate::lsp::run();
    }
    if let Some(kind) = &args.reaper {
        if !args.formats.is_empty() {
            return usage_error(
                "--reaper prints its template to standard output; --format does not \
                 apply (redirect it: `asl-lint --reaper KIND > reaper.yaml`)",
            );
        }
        return reaper(kind, &args.reaper_wait, args.reaper_scope.as_deref());
    }
    let outputs = match output_specs(&args) {
        Ok(outputs) => outputs,
        Err(code) => return code,
    };
    let run = match Prepared::from_args(&args, &outputs) {
        Ok(run) => run,
        Err(code) => return code,
    };
    if args.show_files {
        let shown = show_files(&run.inputs, &run.governing, &run.resolver);
        let _ = std::io::stdout().write_all(shown.as_bytes());
        return EXIT_OK;
    }
    if args.cost {
        // The estimate's assumptions come from the configuration governing
        // the current folder (or the one `--config` names).
        let here = match run.resolver.for_folder(std::path::Path::new(".")) {
            Ok(g) => g,
            Err(e) => return usage_error(&e.to_string()),
        };
        return cost(&args, &run.inputs, &here.config.cost);
    }
    lint_and_report(&args, &outputs, &run)
}

/// The reports to write: `--format` as given, or `text` (concise off a
/// terminal) on stdout.
fn output_specs(args: &Args) -> Result<Vec<OutputSpec>, i32> {
    let outputs = if args.formats.is_empty() {
        vec![OutputSpec {
            format: Format::Text,
            file: None,
        }]
    } else {
        args.formats.clone()
    };
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        return Err(usage_error(
            "at most one --format may write to stdout; give the others a file: --format json=report.json",
        ));
    }
    Ok(outputs)
}

/// A run's inputs once the command line, every governing configuration and
/// discovery have been checked: whatever is wrong there is a usage error
/// before anything is linted.
struct Prepared {
    resolver: config::Resolver,
    cli_layer: Layer,
    inputs: Vec<engine::Input>,
    /// Each input's configuration and the path it is resolved for.
    governing: Vec<(std::sync::Arc<config::Governing>, PathBuf)>,
}

impl Prepared {
    fn from_args(args: &Args, outputs: &[OutputSpec]) -> Result<Prepared, i32> {
        let stdin = read_stdin(args)?;
        let resolver = load_config(args).map_err(|m| usage_error(&m))?;
        let cli_layer = cli_layer(args).map_err(|m| usage_error(&m))?;
        // Each path's excludes come from the configuration that governs it,
        // relative to that configuration's folder.
        let config_errors = std::cell::RefCell::new(Vec::new());
        let excluded = |path: &std::path::Path, below: &str| match resolver.for_file(path) {
            Ok(g) => g.excludes.matches_below(&g.relative(path), below),
            Err(e) => {
                config_errors.borrow_mut().push(e.to_string());
                false
            }
        };
        let inputs =
            match discovery::discover_with(&args.paths, stdin, &excluded, args.force_exclude) {
                Ok(inputs) => inputs,
                Err(errors) => {
                    for DiscoveryError::Missing(path) in &errors {
                        eprintln!(
                            "error: path `{}` does not exist",
                            render::escape::visible(path)
                        );
                    }
                    return Err(EXIT_USAGE);
                }
            };
        // A CDK app that has not been synthesised has no definitions to lint
        // yet: say how to get them instead of passing in silence.
        for path in &args.paths {
            let dir = std::path::Path::new(path);
            if dir.join("cdk.json").is_file() && !dir.join("cdk.out").is_dir() {
                eprintln!(
                    "note: `{}` is a CDK app with no `cdk.out`: its state machines are built by code; run `cdk synth` there, then lint again (or `asl-lint {}`)",
                    render::escape::visible(&path.to_string_lossy()),
                    render::escape::visible(&dir.join("cdk.out").to_string_lossy())
                );
            }
        }
        let mut run = Prepared {
            resolver,
            cli_layer,
            inputs: Vec::new(),
            governing: Vec::with_capacity(inputs.len()),
        };
        // Every file's configuration, found before anything is linted: a
        // broken one is a usage error, whichever file it governs.
        for input in &inputs {
            match run.governing_of(input) {
                Ok(g) => run.governing.push(g),
                Err(e) => config_errors.borrow_mut().push(e.to_string()),
            }
        }
        if let Some(first) = config_errors.borrow().first() {
            return Err(usage_error(first));
        }
        refuse_overwrites(outputs, args.write_baseline.as_ref(), &inputs)
            .map_err(|m| usage_error(&m))?;
        run.inputs = inputs;
        Ok(run)
    }

    fn governing_of(
        &self,
        input: &engine::Input,
    ) -> Result<(std::sync::Arc<config::Governing>, PathBuf), config::ConfigError> {
        let path = match &input.source {
            engine::Source::Path(p) => p.clone(),
            engine::Source::Stdin(_) => PathBuf::from(&input.display),
        };
        self.resolver.for_file(&path).map(|g| (g, path))
    }

    /// Settings per file: its configuration, the overrides that match it
    /// (relative to that configuration's folder), then the command line.
    fn settings_of(
        &self,
        g: &config::Governing,
        path: &std::path::Path,
        keep_text: bool,
    ) -> Settings {
        let mut layer = g.config.layer_for(&g.relative(path));
        layer.merge(&self.cli_layer);
        Settings {
            keep_text,
            ..Settings::from_layer(&layer)
        }
    }

    /// The settings shared by every input when one configuration without
    /// overrides governs them all (the common case, built once).
    fn shared_settings(&self, keep_text: bool) -> Option<Settings> {
        let (first, path) = self.governing.first()?;
        let shared = first.config.overrides.is_empty()
            && self
                .governing
                .iter()
                .all(|(g, _)| std::sync::Arc::ptr_eq(g, first));
        shared.then(|| self.settings_of(first, path, keep_text))
    }

    fn settings_for(&self, input: &engine::Input, keep_text: bool) -> Settings {
        match self.governing_of(input) {
            Ok((g, path)) => self.settings_of(&g, &path, keep_text),
            Err(_) => self.settings_of(
                &config::Governing::empty(),
                std::path::Path::new(&input.display),
                keep_text,
            ),
        }
    }
}

/// Stdin's name and bytes when `-` is among the paths.
fn read_stdin(args: &Args) -> Result<Option<(String, Vec<u8>)>, i32> {
    let wanted = args.paths.iter().any(|p| p == "-");
    if args.stdin_filename.is_some() && !wanted {
        return Err(usage_error(
            "--stdin-filename names stdin: give `-` among the paths to read it",
        ));
    }
    if !wanted {
        return Ok(None);
    }
    // Read one byte past the cap, so `asl-lint - < /dev/zero` ends.
    let bytes = crate::read::read_stdin_capped(crate::rules::file_too_large::MAX_FILE_BYTES)
        .map_err(|e| usage_error(&format!("cannot read stdin: {e}")))?;
    let name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_string());
    Ok(Some((name, bytes)))
}

/// Lints every input, then fixes, filters by baseline and writes the
/// reports; returns the exit code.
fn lint_and_report(args: &Args, outputs: &[OutputSpec], run: &Prepared) -> i32 {
    let stdout_tty = std::io::stdout().is_terminal();
    let color = use_color(args.color, stdout_tty);
    // Rich text on a terminal, when colour is forced, or into a file.
    // An explicit `--format text` always shows snippets (CI logs are where
    // most people read findings); only the default adapts to the terminal.
    let explicit_text = !args.formats.is_empty();
    let rich_text = |to_stdout: bool| explicit_text || !to_stdout || stdout_tty || color;
    // Only rich text quotes source lines; other formats need no file text.
    let keep_text = outputs
        .iter()
        .any(|o| o.format == Format::Text && rich_text(o.file.is_none()));
    let shared = run.shared_settings(keep_text);
    let settings_for = |input: &engine::Input| match &shared {
        Some(shared) => Cow::Borrowed(shared),
        None => Cow::Owned(run.settings_for(input, keep_text)),
    };
    let inputs = &run.inputs;
    let reports = engine::lint_all_with(inputs, &settings_for, args.jobs.map(usize::from));
    let mut reports: Vec<_> = reports
        .into_iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .collect();
    if reports.is_empty() {
        warn_nothing_found(args);
    }
    let stdin_fix = match fix_step(args, &mut reports, inputs, &settings_for) {
        Ok(stdin_fix) => stdin_fix,
        Err(code) => return code,
    };
    if let Some(code) = baseline_step(args, &mut reports) {
        return code;
    }
    if args.statistics {
        let json = args.formats.iter().any(|o| o.format == Format::Json);
        let _ = std::io::stdout().write_all(statistics(&reports, json).as_bytes());
        return exit_code(&reports, args.fail_on);
    }
    let summary = Summary::of(&reports);
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    for output in outputs {
        let to_stdout = output.file.is_none();
        let options = RenderOptions {
            rich_text: rich_text(to_stdout),
            color: to_stdout && color,
            width,
        };
        let text = render::render(output.format, &reports, &summary, &options);
        match write_output(output, &text, stdin_fix) {
            Ok(Written::Done) => {}
            // A closed pipe (`| head`) is no error worth reporting.
            Ok(Written::StdoutClosed) => break,
            Err(code) => return code,
        }
    }
    // Annotations are capped per step; the step summary lists everything.
    if outputs.iter().any(|o| o.format == Format::Github) {
        append_step_summary(&reports, &summary);
    }
    let human_stdout = outputs
        .iter()
        .any(|o| o.file.is_none() && matches!(o.format, Format::Text | Format::Concise));
    if !args.quiet && human_stdout {
        eprintln!("{}", render::summary_line(&summary));
    }
    exit_code(&reports, args.fail_on)
}

/// `--fix` and `--diff`: fixes the files, or prints the diff and ends the
/// run (`Err` is its exit code). With stdin, prints the text (fixed or not)
/// to stdout; `Ok(true)` then sends the findings to stderr.
fn fix_step<'s>(
    args: &Args,
    reports: &mut [engine::FileReport],
    inputs: &[engine::Input],
    settings_for: &dyn Fn(&engine::Input) -> Cow<'s, engine::Settings>,
) -> Result<bool, i32> {
    let mut fixed_stdin = None;
    if args.fix || args.diff {
        let fixes = apply_fixes(args, reports, inputs, settings_for);
        if args.diff {
            let _ = std::io::stdout().write_all(fixes.diffs.as_bytes());
            let remaining = exit_code(reports, args.fail_on);
            if fixes.diffs.is_empty() && remaining != EXIT_OK && !args.quiet {
                eprintln!(
                    "No fix applies{}; the findings remain (run without --diff to see them).",
                    if args.unsafe_fixes {
                        ""
                    } else {
                        " without --unsafe-fixes"
                    }
                );
            }
            return Err(if fixes.would_change {
                EXIT_FINDINGS
            } else {
                remaining
            });
        }
        fixed_stdin = fixes.stdin;
    }
    let stdin_fix = args.fix
        && inputs
            .iter()
            .any(|i| matches!(i.source, engine::Source::Stdin(_)));
    if stdin_fix {
        let text = fixed_stdin.unwrap_or_else(|| {
            inputs
                .iter()
                .find_map(|i| match &i.source {
                    engine::Source::Stdin(bytes) => Some(bytes.clone()),
                    engine::Source::Path(_) => None,
                })
                .unwrap_or_default()
        });
        let _ = std::io::stdout().write_all(&text);
    }
    Ok(stdin_fix)
}

/// `--baseline` drops the known findings; `--write-baseline` records them
/// and ends the run with the returned exit code.
fn baseline_step(args: &Args, reports: &mut [engine::FileReport]) -> Option<i32> {
    if let Some(path) = &args.baseline {
        match baseline::load(path) {
            Ok(known) => baseline::filter(reports, known),
            Err(message) => return Some(usage_error(&message)),
        }
    }
    let path = args.write_baseline.as_ref()?;
    Some(match baseline::write(path, reports) {
        Ok(n) => {
            if !args.quiet {
                eprintln!("wrote {n} finding(s) to the baseline `{}`", path.display());
            }
            EXIT_OK
        }
        Err(message) => usage_error(&message),
    })
}

/// Says that nothing was linted: "No problems found in 0 files" reads like
/// success.
fn warn_nothing_found(args: &Args) {
    let shown: Vec<String> = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths
            .iter()
            .map(|p| render::escape::visible(&p.to_string_lossy()).into_owned())
            .collect()
    };
    eprintln!("warning: no definitions found under {}", shown.join(", "));
}

/// What became of a report written to its place.
enum Written {
    Done,
    /// Stdout was closed (`| head`): nothing more can be written there.
    StdoutClosed,
}

/// Writes one rendered report where it goes; `Err` is the exit code.
fn write_output(output: &OutputSpec, text: &str, stdin_fix: bool) -> Result<Written, i32> {
    match &output.file {
        None if stdin_fix => {
            let _ = std::io::stderr().write_all(text.as_bytes());
            Ok(Written::Done)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            Ok(
                match stdout
                    .write_all(text.as_bytes())
                    .and_then(|_| stdout.flush())
                {
                    Ok(()) => Written::Done,
                    Err(_) => Written::StdoutClosed,
                },
            )
        }
        Some(path) => write_report(path, text)
            .map(|()| Written::Done)
            .map_err(|e| usage_error(&format!("cannot write report to `{}`: {e}", path.display()))),
    }
}

/// What `--fix` or `--diff` did: the diff text, whether any file would
/// change, and the fixed text of stdin.
struct FixOutcome {
    diffs: String,
    would_change: bool,
    stdin: Option<Vec<u8>>,
}

/// Fixes every file with fixes to offer: writes them (atomically), or with
/// `--diff` collects the diff; the reports become the fixed files' reports.
fn apply_fixes<'s>(
    args: &Args,
    reports: &mut [engine::FileReport],
    inputs: &[engine::Input],
    settings_for: &dyn Fn(&engine::Input) -> Cow<'s, engine::Settings>,
) -> FixOutcome {
    let mut outcome = FixOutcome {
        diffs: String::new(),
        would_change: false,
        stdin: None,
    };
    let (mut applied, mut files) = (0, 0);
    for report in reports.iter_mut() {
        if !fix::has_fixes(report, args.unsafe_fixes) {
            continue;
        }
        // A definition file a template links (`DefinitionUri`) is fixed
        // where it is, though only the template was named.
        let linked;
        let input = match inputs.iter().find(|i| i.display == report.path) {
            Some(input) => input,
            None if std::path::Path::new(&report.path).is_file() => {
                linked = engine::Input {
                    display: report.path.clone(),
                    source: engine::Source::Path(report.path.clone().into()),
                    explicit: false,
                };
                &linked
            }
            None => continue,
        };
        let Ok(bytes) = engine::read_input(input) else {
            continue;
        };
        if let Some(folder) = generated_folder(&report.path) {
            eprintln!(
                "warning: `{}` is generated output (`{folder}`): not fixed; change the source it \
                 is generated from and build again",
                render::escape::visible(&report.path)
            );
            continue;
        }
        let fixed = fix::fix_bytes(input, bytes, &settings_for(input), args.unsafe_fixes);
        for dropped in &fixed.dropped {
            eprintln!("warning: {}", render::escape::visible(dropped));
        }
        if !fixed.changed() {
            continue;
        }
        outcome.would_change = true;
        if args.diff {
            outcome.diffs.push_str(&fixed.unified_diff(&report.path));
        } else if let engine::Source::Path(path) = &input.source {
            match fix::write_atomically(path, &fixed.original, &fixed.fixed) {
                Ok(None) => {}
                Ok(Some(warning)) => eprintln!(
                    "warning: `{}`: {warning}",
                    render::escape::visible(&report.path)
                ),
                Err(e) => {
                    eprintln!(
                        "error: cannot write the fixes to `{}`: {e}",
                        render::escape::visible(&report.path)
                    );
                    continue;
                }
            }
        } else {
            outcome.stdin = Some(fixed.fixed.clone());
        }
        applied += fixed.applied;
        files += 1;
        *report = fixed.report;
    }
    if !args.diff && !args.quiet && applied > 0 {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        eprintln!(
            "Fixed {} in {}.",
            plural(applied, "finding"),
            plural(files, "file")
        );
    }
    outcome
}

/// The generated-output folder `path` is inside, if any: `cdk synth`,
/// `sam build`, `serverless package` and `terraform init` write these, and
/// the next build overwrites whatever a fix writes there.
fn generated_folder(path: &str) -> Option<&'static str> {
    const GENERATED: [&str; 4] = ["cdk.out", ".aws-sam", ".serverless", ".terraform"];
    std::path::Path::new(path).components().find_map(|c| {
        GENERATED
            .iter()
            .find(|g| c.as_os_str() == std::ffi::OsStr::new(g))
            .copied()
    })
}

/// Appends the Markdown summary to `$GITHUB_STEP_SUMMARY`, when it is set.
fn append_step_summary(reports: &[engine::FileReport], summary: &Summary) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let markdown = render::github::step_summary(reports, summary);
    // Only a regular file (or none yet): opening a FIFO would block.
    let regular = std::fs::metadata(&path).map_or(true, |m| m.is_file());
    let appended = if regular {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(markdown.as_bytes()))
    } else {
        Err(std::io::Error::other("it is not a regular file"))
    };
    if let Err(e) = appended {
        eprintln!("warning: cannot write the GitHub step summary: {e}");
    }
}

/// Which configuration governs each file: `--no-config`, the one file
/// `--config` names, or the nearest `.asl-lint.toml` per file.
fn load_config(args: &Args) -> Result<config::Resolver, String> {
    if args.no_config {
        return Ok(config::Resolver::fixed(Config::default()));
    }
    let path = match &args.config {
        Some(path) if !path.exists() => {
            return Err(format!(
                "configuration file `{}` does not exist",
                path.display()
            ));
        }
        Some(path) => path.clone(),
        None => return Ok(config::Resolver::nearest()),
    };
    Config::load(&path)
        .map(config::Resolver::fixed)
        .map_err(|e| e.to_string())
}

/// The command line's rule selection, severities and type, as a layer that
/// goes on top of the configuration.
fn cli_layer(args: &Args) -> Result<Layer, String> {
    let rule = |name: &str| {
        rules::by_name(name.trim()).map(|r| r.name).ok_or_else(|| {
            let hint = rules::suggest(name.trim(), rules::selector_names())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `asl-lint --list-rules` lists them".to_string());
            format!("unknown rule `{}`{hint}", name.trim())
        })
    };
    let list = |names: &[String]| -> Result<Vec<&'static str>, String> {
        let mut out = Vec::new();
        for n in names.iter().filter(|n| !n.trim().is_empty()) {
            match rules::select(n.trim()) {
                Some(names) => out.extend(names),
                None => out.push(rule(n)?),
            }
        }
        Ok(out)
    };
    let mut layer = Layer {
        select: args.select.as_deref().map(list).transpose()?,
        extend_select: list(&args.extend_select)?,
        ignore: list(&args.ignore)?,
        workflow_type: args.workflow_type.map(|t| match t {
            TypeArg::Standard => WorkflowType::Standard,
            TypeArg::Express => WorkflowType::Express,
        }),
        ..Layer::default()
    };
    for spec in &args.severity {
        let (name, level) = spec.split_once('=').ok_or_else(|| {
            format!("`--severity {spec}` must be RULE=LEVEL, e.g. `choice-without-default=error`")
        })?;
        let level = Level::parse(level.trim()).ok_or_else(|| {
            format!("`--severity {spec}`: the level is error, warning, info or off")
        })?;
        layer.severity.insert(rule(name)?, level);
    }
    Ok(layer)
}

/// Reports and baselines are outputs: refuse a target that is one of the
/// files being linted, that holds a definition or template, or that two
/// outputs share (one would be lost).
fn refuse_overwrites(
    outputs: &[OutputSpec],
    baseline: Option<&PathBuf>,
    inputs: &[engine::Input],
) -> Result<(), String> {
    let targets: Vec<&PathBuf> = outputs
        .iter()
        .filter_map(|o| o.file.as_ref())
        .chain(baseline)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    // A target that does not exist yet is compared by its absolute path.
    let identity = |p: &std::path::Path| {
        std::fs::canonicalize(p)
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let mut seen = std::collections::BTreeMap::new();
    for t in &targets {
        if let Some(first) = seen.insert(identity(t), t) {
            return Err(format!(
                "two outputs write to `{}` (also given as `{}`): give each its own file",
                t.display(),
                first.display()
            ));
        }
    }
    let linted: std::collections::BTreeSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| match &i.source {
            engine::Source::Path(p) => Some(identity(p)),
            engine::Source::Stdin(_) => None,
        })
        .collect();
    for t in targets {
        let id = identity(t);
        if linted.contains(&id) {
            return Err(format!(
                "refusing to write a report to `{}`: it is one of the files being linted",
                t.display()
            ));
        }
        if let Ok(bytes) = crate::read::read_capped(t, SMALL_FILE_BYTES * 64) {
            let kind = crate::loader::FileKind::from_path(&t.to_string_lossy())
                .unwrap_or(crate::loader::FileKind::Json);
            if crate::loader::sniff(&bytes, kind) {
                return Err(format!(
                    "refusing to write a report to `{}`: it holds a state machine definition or \
                     template",
                    t.display()
                ));
            }
        }
    }
    Ok(())
}

/// `--show-files`: for each input, whether it would be linted and why, the
/// files templates link, and the configuration that governs them.
fn show_files(
    inputs: &[engine::Input],
    governing_configs: &[(std::sync::Arc<config::Governing>, PathBuf)],
    resolver: &config::Resolver,
) -> String {
    use crate::loader::{self, FileKind};
    let mut out = String::new();
    let mut linked: Vec<(String, String, String)> = Vec::new();
    let file_loader = engine::FileLoader::default();
    for (input, (g, _)) in inputs.iter().zip(governing_configs) {
        let governing = g.config.path.as_ref().map_or_else(
            || "no configuration".to_string(),
            |p| render::escape::visible(&p.to_string_lossy()).into_owned(),
        );
        let shown = render::escape::visible(&input.display).into_owned();
        let bytes = match &input.source {
            engine::Source::Stdin(b) => Ok(b.clone()),
            engine::Source::Path(p) => {
                crate::read::read_capped(p, rules::file_too_large::MAX_FILE_BYTES)
            }
        };
        let Ok(bytes) = bytes else {
            out.push_str(&format!(
                "lint  {shown}  (cannot be read: reported as a finding)  {governing}\n"
            ));
            continue;
        };
        let kind = FileKind::of(&input.display, &bytes);
        let asl_name = loader::is_asl_name(&input.display);
        let sniffed = asl_name || loader::sniff(&bytes, kind);
        let stdin = matches!(input.source, engine::Source::Stdin(_));
        if !sniffed && !stdin {
            out.push_str(&format!(
                "skip  {shown}  (holds no state machine definition or template)\n"
            ));
            continue;
        }
        let file = file_loader.load(input, bytes, kind);
        let why = match (&file.template, kind) {
            (Some(t), FileKind::Terraform) => format!(
                "Terraform, {} state machine(s)",
                t.definitions.len() + t.skipped.len()
            ),
            (Some(t), _) => format!(
                "template, {} state machine(s)",
                t.definitions.len() + t.skipped.len()
            ),
            (None, _) if asl_name => "`*.asl.*` name".to_string(),
            (None, _) if stdin => "stdin".to_string(),
            (None, _) => "sniffed definition".to_string(),
        };
        out.push_str(&format!("lint  {shown}  ({why})  {governing}\n"));
        // Whether `role-missing-permission` can check each machine: said
        // once here, never as a finding per Task.
        if let Some(t) = &file.template {
            let pointers = t
                .definitions
                .iter()
                .map(|d| d.pointer.as_str())
                .chain(t.skipped.iter().map(|s| s.resource.as_str()));
            for ptr in pointers {
                let what = match file.role_access(ptr) {
                    Some(loader::template::RoleAccess::Known(role)) => {
                        format!("read in full (`{}`)", render::escape::visible(&role.name))
                    }
                    Some(loader::template::RoleAccess::Unknown(why)) => {
                        format!("not checked: {}", render::escape::visible(&why))
                    }
                    None => "not checked: this kind of file does not say".to_string(),
                };
                out.push_str(&format!(
                    "        role of {}: {what}\n",
                    render::escape::visible(ptr)
                ));
            }
        }
        if let Some(t) = &file.template {
            let dir = input
                .display
                .rfind('/')
                .map_or("", |i| &input.display[..=i]);
            for s in &t.skipped {
                if let loader::template::SkipReason::LocalFile(uri) = &s.reason {
                    let file = crate::discovery::normalize_lexically(&format!("{dir}{uri}"));
                    // The linked file's own configuration governs it.
                    let own = resolver
                        .for_file(std::path::Path::new(&file))
                        .ok()
                        .map_or_else(
                            || governing.clone(),
                            |g| {
                                g.config.path.as_ref().map_or_else(
                                    || "no configuration".to_string(),
                                    |p| render::escape::visible(&p.to_string_lossy()).into_owned(),
                                )
                            },
                        );
                    linked.push((file, format!("linked from {shown} {}", s.resource), own));
                }
            }
        }
    }
    for (file, why, governing) in linked {
        out.push_str(&format!(
            "lint  {}  ({why})  {governing}\n",
            render::escape::visible(&file)
        ));
    }
    out
}

/// `--statistics`: per rule and severity, how many findings and how many
/// have a fix, most frequent first, then by name. A rule that reported at
/// several severities (options and overrides can set them per finding) has
/// a line for each, so every count is the findings at the severity shown.
fn statistics(reports: &[engine::FileReport], json: bool) -> String {
    use crate::diagnostic::Severity;
    let mut by_rule: std::collections::BTreeMap<
        (&str, std::cmp::Reverse<Severity>),
        (usize, usize),
    > = Default::default();
    for f in reports.iter().flat_map(|r| &r.findings) {
        let e = by_rule
            .entry((f.rule, std::cmp::Reverse(f.severity)))
            .or_insert((0, 0));
        e.0 += 1;
        e.1 += usize::from(f.fix.is_some());
    }
    let mut rows: Vec<(&str, usize, Severity, usize)> = by_rule
        .into_iter()
        .map(|((r, s), (n, fixable))| (r, n, s.0, fixable))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)).then(b.2.cmp(&a.2)));
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, count, severity, fixable)| {
                serde_json::json!({"rule": rule, "severity": severity, "count": count, "fixable": fixable})
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&list).expect("serializes");
        out.push('\n');
        return out;
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let count_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    rows.iter()
        .map(|(rule, count, severity, fixable)| {
            format!(
                "{count:>count_width$}  {rule:width$}  {:7}  {fixable}\n",
                severity.as_str()
            )
        })
        .collect()
}

fn write_report(path: &PathBuf, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

fn exit_code(reports: &[engine::FileReport], fail_on: FailOn) -> i32 {
    let Some(threshold) = fail_on.threshold() else {
        return EXIT_OK;
    };
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= threshold);
    if failing { EXIT_FINDINGS } else { EXIT_OK }
}

/// `--color auto`: off with NO_COLOR, on with CLICOLOR_FORCE, else on a terminal.
fn use_color(choice: ColorChoice, stdout_tty: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        // A dumb terminal shows escape codes as text: no colour, no links.
        ColorChoice::Auto if std::env::var_os("TERM").is_some_and(|t| t == "dumb") => false,
        ColorChoice::Auto if set("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => stdout_tty,
    }
}

/// The largest configuration or price file read (they are a few KB).
const SMALL_FILE_BYTES: u64 = 1024 * 1024;

/// `--cost`: the estimate per definition, as a table or as JSON.
fn cost(args: &Args, inputs: &[engine::Input], configured: &crate::config::CostConfig) -> i32 {
    let task_seconds = args.task_seconds.or(configured.task_seconds).unwrap_or(1.0);
    if !(task_seconds.is_finite() && task_seconds >= 0.0) {
        return usage_error("--task-seconds must be a number of seconds, 0 or more");
    }
    let prices = match &args.prices {
        None => crate::cost::Prices::default(),
        Some(path) => match crate::read::read_text_capped(path, SMALL_FILE_BYTES)
            .and_then(|t| crate::cost::Prices::with_overrides(&t))
        {
            Ok(p) => p,
            Err(e) => return usage_error(&format!("cannot use `{}`: {e}", path.display())),
        },
    };
    let express_memory_mb = args.express_memory_mb.or(configured.express_memory_mb);
    if express_memory_mb.is_some_and(|m| !(m.is_finite() && m > 0.0)) {
        return usage_error("--express-memory-mb must be a number of megabytes above 0");
    }
    let assumptions = crate::cost::Assumptions {
        items: args.items.or(configured.items).unwrap_or(1),
        map_items: configured.map_items.clone(),
        task_seconds,
        express_memory_mb,
        prices,
    };
    let outputs: Vec<OutputSpec> = if args.formats.is_empty() {
        vec![OutputSpec {
            format: Format::Text,
            file: None,
        }]
    } else {
        args.formats.clone()
    };
    if let Some(other) = outputs
        .iter()
        .find(|o| !matches!(o.format, Format::Text | Format::Concise | Format::Json))
    {
        return usage_error(&format!(
            "--cost prints `text` or `json`, not `{}`",
            other.format
        ));
    }
    let reports = engine::estimate_all(inputs, &assumptions);
    for output in &outputs {
        let out = match output.format {
            Format::Json => render::cost::json(&reports),
            _ => render::cost::text(&reports, &assumptions, args.quiet),
        };
        match &output.file {
            None => {
                let _ = std::io::stdout().write_all(out.as_bytes());
            }
            Some(path) => {
                if let Err(e) = write_report(path, &out) {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    return EXIT_USAGE;
                }
            }
        }
    }
    // A file that does not parse, or a definition that cannot be
    // estimated, is a failure: the estimate the user asked for is missing.
    let mut missing = false;
    for r in &reports {
        if let Err(why) = &r.estimate {
            eprintln!("error: `{}` has no estimate: {why}", r.file);
            missing = true;
        }
    }
    if missing { EXIT_FINDINGS } else { EXIT_OK }
}

fn list_rules(args: &Args) -> i32 {
    let json = args.formats.iter().any(|o| o.format == Format::Json);
    let mut out = String::new();
    if json {
        let list: Vec<_> = rules::RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "severity": r.severity,
                    "summary": r.summary,
                    "default_enabled": r.default_enabled,
                    "group": r.group.name(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&list).expect("serializes");
        out.push('\n');
    } else {
        let width = rules::RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for r in rules::RULES {
            out.push_str(&format!(
                "{:width$}  {:7}  {}\n",
                r.name,
                r.severity.as_str(),
                r.summary
            ));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}

/// `--reaper KIND`: the template on stdout; an unknown or refused kind,
/// or a bad wait, is a usage error.
fn reaper(kind: &str, wait: &str, scope: Option<&str>) -> i32 {
    if kind == "list" {
        let _ = std::io::stdout().write_all(crate::reaper::list().as_bytes());
        return EXIT_OK;
    }
    let seconds = match crate::reaper::parse_wait(wait) {
        Ok(s) => s,
        Err(message) => return usage_error(&format!("--reaper-wait: {message}")),
    };
    let scope = match scope.map(crate::reaper::parse_scope).transpose() {
        Ok(scope) => scope,
        Err(message) => return usage_error(&format!("--reaper-scope: {message}")),
    };
    match crate::reaper::template(kind, seconds, scope.as_ref()) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            EXIT_OK
        }
        Err(message) => usage_error(&message),
    }
}

fn explain(name: &str) -> i32 {
    match rules::by_name(name) {
        Some(rule) => {
            let _ = std::io::stdout().write_all(rule.doc.as_bytes());
            EXIT_OK
        }
        None => {
            let hint = rules::suggest(name, rules::RULES.iter().map(|r| r.name))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `asl-lint --list-rules` lists them".to_string());
            usage_error(&format!("unknown rule `{name}`{hint}"))
        }
    }
}
