//! Terraform: the state machines a `.tf` file declares and their
//! definitions, read with a real HCL parser (`hcl-edit`, which keeps the
//! byte span of every expression).
//!
//! A state machine is an `aws_sfn_state_machine` resource or a call of the
//! registry module `terraform-aws-modules/step-functions/aws`. Its
//! `definition` may be:
//! - `jsonencode({...})`: the HCL object is the definition, every key and
//!   value at the span the user wrote (`eval.rs`);
//! - a heredoc: the JSON inside, `${...}` as placeholders (`template.rs`);
//! - `file(path)`, `templatefile(path, vars)` or `data.template_file.X.rendered`:
//!   a local file, linted as the template deploys it (literal `vars` filled in);
//! - any of these through `local.NAME` (this file's `locals` or its
//!   folder's other `.tf` files), `var.NAME` with a default, and the
//!   text-only wrappers `nonsensitive()`, `trimspace()`, `chomp()` and
//!   `replace()` (whose rewrite is applied to the definition).
//!
//! Anything else is reported as not checkable, with the reason: nothing is
//! skipped silently.

pub mod eval;
mod role;
pub mod template;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, FuncCall, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::Element;

use crate::loader::json::ParseError;
use crate::loader::template::{
    Embedded, Extracted, Replacement, SkipReason, Skipped, Substitutions, apply_replacements,
};
use crate::loader::tree::{Member, Node, Object, Span, Value};

const RESOURCE: &str = "aws_sfn_state_machine";

/// The registry module that takes a definition as its `definition` input.
const REGISTRY_MODULE: &str = "terraform-aws-modules/step-functions/aws";

/// Whether the text declares a state machine (a resource or the registry
/// module).
pub fn mentions_state_machine(text: &str) -> bool {
    text.contains(RESOURCE) || text.contains(REGISTRY_MODULE)
}

/// How many references (`local.`, `var.`) and wrappers are followed before
/// giving up (locals may refer to each other in a cycle).
const MAX_UNWRAP: usize = 16;

/// A `.tf` file of a module, parsed.
struct ParsedFile {
    text: String,
    body: Body,
}

/// What other files of a module are searched for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Name {
    Local,
    Variable,
    TemplateFile,
}

/// The `.tf` files of a Terraform module (a folder's, in name order),
/// parsed and indexed once per folder by the names its files look up
/// (`local.X`, `var.X`, `data.template_file.X`): every file of a
/// 2,000-file module used to read and scan all the others.
pub struct ModuleLocals {
    /// File names and their parse (`None`: unreadable or not HCL), in name order.
    files: Vec<(String, Option<ParsedFile>)>,
    /// Each name's files, in order.
    names: std::collections::HashMap<(Name, String), Vec<usize>>,
    /// The module's folder, when it is one on disk: the files a role's
    /// policy reads with `file()` are found from it.
    dir: Option<std::path::PathBuf>,
}

impl ModuleLocals {
    pub fn new(files: Vec<(String, Option<String>)>) -> ModuleLocals {
        let mut names: std::collections::HashMap<(Name, String), Vec<usize>> = Default::default();
        let files: Vec<(String, Option<ParsedFile>)> = files
            .into_iter()
            .map(|(name, text)| {
                let parsed = text.and_then(|text| {
                    let body = hcl_edit::parser::parse_body(&text).ok()?;
                    Some(ParsedFile { text, body })
                });
                (name, parsed)
            })
            .collect();
        for (i, (_, parsed)) in files.iter().enumerate() {
            let Some(parsed) = parsed else { continue };
            let mut add = |kind: Name, name: &str| {
                let entry = names.entry((kind, name.to_string())).or_default();
                if entry.last() != Some(&i) {
                    entry.push(i);
                }
            };
            for block in parsed.body.blocks() {
                match block.ident.as_str() {
                    "locals" => {
                        for a in block.body.attributes() {
                            add(Name::Local, a.key.as_str());
                        }
                    }
                    "variable" => {
                        if let [name] = labels(block).as_slice() {
                            add(Name::Variable, name);
                        }
                    }
                    "data" => {
                        if let [kind, name] = labels(block).as_slice()
                            && kind == "template_file"
                        {
                            add(Name::TemplateFile, name);
                        }
                    }
                    _ => {}
                }
            }
        }
        ModuleLocals {
            files,
            names,
            dir: None,
        }
    }

    /// The same module, with the folder it was read from.
    pub fn in_dir(mut self, dir: &std::path::Path) -> ModuleLocals {
        self.dir = Some(dir.to_path_buf());
        self
    }
}

/// A module's other files as one of its files sees them: all but `own`
/// (a file name), the first `limit` of them.
pub struct Others<'m> {
    pub module: &'m ModuleLocals,
    pub own: &'m str,
    pub limit: usize,
}

impl Others<'_> {
    /// The first other file that defines `name`.
    fn find(&self, kind: Name, name: &str) -> Option<&ParsedFile> {
        let own_index = self.module.files.iter().position(|(n, _)| n == self.own);
        self.module
            .names
            .get(&(kind, name.to_string()))?
            .iter()
            .find_map(|&i| {
                // The file's rank among the others.
                let rank = match own_index {
                    Some(o) if o == i => return None,
                    Some(o) if o < i => i - 1,
                    _ => i,
                };
                if rank >= self.limit {
                    return None;
                }
                self.module.files[i].1.as_ref()
            })
    }
}

/// Where an expression is written: this file, or another file of the
/// module (whose spans are not this file's).
#[derive(Clone, Copy)]
struct At<'s> {
    text: &'s str,
    here: bool,
}

struct Scope<'s> {
    text: &'s str,
    body: &'s Body,
    others: Option<&'s Others<'s>>,
}

impl<'s> Scope<'s> {
    /// This file's body, then the other file that defines `name`.
    fn bodies(&self, kind: Name, name: &str) -> impl Iterator<Item = (At<'s>, &'s Body)> {
        let here = At {
            text: self.text,
            here: true,
        };
        let other = self.others.and_then(|o| o.find(kind, name)).map(|f| {
            (
                At {
                    text: &f.text,
                    here: false,
                },
                &f.body,
            )
        });
        std::iter::once((here, self.body)).chain(other)
    }

    /// `local.NAME`'s expression, in this file first.
    fn local(&self, name: &str) -> Option<(At<'s>, &'s Expression)> {
        self.bodies(Name::Local, name).find_map(|(at, body)| {
            body.get_blocks("locals")
                .find_map(|b| b.body.get_attribute(name))
                .map(|a| (at, &a.value))
        })
    }

    /// The default of `variable "NAME"`.
    fn variable_default(&self, name: &str) -> Option<(At<'s>, &'s Expression)> {
        self.bodies(Name::Variable, name).find_map(|(at, body)| {
            body.get_blocks("variable")
                .find(|b| labels(b).first().map(String::as_str) == Some(name))
                .and_then(|b| b.body.get_attribute("default"))
                .map(|a| (at, &a.value))
        })
    }

    /// `data "template_file" "NAME"`.
    fn template_file(&self, name: &str) -> Option<(At<'s>, &'s Block)> {
        self.bodies(Name::TemplateFile, name)
            .find_map(|(at, body)| {
                body.get_blocks("data")
                    .find(|b| labels(b) == ["template_file", name])
                    .map(|b| (at, b))
            })
    }
}

fn labels(block: &Block) -> Vec<String> {
    block
        .labels
        .iter()
        .map(|l| l.as_str().to_string())
        .collect()
}

/// What a `definition` expression leads to.
enum Resolution {
    Inline {
        root: Node,
        syntax: Option<ParseError>,
        duplicates: Vec<crate::loader::json::DuplicateKey>,
        /// Written in another file of the module: every position is the
        /// `definition` attribute's.
        approximate: bool,
    },
    File {
        path: String,
        vars: Substitutions,
    },
    Skip(String),
}

/// The state machines in a `.tf` file, as a small tree (so that findings
/// can point at `definition` through a JSON pointer) and their
/// definitions. `others` are the other `.tf` files of its folder, whose
/// `locals`, `variable` defaults and `data "template_file"` count too (one
/// that is not HCL adds nothing: it is reported when linted itself).
pub fn extract(text: &str, others: Option<&Others<'_>>) -> (Node, Extracted) {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(e) => return unparsable(text, &e),
    };
    let scope = Scope {
        text,
        body: &body,
        others,
    };
    let mut out = Extracted::default();
    let mut resources = Vec::new();
    let mut modules = Vec::new();
    let roles = role::Roles::default();
    for block in body.blocks() {
        let labels = labels(block);
        let (kind, name) = match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) if kind == RESOURCE => ("resource", name),
            ("module", [name]) if is_registry_module(block) => ("module", name),
            _ => continue,
        };
        let base = if kind == "resource" {
            format!("/resource/{RESOURCE}/{}", escape(name))
        } else {
            format!("/module/{}", escape(name))
        };
        let workflow_type = block
            .body
            .get_attribute("type")
            .and_then(|a| a.value.as_str())
            .map(str::to_ascii_uppercase);
        let block_span = eval::span_of(block, Span::new(0, text.len()));
        let header = Span::new(
            block_span.start as usize,
            text[block_span.start as usize..]
                .find('\n')
                .map_or(text.len(), |i| block_span.start as usize + i),
        );
        let mut members = Vec::new();
        match block.body.get_attribute("definition") {
            Some(attribute) => {
                let span = eval::span_of(&attribute.value, header);
                members.push(Member {
                    key: "definition".into(),
                    key_span: span,
                    value: Node {
                        value: Value::String(eval::source(text, span).into()),
                        span,
                    },
                });
                let mut replacements = Vec::new();
                let resolution = resolve(&scope, &attribute.value, span, &mut replacements);
                let skipped = |reason| Skipped {
                    resource: base.clone(),
                    field: format!("{base}/definition"),
                    reason,
                    workflow_type: workflow_type.clone(),
                    substitutions: Substitutions::new(),
                    replacements: Vec::new(),
                    terraform: true,
                };
                match resolution {
                    Resolution::Inline {
                        mut root,
                        syntax,
                        duplicates,
                        approximate,
                    } => {
                        apply_replacements(&mut root, &replacements);
                        out.definitions.push(Embedded {
                            pointer: base.clone(),
                            chars: root.span.len().max(1),
                            root,
                            syntax,
                            duplicates,
                            ignore: Vec::new(),
                            workflow_type,
                            approximate,
                            cdk_path: None,
                            strings: Vec::new(),
                        });
                    }
                    Resolution::File { path, vars } => {
                        replacements.reverse();
                        let mut s = skipped(SkipReason::LocalFile(path));
                        s.substitutions = vars;
                        s.replacements = replacements;
                        out.skipped.push(s);
                    }
                    Resolution::Skip(why) => {
                        out.skipped.push(skipped(SkipReason::NotCheckable(why)))
                    }
                }
            }
            None => out.skipped.push(Skipped {
                resource: base.clone(),
                field: base.clone(),
                reason: SkipReason::NoDefinition,
                workflow_type: None,
                substitutions: Substitutions::new(),
                replacements: Vec::new(),
                terraform: true,
            }),
        }
        let member = Member {
            key: name.as_str().into(),
            key_span: header,
            value: Node {
                value: Value::Object(Object::new(members)),
                span: block_span,
            },
        };
        if kind == "resource" {
            if let Some(access) = role::role_access(&scope, block, &roles) {
                out.roles.push((base.clone(), access));
            }
            resources.push(member);
        } else {
            modules.push(member);
        }
    }
    (file_tree(text, resources, modules), out)
}

/// The JSON-pointer segment for a name.
fn escape(name: &str) -> String {
    crate::loader::pointer::push("", name)[1..].to_string()
}

fn is_registry_module(block: &Block) -> bool {
    block
        .body
        .get_attribute("source")
        .and_then(|a| a.value.as_str())
        .is_some_and(|s| {
            s.trim_end_matches('/') == REGISTRY_MODULE
                || s.starts_with(&format!("{REGISTRY_MODULE}//"))
                || s.contains("terraform-aws-modules/terraform-aws-step-functions")
        })
}

/// `{"resource": {"aws_sfn_state_machine": {...}}, "module": {...}}`.
fn file_tree(text: &str, resources: Vec<Member>, modules: Vec<Member>) -> Node {
    let whole = Span::new(0, text.len());
    let object = |members: Vec<Member>| Node {
        value: Value::Object(Object::new(members)),
        span: whole,
    };
    let member = |key: &str, value: Node| Member {
        key: key.into(),
        key_span: whole,
        value,
    };
    let mut top = vec![member(
        "resource",
        object(vec![member(RESOURCE, object(resources))]),
    )];
    if !modules.is_empty() {
        top.push(member("module", object(modules)));
    }
    object(top)
}

/// A file that is not valid HCL: each state machine it seems to declare is
/// reported at the parse error, so that none is skipped in silence.
fn unparsable(text: &str, e: &hcl_edit::parser::Error) -> (Node, Extracted) {
    let at = e.location().offset().min(text.len());
    let end = text[at..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| at + i);
    let span = Span::new(at, end);
    let why = format!(
        "this file is not valid HCL (line {}, column {}: {})",
        e.location().line(),
        e.location().column(),
        e.message().lines().next().unwrap_or("parse error")
    );
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut quoted = line.split('"').skip(1).step_by(2);
        if line.trim_start().starts_with("resource")
            && quoted.next() == Some(RESOURCE)
            && let Some(name) = quoted.next()
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    }
    if names.is_empty() {
        names.push("?".into());
    }
    let mut out = Extracted::default();
    let mut members = Vec::new();
    for name in names {
        let base = format!("/resource/{RESOURCE}/{}", escape(&name));
        out.skipped.push(Skipped {
            field: base.clone(),
            resource: base,
            reason: SkipReason::NotCheckable(why.clone()),
            workflow_type: None,
            substitutions: Substitutions::new(),
            replacements: Vec::new(),
            terraform: true,
        });
        members.push(Member {
            key: name.into(),
            key_span: span,
            value: Node {
                value: Value::Object(Object::default()),
                span,
            },
        });
    }
    (file_tree(text, members, Vec::new()), out)
}

/// `local.NAME`, `var.NAME`, `path.module`...: the root and first attribute.
fn reference(t: &Traversal) -> Option<(&str, &str, &[hcl_edit::Decorated<TraversalOperator>])> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let (first, rest) = t.operators.split_first()?;
    match first.value() {
        TraversalOperator::GetAttr(name) => {
            Some((root.value().as_str(), name.value().as_str(), rest))
        }
        _ => None,
    }
}

fn call_name(call: &FuncCall) -> &str {
    call.name.name.value().as_str()
}

/// Follows a `definition` expression to what it leads to. `at` is the
/// attribute's span in this file, for definitions written elsewhere.
fn resolve<'s>(
    scope: &Scope<'s>,
    expression: &'s Expression,
    definition_span: Span,
    replacements: &mut Vec<Replacement>,
) -> Resolution {
    let mut e = expression;
    let mut at = At {
        text: scope.text,
        here: true,
    };
    let mut via_variable = None;
    for _ in 0..MAX_UNWRAP {
        match e {
            Expression::Parenthesis(p) => {
                e = p.inner();
                continue;
            }
            Expression::Traversal(t) => match reference(t) {
                Some(("local", name, [])) => match scope.local(name) {
                    Some((found_at, found)) => {
                        (at, e) = (found_at, found);
                        continue;
                    }
                    None => {
                        return Resolution::Skip(format!(
                            "its definition is `local.{name}`, which no `locals` block of this \
                             module's `.tf` files defines"
                        ));
                    }
                },
                Some(("var", name, [])) => match scope.variable_default(name) {
                    Some((found_at, found)) => {
                        via_variable = Some(name);
                        (at, e) = (found_at, found);
                        continue;
                    }
                    None => {
                        return Resolution::Skip(format!(
                            "its definition is the input variable `var.{name}`, which has no \
                             default: its value comes from the `module` block that calls this \
                             module, which asl-lint does not follow into local modules yet"
                        ));
                    }
                },
                Some(("data", "template_file", [name, attribute])) if matches!(attribute.value(), TraversalOperator::GetAttr(a) if a.value().as_str() == "rendered") =>
                {
                    let TraversalOperator::GetAttr(name) = name.value() else {
                        break;
                    };
                    return template_file(scope, name.value().as_str());
                }
                _ => break,
            },
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                match (call_name(call), args.as_slice()) {
                    ("nonsensitive" | "sensitive" | "trimspace" | "chomp", [inner]) => {
                        e = inner;
                        continue;
                    }
                    ("replace", [inner, search, with]) => {
                        let Some(search) = literal_string(scope, search) else {
                            return Resolution::Skip(
                                "its definition goes through `replace()` with a search text that \
                                 is not a literal string"
                                    .into(),
                            );
                        };
                        if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                            return Resolution::Skip(
                                "its definition goes through `replace()` with a regular expression"
                                    .into(),
                            );
                        }
                        replacements.push(Replacement {
                            search,
                            with: literal_string(scope, with),
                        });
                        e = inner;
                        continue;
                    }
                    ("jsonencode", [inner]) => {
                        return jsonencode(scope, at, inner, definition_span);
                    }
                    ("file", [path]) => {
                        return match path_of(scope, at, path) {
                            Ok(path) => Resolution::File {
                                path,
                                vars: Substitutions::new(),
                            },
                            Err(why) => Resolution::Skip(why),
                        };
                    }
                    ("templatefile", [path, vars]) => {
                        return match path_of(scope, at, path) {
                            Ok(path) => Resolution::File {
                                path,
                                vars: literal_vars(scope, at, vars),
                            },
                            Err(why) => Resolution::Skip(why),
                        };
                    }
                    _ => break,
                }
            }
            Expression::HeredocTemplate(h) => {
                let Some(body) = h.template.span() else {
                    break;
                };
                return json_text(at, body.start, body.end, definition_span);
            }
            Expression::StringTemplate(t) => {
                // `"${local.definition}"` is the local itself.
                if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
                    e = &i.expr;
                    continue;
                }
                break;
            }
            _ => break,
        }
    }
    let written = eval::written(at.text, e);
    if let Some(name) = via_variable {
        return Resolution::Skip(format!(
            "its definition is the input variable `var.{name}`, whose default (`{written}`) is \
             not a definition: its value comes from the `module` block that calls this module, \
             which asl-lint does not follow into local modules yet"
        ));
    }
    let what = match e {
        Expression::FuncCall(call) if call_name(call) == "jsonencode" => {
            "`jsonencode()` of a value asl-lint cannot evaluate".to_string()
        }
        Expression::String(_) | Expression::StringTemplate(_) => {
            "a quoted string; write it with `jsonencode({...})` or a heredoc".to_string()
        }
        _ => format!("built by an expression (`{written}`)"),
    };
    Resolution::Skip(format!("its definition is {what}"))
}

/// `jsonencode(x)`: the HCL value as the definition.
fn jsonencode<'s>(
    scope: &Scope<'s>,
    mut at: At<'s>,
    inner: &'s Expression,
    definition_span: Span,
) -> Resolution {
    let mut e = inner;
    for _ in 0..MAX_UNWRAP {
        match e {
            Expression::Traversal(t) => match reference(t) {
                Some(("local", name, [])) => match scope.local(name) {
                    Some((found_at, found)) => {
                        (at, e) = (found_at, found);
                        continue;
                    }
                    None => break,
                },
                _ => break,
            },
            Expression::Parenthesis(p) => {
                e = p.inner();
                continue;
            }
            Expression::Object(_) => {
                let mut root = eval::value(e, at.text, definition_span);
                if matches!(root.value, Value::Opaque(_)) {
                    return Resolution::Skip(
                        "its definition's top-level keys are known only when Terraform runs".into(),
                    );
                }
                if !at.here {
                    respan(&mut root, definition_span);
                }
                return Resolution::Inline {
                    root,
                    syntax: None,
                    duplicates: Vec::new(),
                    approximate: !at.here,
                };
            }
            _ => break,
        }
    }
    let written = eval::written(at.text, e);
    Resolution::Skip(format!(
        "its definition is `jsonencode()` of `{written}`, which asl-lint cannot evaluate"
    ))
}

/// JSON in a heredoc, between `start` and `end` of `at.text`.
fn json_text(at: At<'_>, start: usize, end: usize, definition_span: Span) -> Resolution {
    let body = &at.text[start..end];
    match template::parse(body, start) {
        Ok(template::Rendered::Json(parsed)) => {
            let mut root = parsed.root;
            let mut duplicates = parsed.duplicates;
            if !at.here {
                respan(&mut root, definition_span);
                duplicates.clear();
            }
            Resolution::Inline {
                root,
                syntax: None,
                duplicates,
                approximate: !at.here,
            }
        }
        Ok(template::Rendered::BuiltByDirective) => Resolution::Skip(
            "its definition is built by template directives (`%{ for }`, `%{ if }`) around the \
             whole JSON"
                .into(),
        ),
        Err(mut e) => {
            if !at.here {
                e.span = definition_span;
            }
            Resolution::Inline {
                root: Node {
                    value: Value::Object(Object::default()),
                    span: if at.here {
                        Span::new(start, end)
                    } else {
                        definition_span
                    },
                },
                syntax: Some(e),
                duplicates: Vec::new(),
                approximate: !at.here,
            }
        }
    }
}

/// Every span of the tree set to `span` (a definition written in another
/// file, whose positions are not this file's).
fn respan(root: &mut Node, span: Span) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        node.span = span;
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    m.key_span = span;
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// `data "template_file" "NAME"`'s `rendered`: its `template` file with its
/// literal `vars`.
fn template_file<'s>(scope: &Scope<'s>, name: &str) -> Resolution {
    let Some((at, block)) = scope.template_file(name) else {
        return Resolution::Skip(format!(
            "its definition is `data.template_file.{name}.rendered`, which no `data \
             \"template_file\"` block of this module's `.tf` files defines"
        ));
    };
    let Some(template) = block.body.get_attribute("template") else {
        return Resolution::Skip(format!("`data.template_file.{name}` has no `template`"));
    };
    let vars = block
        .body
        .get_attribute("vars")
        .map(|v| literal_vars(scope, at, &v.value))
        .unwrap_or_default();
    let mut e = &template.value;
    // `"${file("x.json")}"` is `file("x.json")`.
    if let Expression::StringTemplate(t) = e
        && let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice()
    {
        e = &i.expr;
    }
    match e {
        Expression::FuncCall(call) if call_name(call) == "file" && call.args.len() == 1 => {
            match path_of(scope, at, call.args.iter().next().unwrap_or(e)) {
                Ok(path) => Resolution::File { path, vars },
                Err(why) => Resolution::Skip(why),
            }
        }
        _ => Resolution::Skip(format!(
            "`data.template_file.{name}`'s `template` is not a `file(...)` asl-lint can follow"
        )),
    }
}

/// A literal string, through locals and variable defaults.
fn literal_string<'s>(scope: &Scope<'s>, e: &'s Expression) -> Option<String> {
    let mut e = e;
    for _ in 0..MAX_UNWRAP {
        match e {
            Expression::String(s) => return Some(s.value().to_string()),
            Expression::Traversal(t) => match reference(t) {
                Some(("local", name, [])) => e = scope.local(name)?.1,
                Some(("var", name, [])) => e = scope.variable_default(name)?.1,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The path a `file()` or `templatefile()` argument names, relative to the
/// module's folder.
fn path_of<'s>(scope: &Scope<'s>, at: At<'s>, e: &'s Expression) -> Result<String, String> {
    let mut e = e;
    let mut at = at;
    for _ in 0..MAX_UNWRAP {
        match e {
            Expression::String(s) => return Ok(s.value().to_string()),
            Expression::StringTemplate(t) => {
                let elements: Vec<&Element> = t.iter().collect();
                if let [Element::Interpolation(i), Element::Literal(rest)] = elements.as_slice()
                    && let Expression::Traversal(path) = &i.expr
                    && let Some(("path", "module" | "root" | "cwd", [])) = reference(path)
                    && let Some(rest) = rest.value().strip_prefix('/')
                {
                    return Ok(rest.to_string());
                }
                let written = eval::written(at.text, e);
                return Err(format!(
                    "its definition file {written} is named through a variable"
                ));
            }
            Expression::Traversal(t) => match reference(t) {
                Some(("local", name, [])) => match scope.local(name) {
                    Some(found) => (at, e) = found,
                    None => break,
                },
                Some(("var", name, [])) => match scope.variable_default(name) {
                    Some(found) => (at, e) = found,
                    None => {
                        return Err(format!(
                            "its definition file is `var.{name}`, which has no default"
                        ));
                    }
                },
                _ => break,
            },
            _ => break,
        }
    }
    let written = eval::written(at.text, e);
    Err(format!(
        "its definition file is named by an expression asl-lint cannot evaluate (`{written}`)"
    ))
}

/// The literal values of a `templatefile()` vars object: strings, numbers
/// and booleans as the text Terraform writes; others stay placeholders.
fn literal_vars<'s>(scope: &Scope<'s>, at: At<'s>, e: &'s Expression) -> Substitutions {
    let mut e = e;
    let mut at = at;
    for _ in 0..MAX_UNWRAP {
        match e {
            Expression::Traversal(t) => match reference(t) {
                Some(("local", name, [])) => match scope.local(name) {
                    Some(found) => (at, e) = found,
                    None => return Substitutions::new(),
                },
                _ => return Substitutions::new(),
            },
            Expression::Object(o) => {
                let mut out = Substitutions::new();
                for (key, value) in o.iter() {
                    let key = match key {
                        ObjectKey::Ident(i) => i.value().as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(_) => continue,
                    };
                    let node = eval::value(value.expr(), at.text, Span::default());
                    let text = match node.value {
                        Value::String(s) if !s.contains("${") => s.to_string(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => match value.expr() {
                            // `tostring(5)`, `tonumber("5")`: the literal.
                            Expression::FuncCall(call)
                                if matches!(call_name(call), "tostring" | "tonumber")
                                    && call.args.len() == 1 =>
                            {
                                match eval::value(
                                    call.args.iter().next().unwrap_or(value.expr()),
                                    at.text,
                                    Span::default(),
                                )
                                .value
                                {
                                    Value::String(s) if !s.contains("${") => s.to_string(),
                                    Value::Number(n) => n.to_string(),
                                    _ => continue,
                                }
                            }
                            _ => continue,
                        },
                    };
                    out.insert(key, text);
                }
                return out;
            }
            _ => return Substitutions::new(),
        }
    }
    Substitutions::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"
resource "aws_sfn_state_machine" "etl" {
  name     = "etl"
  role_arn = aws_iam_role.sfn.arn
  type     = "EXPRESS"
  definition = templatefile("${path.module}/etl.asl.json", {
    bucket  = var.bucket
    retries = 3
    next    = "Done"
  })
  logging_configuration {
    level = "ALL"
  }
}

resource "aws_sfn_state_machine" "inline" {
  name       = "inline"
  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Succeed" } } })
}
"#;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn finds_files_with_their_literal_vars_and_inline_hcl() {
        let (tree, found) = extract(TF, None);
        assert_eq!(found.skipped.len(), 1);
        let etl = &found.skipped[0];
        assert_eq!(etl.reason, SkipReason::LocalFile("etl.asl.json".into()));
        assert_eq!(etl.workflow_type.as_deref(), Some("EXPRESS"));
        assert!(etl.terraform);
        assert_eq!(
            etl.substitutions.iter().collect::<Vec<_>>(),
            [
                (&"next".to_string(), &"Done".to_string()),
                (&"retries".to_string(), &"3".to_string())
            ]
        );
        let field = tree.resolve(&etl.field);
        assert!(slice(TF, field.node.span).starts_with("templatefile("));
        assert!(slice(TF, field.node.span).ends_with("})"));
        let inline = &found.definitions[0];
        assert_eq!(inline.pointer, "/resource/aws_sfn_state_machine/inline");
        let a = inline
            .root
            .get("States")
            .unwrap()
            .as_object()
            .unwrap()
            .member("A")
            .unwrap();
        assert_eq!(slice(TF, a.key_span), "A");
        assert_eq!(slice(TF, a.value.get("Type").unwrap().span), "\"Succeed\"");
    }

    #[test]
    fn broken_hcl_reports_each_machine_at_the_error() {
        for text in [
            "resource \"aws_sfn_state_machine\" \"p\" {\n definition = file(\"a.json\")\né",
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = file(\"a.json\")\n",
        ] {
            let (tree, found) = extract(text, None);
            assert_eq!(found.skipped.len(), 1, "{text}");
            let SkipReason::NotCheckable(why) = &found.skipped[0].reason else {
                panic!("{:?}", found.skipped[0]);
            };
            assert!(why.contains("not valid HCL"), "{why}");
            let at = tree.resolve(&found.skipped[0].field);
            assert!(at.key_span.is_some_and(|s| s.end as usize <= text.len()));
        }
    }

    #[test]
    fn deeply_nested_hcl_is_a_located_error_not_a_stack_overflow() {
        let depth = 100_000;
        let text = format!(
            "resource \"aws_sfn_state_machine\" \"deep\" {{\n  definition = jsonencode({}{})\n}}\n",
            "{ a = ".repeat(depth) + "1",
            " }".repeat(depth)
        );
        // On a small stack, as on a worker thread.
        let found = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || extract(&text, None).1)
            .unwrap()
            .join()
            .unwrap();
        let SkipReason::NotCheckable(why) = &found.skipped[0].reason else {
            panic!("{:?}", found.skipped[0]);
        };
        assert!(why.contains("line 2"), "{why}");
    }

    #[test]
    fn locals_that_refer_to_each_other_in_a_cycle_end() {
        let (_, found) = extract(
            "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_sfn_state_machine\" \"p\" {\n definition = local.a\n}\n",
            None,
        );
        assert!(matches!(
            found.skipped[0].reason,
            SkipReason::NotCheckable(_)
        ));
    }

    #[test]
    fn other_resources_are_ignored_and_a_machine_without_definition_is_reported() {
        let (_, found) = extract(
            "resource \"aws_lambda_function\" \"f\" {}\n# aws_sfn_state_machine\n",
            None,
        );
        assert!(found.skipped.is_empty() && found.definitions.is_empty());
        let (_, found) = extract(
            "resource \"aws_sfn_state_machine\" \"x\" {\n name = \"x\"\n}\n",
            None,
        );
        assert_eq!(found.skipped[0].reason, SkipReason::NoDefinition);
    }

    #[test]
    fn other_files_of_the_module_define_locals_variables_and_template_files() {
        let module = ModuleLocals::new(vec![
            ("main.tf".into(), None),
            (
                "vars.tf".into(),
                Some(
                    "variable \"def_path\" {\n  default = \"sf/flow.json\"\n}\nlocals {\n  def = jsonencode({ StartAt = \"A\", States = {} })\n}\n\
                     data \"template_file\" \"t\" {\n  template = file(\"${path.module}/t.json\")\n  vars = { next = \"B\" }\n}\n"
                        .into(),
                ),
            ),
        ]);
        let others = Others {
            module: &module,
            own: "main.tf",
            limit: 256,
        };
        let text = "resource \"aws_sfn_state_machine\" \"a\" {\n  definition = file(var.def_path)\n}\n\
                    resource \"aws_sfn_state_machine\" \"b\" {\n  definition = local.def\n}\n\
                    resource \"aws_sfn_state_machine\" \"c\" {\n  definition = data.template_file.t.rendered\n}\n";
        let (_, found) = extract(text, Some(&others));
        assert_eq!(
            found.skipped[0].reason,
            SkipReason::LocalFile("sf/flow.json".into())
        );
        assert_eq!(
            found.skipped[1].reason,
            SkipReason::LocalFile("t.json".into())
        );
        assert_eq!(
            found.skipped[1]
                .substitutions
                .get("next")
                .map(String::as_str),
            Some("B")
        );
        // Written in another file: linted, every position at `local.def`.
        let b = &found.definitions[0];
        assert!(b.approximate);
        assert_eq!(slice(text, b.root.span), "local.def");
    }
}
