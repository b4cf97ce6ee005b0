//! Loading: bytes -> text -> spanned tree -> the definitions inside it.
//!
//! The loader owns positions: everything downstream speaks JSON pointers, and
//! the tree resolves them back to spans.

pub mod edits;
pub mod json;
pub mod pointer;
pub mod template;
pub mod terraform;
pub mod tree;
pub mod yaml;

use tree::{Node, Span};

/// How a file is read, decided from its name (and, for plain `.json`, its content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Json,
    Yaml,
    /// Terraform `.tf`: read for the state machines it declares.
    Terraform,
}

impl FileKind {
    /// The kind by extension, else by content: a file whose first solid
    /// character opens an object is JSON, anything else YAML (`.template`
    /// files and stdin are often YAML; a definition file is JSON or YAML).
    pub fn of(path: &str, bytes: &[u8]) -> FileKind {
        FileKind::from_path(path).unwrap_or_else(|| {
            let first = bytes
                .strip_prefix("\u{feff}".as_bytes())
                .unwrap_or(bytes)
                .iter()
                .find(|b| !b.is_ascii_whitespace());
            match first {
                Some(b'{') | None => FileKind::Json,
                Some(_) => FileKind::Yaml,
            }
        })
    }

    pub fn from_path(path: &str) -> Option<FileKind> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(FileKind::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(FileKind::Yaml)
        } else if lower.ends_with(".tf") {
            Some(FileKind::Terraform)
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
    /// Not YAML.
    YamlSyntax(json::ParseError),
    DuplicateKey(json::DuplicateKey),
    ByteOrderMark(Span),
    /// An unquoted YAML scalar that YAML 1.1 reads as a boolean or number.
    ImplicitType(yaml::ImplicitScalar),
    /// A trailing comma in a file a template deploys (`DefinitionUri`):
    /// SAM and CloudFormation read such a file as YAML, which accepts it,
    /// so the rest of the file is linted as if the comma were not there.
    LenientTrailingComma(json::ParseError),
    /// A Terraform template whose JSON is built by `%{ for }` / `%{ if }`
    /// directives around the whole of it: known only when Terraform runs.
    BuiltByTemplateDirectives(Span),
}

/// Parses a JSON file a template deploys: a trailing comma, which the YAML
/// reading of SAM and CloudFormation accepts, is set aside (a space in its
/// place keeps every offset) and reported apart; at most 64 of them.
fn parse_deployed_json(
    text: &str,
    start: usize,
    problems: &mut Vec<LoadProblem>,
) -> Result<json::Parsed, json::ParseError> {
    let first = match template::parse_templated_json(text, start) {
        Ok(parsed) => return Ok(parsed),
        Err(e) => e,
    };
    let mut error = first.clone();
    let mut patched = text.to_string();
    let mut commas = Vec::new();
    while error.message == json::TRAILING_COMMA && commas.len() < 64 {
        let at = error.span.start as usize;
        if patched.as_bytes().get(at) != Some(&b',') {
            break;
        }
        patched.replace_range(at..at + 1, " ");
        commas.push(error);
        match template::parse_templated_json(&patched, start) {
            Ok(parsed) => {
                problems.extend(commas.into_iter().map(LoadProblem::LenientTrailingComma));
                return Ok(parsed);
            }
            Err(e) => error = e,
        }
    }
    Err(first)
}

/// One state machine definition found in a file.
#[derive(Debug)]
pub struct Definition<'a> {
    /// Pointer to the definition's resource inside a template; `None` for a
    /// standalone file.
    pub pointer: Option<String>,
    pub root: &'a Node,
    /// Set for definitions inside templates.
    pub embedded: Option<&'a template::Embedded>,
}

/// A parsed file: its text, its tree (if it parsed) and what loading found.
#[derive(Debug)]
pub struct LoadedFile {
    pub text: String,
    pub tree: Option<Node>,
    pub problems: Vec<LoadProblem>,
    /// For templates: the definitions inside and the ones that cannot be read.
    pub template: Option<template::Extracted>,
    /// What the roles of this template's state machines share, read once.
    pub role_scans: template::Scans,
}

impl LoadedFile {
    /// What the role of the state machine at `resource` (a pointer to its
    /// resource) allows, as far as this file says; `None` when the file
    /// does not say (not a template, or a kind asl-lint does not check).
    pub fn role_access(&self, resource: &str) -> Option<template::RoleAccess> {
        if let Some(found) = self
            .template
            .as_ref()
            .and_then(|t| t.roles.iter().find(|(r, _)| r == resource))
        {
            return Some(found.1.clone());
        }
        template::role_access_with(self.tree.as_ref()?, resource, &self.role_scans)
    }

    /// The definitions in this file. A standalone definition is the whole file.
    pub fn definitions(&self) -> Vec<Definition<'_>> {
        if let Some(t) = &self.template {
            return t
                .definitions
                .iter()
                .map(|e| Definition {
                    pointer: Some(e.pointer.clone()),
                    root: &e.root,
                    embedded: Some(e),
                })
                .collect();
        }
        match &self.tree {
            Some(root) => vec![Definition {
                pointer: None,
                root,
                embedded: None,
            }],
            None => Vec::new(),
        }
    }
}

/// Decodes UTF-8, recording a located problem (and decoding lossily) when
/// the bytes are not valid.
fn decode(bytes: Vec<u8>, problems: &mut Vec<LoadProblem>) -> Result<String, String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
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
            Err(text)
        }
    }
}

/// Decodes and parses one file as `kind`. Never fails: problems are recorded.
pub fn load(bytes: Vec<u8>, kind: FileKind) -> LoadedFile {
    load_with(bytes, kind, false, None)
}

/// [`load`] for a Terraform file whose module (its folder) has other `.tf`
/// files: their `locals`, `variable` defaults and `data "template_file"`
/// blocks count too.
pub fn load_in_module(bytes: Vec<u8>, others: &terraform::Others<'_>) -> LoadedFile {
    load_with(bytes, FileKind::Terraform, false, Some(others))
}

/// [`load`] for a file that a template substitutes before deploying it
/// (SAM `DefinitionUri`, Terraform `templatefile`): `${...}` outside JSON
/// strings is an opaque value, not a syntax error.
pub fn load_templated(bytes: Vec<u8>, kind: FileKind) -> LoadedFile {
    load_with(bytes, kind, true, None)
}

/// [`load`] for a file Terraform renders with `templatefile()` (or a
/// `data "template_file"`) before deploying it: JSON in Terraform template
/// syntax, where `${...}` is a placeholder and a `%{ for }` / `%{ if }`
/// directive makes the array or object around it opaque.
pub fn load_terraform_template(bytes: Vec<u8>) -> LoadedFile {
    let mut problems = Vec::new();
    let text = match decode(bytes, &mut problems) {
        Ok(text) => text,
        Err(text) => {
            return LoadedFile {
                text,
                tree: None,
                problems,
                template: None,
                role_scans: Default::default(),
            };
        }
    };
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        problems.push(LoadProblem::ByteOrderMark(Span::new(0, 3)));
        start = 3;
    }
    let tree = match terraform::template::parse(&text[start..], start) {
        Ok(terraform::template::Rendered::Json(parsed)) => {
            problems.extend(parsed.duplicates.into_iter().map(LoadProblem::DuplicateKey));
            Some(parsed.root)
        }
        Ok(terraform::template::Rendered::BuiltByDirective) => {
            let at = text.find("%{").unwrap_or(0);
            let end = text[at..].find('}').map_or(text.len(), |i| at + i + 1);
            problems.push(LoadProblem::BuiltByTemplateDirectives(Span::new(at, end)));
            None
        }
        Err(e) => {
            problems.push(LoadProblem::Syntax(e));
            None
        }
    };
    LoadedFile {
        text,
        tree,
        problems,
        template: None,
        role_scans: Default::default(),
    }
}

fn load_with(
    bytes: Vec<u8>,
    kind: FileKind,
    templated: bool,
    others: Option<&terraform::Others<'_>>,
) -> LoadedFile {
    let mut problems = Vec::new();
    let text = match decode(bytes, &mut problems) {
        Ok(text) => text,
        Err(text) => {
            // A YAML file that is not UTF-8 is invalid YAML, not JSON.
            if kind == FileKind::Yaml {
                for p in &mut problems {
                    if let LoadProblem::Syntax(e) = p {
                        *p = LoadProblem::YamlSyntax(e.clone());
                    }
                }
            }
            return LoadedFile {
                text,
                tree: None,
                problems,
                template: None,
                role_scans: Default::default(),
            };
        }
    };
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        problems.push(LoadProblem::ByteOrderMark(Span::new(0, 3)));
        start = 3;
    }
    let tree = match kind {
        FileKind::Terraform => {
            let (tree, extracted) = terraform::extract(&text, others);
            return LoadedFile {
                text,
                tree: Some(tree),
                problems,
                template: Some(extracted),
                role_scans: Default::default(),
            };
        }
        FileKind::Json => match if templated {
            parse_deployed_json(&text, start, &mut problems)
        } else {
            // A file that holds unquoted `${Name}` placeholders is a template
            // source (SAM DefinitionSubstitutions, Terraform templatefile):
            // linted on its own, each placeholder is an opaque value.
            json::parse(&text, start).or_else(|strict| {
                if text.contains("${") {
                    template::parse_templated_json(&text, start).map_err(|_| strict)
                } else {
                    Err(strict)
                }
            })
        } {
            Ok(parsed) => {
                problems.extend(parsed.duplicates.into_iter().map(LoadProblem::DuplicateKey));
                Some(parsed.root)
            }
            Err(e) => {
                problems.push(LoadProblem::Syntax(e));
                None
            }
        },
        FileKind::Yaml => match yaml::parse(&text) {
            Ok(parsed) => {
                problems.extend(parsed.duplicates.into_iter().map(LoadProblem::DuplicateKey));
                problems.extend(parsed.implicit.into_iter().map(LoadProblem::ImplicitType));
                Some(parsed.root)
            }
            Err(e) => {
                problems.push(LoadProblem::YamlSyntax(e));
                None
            }
        },
    };
    let template = tree
        .as_ref()
        .filter(|root| template::is_template(root))
        .map(|root| template::extract(&text, root));
    if let Some(t) = &template {
        // Outside a definition, duplicate keys and YAML 1.1 surprises are the
        // template's business (cfn-lint's), not ours.
        let inside = |span: Span| {
            t.definitions
                .iter()
                .any(|d| d.root.span.start <= span.start && span.end <= d.root.span.end)
        };
        problems.retain(|p| match p {
            LoadProblem::DuplicateKey(d) => inside(d.duplicate),
            LoadProblem::ImplicitType(i) => inside(i.span),
            _ => true,
        });
    }
    LoadedFile {
        text,
        tree,
        problems,
        template,
        role_scans: Default::default(),
    }
}

/// Decodes and parses one JSON file. Never fails: problems are recorded.
pub fn load_json(bytes: Vec<u8>) -> LoadedFile {
    load(bytes, FileKind::Json)
}

/// Whether a file that is not named `*.asl.*` holds something to lint: a
/// definition (top-level `StartAt` and `States`) or a template with a state
/// machine. A cheap byte check runs first so unrelated files (package.json,
/// lock files, workflow YAML) are never parsed.
pub fn sniff(bytes: &[u8], kind: FileKind) -> bool {
    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
    let definition_like = contains(bytes, b"StartAt") && contains(bytes, b"States");
    let names_state_machine_type = contains(bytes, b"AWS::StepFunctions::StateMachine")
        || contains(bytes, b"AWS::Serverless::StateMachine");
    let template_like = names_state_machine_type
        || contains(bytes, b"stepFunctions")
        || contains(bytes, b"aws_sfn_state_machine")
        || (kind == FileKind::Terraform && contains(bytes, b"step-functions/aws"));
    if !definition_like && !template_like {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let root = match kind {
        FileKind::Json => json::parse(text, start).map(|p| p.root),
        FileKind::Yaml => yaml::parse(text).map(|p| p.root),
        FileKind::Terraform => return terraform::mentions_state_machine(text),
    };
    match root {
        Ok(root) => {
            (root.get("StartAt").is_some() && root.get("States").is_some())
                || template::is_template(&root)
        }
        // Broken JSON that mentions both keys is most likely a broken
        // definition, and a broken file naming a state machine resource type
        // a broken template: lint them so the syntax error is reported.
        // Other broken YAML is too common (Helm charts, Jinja) to guess.
        Err(_) => kind == FileKind::Json && definition_like || names_state_machine_type,
    }
}

/// [`sniff`] for JSON.
pub fn sniff_json(bytes: &[u8]) -> bool {
    sniff(bytes, FileKind::Json)
}
