//! `.asl-lint.toml`: rule selection, severities, rule options, excludes,
//! workflow type and per-path overrides, with located errors.
//!
//! The file is found from the current directory upward to the repository
//! root (the first folder with `.git`). Every key is checked: an unknown key,
//! an unknown rule or a bad value is a usage error with file, line, column
//! and a "did you mean".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Severity;
use crate::rules::{self, Rule, suggest};

pub const FILE_NAME: &str = ".asl-lint.toml";

/// Directory names never descended into (replaced by `exclude`, extended by
/// `extend-exclude`).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    "cdk.out",
    ".aws-sam",
    ".serverless",
    ".terraform",
];

pub use crate::model::WorkflowType;
pub use crate::rule_options::{OptionKind, OptionValue, RuleOption};

/// A located problem in the configuration (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// A severity override: a level, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" => Level::Off,
            "error" => Level::On(Severity::Error),
            "warning" => Level::On(Severity::Warning),
            "info" => Level::On(Severity::Info),
            _ => return None,
        })
    }
}

/// The settings that can appear at the top level and in `[[overrides]]`.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    pub select: Option<Vec<&'static str>>,
    pub extend_select: Vec<&'static str>,
    pub ignore: Vec<&'static str>,
    pub severity: BTreeMap<&'static str, Level>,
    pub options: BTreeMap<&'static str, BTreeMap<String, OptionValue>>,
    pub workflow_type: Option<WorkflowType>,
}

impl Layer {
    /// Applies `other` on top of this layer.
    pub fn merge(&mut self, other: &Layer) {
        // Rules the later layer names explicitly win over earlier ignores.
        let named: Vec<&str> = other
            .select
            .iter()
            .flatten()
            .chain(&other.extend_select)
            .copied()
            .collect();
        self.ignore.retain(|r| !named.contains(r));
        self.severity
            .retain(|r, level| !(named.contains(r) && *level == Level::Off));
        if let Some(select) = &other.select {
            self.select = Some(select.clone());
            self.extend_select.clear();
        }
        self.extend_select
            .extend(other.extend_select.iter().copied());
        self.ignore.extend(other.ignore.iter().copied());
        self.severity
            .extend(other.severity.iter().map(|(k, v)| (*k, *v)));
        for (rule, opts) in &other.options {
            self.options
                .entry(rule)
                .or_default()
                .extend(opts.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if other.workflow_type.is_some() {
            self.workflow_type = other.workflow_type;
        }
    }
}

/// Path patterns for `exclude` and `[[overrides]] files`.
#[derive(Clone, Debug)]
pub struct Patterns {
    /// Patterns without `/` or glob syntax (`node_modules`, every default
    /// exclude): compared as text, since compiling a glob costs more than a
    /// whole small lint.
    literal_names: Vec<String>,
    /// Other patterns without `/` match any file or folder name on the path.
    names: Vec<GlobMatcher>,
    /// Patterns with `/` match the whole path or one of its parent folders.
    paths: Vec<GlobMatcher>,
}

/// A glob as `exclude` and `files` patterns are written, trimmed of `./`
/// and a trailing `/`, parsed (not compiled).
fn parse_glob(g: &str) -> Result<(&str, Option<globset::Glob>), String> {
    let trimmed = g.trim_start_matches("./").trim_end_matches('/');
    if !trimmed.is_empty() && !trimmed.contains(['/', '*', '?', '[', ']', '{', '}', '\\', '!']) {
        return Ok((trimmed, None));
    }
    let glob = globset::GlobBuilder::new(trimmed)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob `{g}`: {}", e.kind()))?;
    Ok((trimmed, Some(glob)))
}

impl Patterns {
    /// Whether `glob` is a valid pattern (parsed only, not compiled).
    pub fn check(glob: &str) -> Result<(), String> {
        parse_glob(glob).map(|_| ())
    }

    pub fn new(globs: &[String]) -> Result<Patterns, String> {
        let mut literal_names = Vec::new();
        let mut names = Vec::new();
        let mut paths = Vec::new();
        for g in globs {
            let (trimmed, glob) = parse_glob(g)?;
            let Some(glob) = glob else {
                literal_names.push(trimmed.to_string());
                continue;
            };
            if trimmed.contains('/') {
                paths.push(glob.compile_matcher());
            } else {
                names.push(glob.compile_matcher());
            }
        }
        Ok(Patterns {
            literal_names,
            names,
            paths,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.literal_names.is_empty() && self.names.is_empty() && self.paths.is_empty()
    }

    /// Whether a path (as reported: forward slashes, relative) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.matches_below(path, path)
    }

    /// Like [`Patterns::matches`], but name patterns only look at the part
    /// of the path below a folder the user named (`below`), so that naming
    /// an excluded folder such as `cdk.out` still lints it.
    pub fn matches_below(&self, path: &str, below: &str) -> bool {
        let path = path.trim_start_matches("./");
        if below.split('/').any(|part| {
            !part.is_empty()
                && (self.literal_names.iter().any(|l| l == part)
                    || self.names.iter().any(|m| m.is_match(part)))
        }) {
            return true;
        }
        // The path itself, or any of its parent folders.
        let mut prefix_ends: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
        prefix_ends.push(path.len());
        prefix_ends
            .iter()
            .any(|&end| self.paths.iter().any(|m| m.is_match(&path[..end])))
    }
}

/// The `files` patterns of every `[[overrides]]` entry, as one set: a
/// file's matching entries come from its path's names and folders looked
/// up by each glob's literal prefix (the text before its first wildcard),
/// and a glob is compiled only when a path could match it. Compiling every
/// entry's globs on load made 13,664 overrides take 1.5 s for one file.
#[derive(Clone, Debug, Default)]
pub struct OverrideSet {
    /// Patterns without `/` or glob syntax, to the entries that list them.
    literal_names: std::collections::HashMap<String, Vec<usize>>,
    /// Name globs (no `/`) and path globs, by literal prefix.
    names: PrefixGlobs,
    paths: PrefixGlobs,
}

/// Globs indexed by their literal prefix, each compiled on first use.
#[derive(Clone, Debug, Default)]
struct PrefixGlobs {
    /// (glob, its entry, its matcher once compiled).
    globs: Vec<(globset::Glob, usize, std::sync::OnceLock<GlobMatcher>)>,
    by_prefix: std::collections::HashMap<String, Vec<usize>>,
    /// The distinct prefix lengths, in bytes.
    lengths: Vec<usize>,
}

impl PrefixGlobs {
    fn add(&mut self, glob: globset::Glob, entry: usize) {
        let text = glob.glob();
        let literal = text
            .find(['*', '?', '[', '{', '\\'])
            .map_or(text, |i| &text[..i]);
        self.by_prefix
            .entry(literal.to_string())
            .or_default()
            .push(self.globs.len());
        if !self.lengths.contains(&literal.len()) {
            self.lengths.push(literal.len());
        }
        self.globs.push((glob, entry, std::sync::OnceLock::new()));
    }

    /// Adds the entries of the globs that match `candidate` to `out`.
    fn matching(&self, candidate: &str, out: &mut Vec<usize>) {
        for &len in &self.lengths {
            let Some(prefix) = candidate.get(..len) else {
                continue;
            };
            for &i in self.by_prefix.get(prefix).into_iter().flatten() {
                let (glob, entry, matcher) = &self.globs[i];
                if matcher
                    .get_or_init(|| {
                        #[cfg(test)]
                        GLOBS_COMPILED.with(|c| c.set(c.get() + 1));
                        glob.compile_matcher()
                    })
                    .is_match(candidate)
                {
                    out.push(*entry);
                }
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Override globs compiled on this thread (a work counter for tests).
    static GLOBS_COMPILED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl OverrideSet {
    fn add(&mut self, entry: usize, globs: &[String]) -> Result<(), String> {
        for g in globs {
            let (trimmed, glob) = parse_glob(g)?;
            match glob {
                None => self
                    .literal_names
                    .entry(trimmed.to_string())
                    .or_default()
                    .push(entry),
                Some(glob) if trimmed.contains('/') => self.paths.add(glob, entry),
                Some(glob) => self.names.add(glob, entry),
            }
        }
        Ok(())
    }

    /// The entries whose patterns match `path` (as reported: forward
    /// slashes, relative), in order, each once; as [`Patterns::matches`].
    fn matching(&self, path: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            out.extend(self.literal_names.get(part).into_iter().flatten());
            self.names.matching(part, &mut out);
        }
        // The path itself, or any of its parent folders.
        let path = path.trim_start_matches("./");
        for (end, _) in path
            .match_indices('/')
            .chain(std::iter::once((path.len(), "")))
        {
            self.paths.matching(&path[..end], &mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A whole configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub base: Layer,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    /// Each `[[overrides]]` entry's settings, in order; which files each
    /// applies to is in `override_files`.
    pub overrides: Vec<Layer>,
    pub override_files: OverrideSet,
    /// `[cost]`: assumptions for `--cost`.
    pub cost: CostConfig,
}

/// `[cost]`: `items`, `task-seconds`, `express-memory-mb`, and `[cost.map-items]` (a Map state's
/// name to its item count).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CostConfig {
    pub items: Option<u64>,
    pub task_seconds: Option<f64>,
    pub express_memory_mb: Option<f64>,
    pub map_items: BTreeMap<String, u64>,
}

/// Which configuration governs each file: the nearest `.asl-lint.toml` from
/// the file's own folder upward (to the repository root, the first folder
/// holding `.git`, or the filesystem root), or the one file `--config`
/// names, or none with `--no-config`. Looked up once per folder.
pub struct Resolver {
    fixed: Option<std::sync::Arc<Governing>>,
    by_folder: std::sync::Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<Governing>>>,
    loaded: std::sync::Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<Governing>>>,
}

/// A configuration and what is derived from it once.
#[derive(Debug)]
pub struct Governing {
    pub config: Config,
    pub excludes: Patterns,
    /// The folder its globs are relative to.
    pub base: Option<PathBuf>,
}

impl Governing {
    /// No configuration file: the defaults.
    pub fn empty() -> Governing {
        Governing::new(Config::default())
    }

    fn new(config: Config) -> Governing {
        let base = config
            .path
            .as_ref()
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| p.parent().map(Path::to_path_buf));
        Governing {
            excludes: config.excludes(),
            config,
            base,
        }
    }

    /// `path` as the globs of this configuration see it: relative to the
    /// configuration's folder, forward slashes; as given when the file is
    /// elsewhere or there is no configuration file.
    pub fn relative(&self, path: &Path) -> String {
        let slashes = |p: &Path| {
            let s = p.to_string_lossy().replace('\\', "/");
            s.trim_start_matches("./").to_string()
        };
        let shown = || slashes(path);
        let Some(base) = &self.base else {
            return shown();
        };
        match std::path::absolute(path) {
            Ok(abs) => abs
                .strip_prefix(base)
                .map(slashes)
                .unwrap_or_else(|_| shown()),
            Err(_) => shown(),
        }
    }
}

impl Resolver {
    /// One configuration for every file (`--config`, or the empty one for
    /// `--no-config`).
    pub fn fixed(config: Config) -> Resolver {
        Resolver {
            fixed: Some(std::sync::Arc::new(Governing::new(config))),
            by_folder: Default::default(),
            loaded: Default::default(),
        }
    }

    /// The nearest file per linted file.
    pub fn nearest() -> Resolver {
        Resolver {
            fixed: None,
            by_folder: Default::default(),
            loaded: Default::default(),
        }
    }

    /// The configuration that governs files in `folder`.
    pub fn for_folder(&self, folder: &Path) -> Result<std::sync::Arc<Governing>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let folder = std::path::absolute(if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        })
        .unwrap_or_else(|_| folder.to_path_buf());
        // Walk up until a folder whose answer is known, or one that decides
        // (it holds a configuration, or `.git`, or is the root), then give
        // every folder on the way that answer: each folder is looked at once.
        let mut climbed: Vec<PathBuf> = Vec::new();
        let mut at = Some(folder.as_path());
        let governing = loop {
            let Some(dir) = at else {
                break self.loaded_or_default(None)?;
            };
            if let Some(found) = self.by_folder.lock().unwrap().get(dir) {
                break found.clone();
            }
            climbed.push(dir.to_path_buf());
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                break self.loaded_or_default(Some(candidate))?;
            }
            if dir.join(".git").exists() {
                break self.loaded_or_default(None)?;
            }
            at = dir.parent();
        };
        let mut by_folder = self.by_folder.lock().unwrap();
        for dir in climbed {
            by_folder.insert(dir, governing.clone());
        }
        Ok(governing)
    }

    /// The configuration in `file`, loaded once; the defaults for `None`.
    fn loaded_or_default(
        &self,
        file: Option<PathBuf>,
    ) -> Result<std::sync::Arc<Governing>, ConfigError> {
        let key = file.clone().unwrap_or_default();
        if let Some(g) = self.loaded.lock().unwrap().get(&key) {
            return Ok(g.clone());
        }
        let config = match &file {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let g = std::sync::Arc::new(Governing::new(config));
        self.loaded.lock().unwrap().insert(key, g.clone());
        Ok(g)
    }

    /// The configuration that governs `file`.
    pub fn for_file(&self, file: &Path) -> Result<std::sync::Arc<Governing>, ConfigError> {
        self.for_folder(file.parent().unwrap_or(Path::new(".")))
    }
}

/// `.asl-lint.toml` in `start` or a parent, stopping at the repository root.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let display = path.to_string_lossy().replace('\\', "/");
        let text = crate::read::read_text_capped(path, 1024 * 1024).map_err(|e| ConfigError {
            file: display.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read the configuration: {e}"),
        })?;
        let mut config = Config::parse(&text, &display)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let p = Parser { text, file };
        let table = DeTable::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            p.error(at, format!("invalid TOML: {}", e.message()))
        })?;
        let mut config = Config::default();
        let top = table.get_ref();
        for (key, value) in top.iter() {
            let k: &str = key.get_ref();
            match k {
                "exclude" => config.exclude = Some(p.globs(value)?),
                "extend-exclude" => config.extend_exclude = p.globs(value)?,
                "cost" => config.cost = p.cost(value)?,
                "overrides" => {
                    let Some(items) = value.get_ref().as_array() else {
                        return Err(p.error(
                            value.span().start,
                            "`overrides` must be an array of tables: [[overrides]]",
                        ));
                    };
                    for item in items.iter() {
                        let Some(t) = item.get_ref().as_table() else {
                            return Err(p.error(
                                item.span().start,
                                "each `[[overrides]]` entry must be a table",
                            ));
                        };
                        let files = t
                            .iter()
                            .find(|(k, _)| k.get_ref() == "files")
                            .map(|(_, v)| p.globs(v))
                            .transpose()?
                            .ok_or_else(|| {
                                p.error(
                                    item.span().start,
                                    "`[[overrides]]` needs `files = [\"glob\", ...]`",
                                )
                            })?;
                        config
                            .override_files
                            .add(config.overrides.len(), &files)
                            .map_err(|m| p.error(item.span().start, m))?;
                        let layer = p.layer(t, &["files"])?;
                        config.overrides.push(layer);
                    }
                }
                _ => {}
            }
        }
        config.base = p.layer(top, &["exclude", "extend-exclude", "overrides", "cost"])?;
        for globs in config
            .exclude
            .iter()
            .chain(std::iter::once(&config.extend_exclude))
        {
            Patterns::new(globs).map_err(|m| p.error(0, m))?;
        }
        Ok(config)
    }

    /// Folder names and globs never walked into or linted.
    pub fn excludes(&self) -> Patterns {
        let mut globs: Vec<String> = match &self.exclude {
            Some(list) => list.clone(),
            None => DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
        };
        globs.extend(self.extend_exclude.iter().cloned());
        Patterns::new(&globs).expect("checked when loaded")
    }

    /// The settings for one file: the top level plus matching overrides.
    pub fn layer_for(&self, path: &str) -> Layer {
        let mut layer = self.base.clone();
        for entry in self.override_files.matching(path) {
            layer.merge(&self.overrides[entry]);
        }
        layer
    }
}

const LAYER_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "severity",
    "rules",
    "type",
];
const TOP_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "severity",
    "rules",
    "type",
    "exclude",
    "extend-exclude",
    "overrides",
    "cost",
];

struct Parser<'a> {
    text: &'a str,
    file: &'a str,
}

impl Parser<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> ConfigError {
        let at = at.min(self.text.len());
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn strings(&self, value: &Spanned<DeValue<'_>>) -> Result<Vec<String>, ConfigError> {
        let Some(items) = value.get_ref().as_array() else {
            return Err(self.error(value.span().start, "expected an array of strings"));
        };
        items
            .iter()
            .map(|i| {
                i.get_ref()
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.error(i.span().start, "expected a string"))
            })
            .collect()
    }

    /// A list of globs, each checked where it is written.
    fn globs(&self, value: &Spanned<DeValue<'_>>) -> Result<Vec<String>, ConfigError> {
        let globs = self.strings(value)?;
        if let Some(items) = value.get_ref().as_array() {
            for (glob, item) in globs.iter().zip(items.iter()) {
                // Parsed, not compiled: a matcher is built when a path needs it.
                Patterns::check(glob).map_err(|m| self.error(item.span().start, m))?;
            }
        }
        Ok(globs)
    }

    fn rule(&self, name: &str, at: usize) -> Result<&'static Rule, ConfigError> {
        rules::by_name(name).ok_or_else(|| {
            let hint = suggest(name, rules::selector_names())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `asl-lint --list-rules` lists them".to_string());
            self.error(at, format!("unknown rule `{name}`{hint}"))
        })
    }

    fn rules(&self, value: &Spanned<DeValue<'_>>) -> Result<Vec<&'static str>, ConfigError> {
        let Some(items) = value.get_ref().as_array() else {
            return Err(self.error(value.span().start, "expected an array of rule names"));
        };
        let mut out = Vec::new();
        for i in items {
            match i.get_ref().as_str() {
                Some(name) => match rules::select(name) {
                    Some(names) => out.extend(names),
                    None => out.push(self.rule(name, i.span().start)?.name),
                },
                None => return Err(self.error(i.span().start, "expected a rule name")),
            }
        }
        Ok(out)
    }

    /// "unknown key `prefix.key`", with the closest valid key or the list.
    fn unknown_key(&self, at: usize, prefix: &str, key: &str, keys: &[&str]) -> ConfigError {
        let hint = suggest(key, keys.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| format!("; valid keys: {}", keys.join(", ")));
        self.error(at, format!("unknown key `{prefix}{key}`{hint}"))
    }

    fn cost(&self, value: &Spanned<DeValue<'_>>) -> Result<CostConfig, ConfigError> {
        let Some(t) = value.get_ref().as_table() else {
            return Err(self.error(value.span().start, "`[cost]` must be a table"));
        };
        let count = |v: &Spanned<DeValue<'_>>, what: &str| {
            v.get_ref()
                .as_integer()
                .and_then(|i| i.as_str().parse::<u64>().ok())
                .ok_or_else(|| {
                    self.error(
                        v.span().start,
                        format!("{what} must be a whole number, 0 or more"),
                    )
                })
        };
        // A finite number (integer or float) that `accept` takes.
        let number = |v: &Spanned<DeValue<'_>>, accept: fn(f64) -> bool, message: &str| {
            match v.get_ref() {
                DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
                DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
                _ => None,
            }
            .filter(|&x| x.is_finite() && accept(x))
            .ok_or_else(|| self.error(v.span().start, message))
        };
        let mut out = CostConfig::default();
        for (key, v) in t.iter() {
            match key.get_ref().as_ref() {
                "items" => out.items = Some(count(v, "`items`")?),
                "task-seconds" => {
                    out.task_seconds = Some(number(
                        v,
                        |x| x >= 0.0,
                        "`task-seconds` must be a number of seconds, 0 or more",
                    )?);
                }
                "express-memory-mb" => {
                    out.express_memory_mb = Some(number(
                        v,
                        |x| x > 0.0,
                        "`express-memory-mb` must be a number of megabytes above 0",
                    )?);
                }
                "map-items" => {
                    let Some(m) = v.get_ref().as_table() else {
                        return Err(self.error(
                            v.span().start,
                            "`[cost.map-items]` maps a Map state's name to its item count",
                        ));
                    };
                    for (name, n) in m.iter() {
                        out.map_items
                            .insert(name.get_ref().to_string(), count(n, "an item count")?);
                    }
                }
                other => {
                    return Err(self.unknown_key(
                        key.span().start,
                        "cost.",
                        other,
                        &["items", "task-seconds", "express-memory-mb", "map-items"],
                    ));
                }
            }
        }
        Ok(out)
    }

    fn layer(&self, table: &DeTable<'_>, skip: &[&str]) -> Result<Layer, ConfigError> {
        let mut layer = Layer::default();
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            let at = key.span().start;
            match k {
                _ if skip.contains(&k) => {}
                "select" => layer.select = Some(self.rules(value)?),
                "extend-select" => layer.extend_select = self.rules(value)?,
                "ignore" => layer.ignore = self.rules(value)?,
                "type" => {
                    layer.workflow_type = Some(match value.get_ref().as_str() {
                        Some("standard") => WorkflowType::Standard,
                        Some("express") => WorkflowType::Express,
                        _ => {
                            return Err(self.error(
                                value.span().start,
                                "`type` must be \"standard\" or \"express\"",
                            ));
                        }
                    })
                }
                "severity" => {
                    let Some(t) = value.get_ref().as_table() else {
                        return Err(self.error(
                            value.span().start,
                            "`[severity]` must be a table of `rule = \"level\"`",
                        ));
                    };
                    for (rk, rv) in t.iter() {
                        let rule = self.rule(rk.get_ref(), rk.span().start)?;
                        let level =
                            rv.get_ref()
                                .as_str()
                                .and_then(Level::parse)
                                .ok_or_else(|| {
                                    self.error(
                                        rv.span().start,
                                        "a severity is \"error\", \"warning\", \"info\" or \"off\"",
                                    )
                                })?;
                        layer.severity.insert(rule.name, level);
                    }
                }
                "rules" => {
                    let Some(t) = value.get_ref().as_table() else {
                        return Err(self.error(
                            value.span().start,
                            "`[rules.<name>]` tables hold rule options",
                        ));
                    };
                    for (rk, rv) in t.iter() {
                        let rule = self.rule(rk.get_ref(), rk.span().start)?;
                        let Some(opts) = rv.get_ref().as_table() else {
                            return Err(self.error(
                                rv.span().start,
                                format!("`[rules.{}]` must be a table of options", rule.name),
                            ));
                        };
                        let parsed = self.options(rule, opts)?;
                        layer.options.insert(rule.name, parsed);
                    }
                }
                _ => {
                    let in_override = skip.contains(&"files");
                    if in_override && TOP_KEYS.contains(&k) {
                        return Err(self.error(
                            at,
                            format!(
                                "`{k}` is valid only at the top level of the configuration, not \
                                 in `[[overrides]]`"
                            ),
                        ));
                    }
                    let mut keys: Vec<&str> = if in_override {
                        LAYER_KEYS.to_vec()
                    } else {
                        TOP_KEYS.to_vec()
                    };
                    if in_override {
                        keys.push("files");
                    }
                    return Err(self.unknown_key(at, "", k, &keys));
                }
            }
        }
        Ok(layer)
    }

    fn options(
        &self,
        rule: &Rule,
        table: &DeTable<'_>,
    ) -> Result<BTreeMap<String, OptionValue>, ConfigError> {
        let mut out = BTreeMap::new();
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            let Some(spec) = rule.options.iter().find(|o| o.name == k) else {
                let names: Vec<&str> = rule.options.iter().map(|o| o.name).collect();
                let hint = match suggest(k, names.iter().copied()) {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None if names.is_empty() => format!("; `{}` has no options", rule.name),
                    None => format!("; its options: {}", names.join(", ")),
                };
                return Err(self.error(
                    key.span().start,
                    format!("unknown option `{k}` for `{}`{hint}", rule.name),
                ));
            };
            let v = value.get_ref();
            let parsed = match spec.kind {
                OptionKind::Number => v
                    .as_integer()
                    .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
                    .map(|i| i as f64)
                    .or_else(|| v.as_float().and_then(|f| f.as_str().parse().ok()))
                    .map(OptionValue::Number),
                OptionKind::Bool => v.as_bool().map(OptionValue::Bool),
                OptionKind::Text => v.as_str().map(|s| OptionValue::Text(s.to_string())),
                OptionKind::List => v.as_array().and_then(|items| {
                    items
                        .iter()
                        .map(|i| i.get_ref().as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .map(OptionValue::List)
                }),
            };
            let Some(parsed) = parsed else {
                let want = match spec.kind {
                    OptionKind::Number => "a number",
                    OptionKind::Bool => "true or false",
                    OptionKind::Text => "a string",
                    OptionKind::List => "an array of strings",
                };
                return Err(self.error(
                    value.span().start,
                    format!("`{k}` for `{}` must be {want}", rule.name),
                ));
            };
            out.insert(k.to_string(), parsed);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let text = r#"
select = ["unreachable-state", "job-chain-missing-catch"]
extend-select = ["invalid-json"]
ignore = ["choice-without-default"]
type = "express"
exclude = ["legacy"]
extend-exclude = ["generated/**"]

[severity]
job-chain-missing-catch = "error"
unreachable-state = "off"

[rules.job-chain-missing-catch]
min-chain = 3

[[overrides]]
files = ["sandbox/**"]
ignore = ["job-chain-missing-catch"]
"#;
        let c = Config::parse(text, ".asl-lint.toml").unwrap();
        assert_eq!(
            c.base.select.as_deref(),
            Some(&["unreachable-state", "job-chain-missing-catch"][..])
        );
        assert_eq!(c.base.workflow_type, Some(WorkflowType::Express));
        assert_eq!(c.base.severity["unreachable-state"], Level::Off);
        assert_eq!(
            c.base.options["job-chain-missing-catch"]["min-chain"],
            OptionValue::Number(3.0)
        );
        let layer = c.layer_for("sandbox/a/b.asl.json");
        assert!(layer.ignore.contains(&"job-chain-missing-catch"));
        assert!(
            !c.layer_for("prod/b.asl.json")
                .ignore
                .contains(&"job-chain-missing-catch")
        );
        let ex = c.excludes();
        assert!(ex.matches("src/legacy/x.asl.json"));
        assert!(ex.matches("generated/a/b.asl.json"));
        assert!(
            !ex.matches("src/node_modules/x.asl.json"),
            "exclude replaces the defaults"
        );
    }

    #[test]
    fn errors_are_located_with_suggestions() {
        let cases = [
            (
                "slect = []\n",
                1,
                1,
                "unknown key `slect`; did you mean `select`?",
            ),
            (
                "ignore = [\"unreachable-states\"]\n",
                1,
                11,
                "unknown rule `unreachable-states`; did you mean `unreachable-state`?",
            ),
            (
                "[severity]\nunreachable-state = \"loud\"\n",
                2,
                21,
                "a severity is",
            ),
            (
                "[rules.job-chain-missing-catch]\nmin-chian = 3\n",
                2,
                1,
                "unknown option `min-chian` for `job-chain-missing-catch`; did you mean `min-chain`?",
            ),
            (
                "[rules.job-chain-missing-catch]\nmin-chain = \"three\"\n",
                2,
                13,
                "must be a number",
            ),
            ("type = \"fast\"\n", 1, 8, "`type` must be"),
            ("select = [\n", 1, 11, "invalid TOML"),
        ];
        for (text, line, column, message) in cases {
            let e = Config::parse(text, "c.toml").expect_err(text);
            assert_eq!((e.line, e.column), (line, column), "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
    }

    #[test]
    fn overrides_compile_only_the_globs_a_path_could_match() {
        let n = 2_000;
        let text: String = (0..n)
            .map(|i| format!("[[overrides]]\nfiles = [\"t{i}/**/*.json\"]\nignore = [\"unreachable-state\"]\n"))
            .collect();
        GLOBS_COMPILED.with(|c| c.set(0));
        let c = Config::parse(&text, ".asl-lint.toml").unwrap();
        assert!(c.layer_for("sm.asl.json").ignore.is_empty());
        assert_eq!(GLOBS_COMPILED.with(|c| c.get()), 0);
        assert!(
            c.layer_for("t7/a/b.json")
                .ignore
                .contains(&"unreachable-state")
        );
        // `t7/**` could match `t7/...`; `t70/`..`t79/` and the rest cannot.
        assert_eq!(GLOBS_COMPILED.with(|c| c.get()), 1);
    }

    #[test]
    fn an_override_set_matches_as_each_entrys_patterns_do() {
        let entries: Vec<Vec<String>> = [
            &["sandbox/**"][..],
            &["*.asl.json"],
            &["node_modules", "./build/"],
            &["src/*/x.asl.json", "**/gen/*.yaml"],
            &["a{b,c}/**", "[st]rc/**/*.json"],
            &["src"],
        ]
        .iter()
        .map(|e| e.iter().map(|g| g.to_string()).collect())
        .collect();
        let mut set = OverrideSet::default();
        for (i, globs) in entries.iter().enumerate() {
            set.add(i, globs).unwrap();
        }
        for path in [
            "sandbox/a/b.asl.json",
            "x.asl.json",
            "src/node_modules/y.json",
            "./build/z.yaml",
            "src/q/x.asl.json",
            "deep/er/gen/t.yaml",
            "ab/k.json",
            "ac/k/l.json",
            "trc/m.json",
            "src/m.json",
            "prod/sm.json",
            "sandbox",
        ] {
            let expected: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, globs)| Patterns::new(globs).unwrap().matches(path))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(set.matching(path), expected, "{path}");
        }
    }
}
