//! Loading: bytes -> text -> spanned tree -> the definitions inside it.
//!
//! The loader owns positions: everything downstream speaks JSON pointers, and
//! the tree resolves them back to spans.

pub mod json;
pub mod pointer;
pub mod tree;

use tree::{Node, Span};

/// How a file is read, decided from its name (and, for plain `.json`, its content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Json,
    Yaml,
}

impl FileKind {
    pub fn from_path(path: &str) -> Option<FileKind> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(FileKind::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(FileKind::Yaml)
        } else {
            None
        }
    }
}

/// `*.asl.json`, `*.asl.yaml` and `*.asl.yml` are always linted.
pub fn is_asl_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A problem found while loading, before any rule runs.
#[derive(Debug)]
pub enum LoadProblem {
    /// Not UTF-8 or not JSON.
    Syntax(json::ParseError),
    DuplicateKey(json::DuplicateKey),
    ByteOrderMark(Span),
}

/// One state machine definition found in a file.
#[derive(Debug)]
pub struct Definition<'a> {
    /// Pointer to the definition inside a template; `None` for a standalone file.
    pub pointer: Option<String>,
    pub root: &'a Node,
}

/// A parsed file: its text, its tree (if it parsed) and what loading found.
#[derive(Debug)]
pub struct LoadedFile {
    pub text: String,
    pub tree: Option<Node>,
    pub problems: Vec<LoadProblem>,
}

impl LoadedFile {
    /// The definitions in this file. A standalone definition is the whole file.
    pub fn definitions(&self) -> Vec<Definition<'_>> {
        match &self.tree {
            Some(root) => vec![Definition {
                pointer: None,
                root,
            }],
            None => Vec::new(),
        }
    }
}

/// Decodes and parses one JSON file. Never fails: problems are recorded.
pub fn load_json(bytes: Vec<u8>) -> LoadedFile {
    let mut problems = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // Lossy decoding keeps the valid prefix byte-for-byte, so `at` still
            // points at the same place; the bad bytes become U+FFFD (3 bytes).
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            problems.push(LoadProblem::Syntax(json::ParseError {
                message: "file is not valid UTF-8".to_string(),
                label: "invalid byte sequence".to_string(),
                help: Some("Step Functions definitions must be UTF-8 text".to_string()),
                span: Span::new(at, (at + 3).min(text.len())),
            }));
            return LoadedFile {
                text,
                tree: None,
                problems,
            };
        }
    };
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        problems.push(LoadProblem::ByteOrderMark(Span::new(0, 3)));
        start = 3;
    }
    match json::parse(&text, start) {
        Ok(parsed) => {
            problems.extend(parsed.duplicates.into_iter().map(LoadProblem::DuplicateKey));
            LoadedFile {
                text,
                tree: Some(parsed.root),
                problems,
            }
        }
        Err(e) => {
            problems.push(LoadProblem::Syntax(e));
            LoadedFile {
                text,
                tree: None,
                problems,
            }
        }
    }
}

/// Whether a `.json` file that is not named `*.asl.json` holds a definition:
/// top-level `StartAt` and `States`. A cheap byte check runs first so that
/// unrelated JSON (package.json, lock files) is never parsed.
pub fn sniff_json(bytes: &[u8]) -> bool {
    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
    if !contains(bytes, b"\"StartAt\"") || !contains(bytes, b"\"States\"") {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    match json::parse(text, start) {
        Ok(parsed) => {
            let root = parsed.root;
            root.get("StartAt").is_some() && root.get("States").is_some()
        }
        // Broken JSON that mentions both keys is most likely a broken
        // definition: lint it so the syntax error is reported.
        Err(_) => true,
    }
}
