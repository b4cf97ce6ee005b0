//! Terraform `aws_sfn_state_machine` resources whose `definition` is a local
//! file (`file(...)` or `templatefile(...)`): the file is linted as the
//! template deploys it, like a SAM `DefinitionUri`.
//!
//! This is a scanner, not an HCL parser: it finds the resource blocks and
//! their `definition` and `type` attributes, and follows `local.NAME` to the
//! module's `locals` blocks (this file's and its folder's other `.tf` files) and the text-only wrappers `nonsensitive()`,
//! `trimspace()` and `replace()` (whose rewrite is applied to the linted
//! definition). Inline HCL (`jsonencode({...})`, heredocs) is reported as not
//! checkable rather than guessed at.

use crate::loader::template::{Extracted, Replacement, SkipReason, Skipped, Substitutions};
use crate::loader::tree::{Member, Node, Object, Span, Value};

const RESOURCE: &str = "aws_sfn_state_machine";

/// Whether the text declares a state machine resource.
pub fn mentions_state_machine(text: &str) -> bool {
    text.contains(RESOURCE)
}

/// The state machine resources in a `.tf` file, as a small tree (so that
/// findings can point at `definition` through a JSON pointer) and the
/// definitions they reference. `others` looks a local up in the other `.tf`
/// files of its folder (a [`ModuleLocals`]), whose `locals` count too.
pub fn extract<'m>(text: &str, others: &dyn Fn(&str) -> Option<&'m str>) -> (Node, Extracted) {
    // This file's locals by name, indexed once: a lookup does not scan the
    // file's `locals` blocks again.
    let own: std::collections::HashMap<&str, (usize, usize)> =
        local_names(text).into_iter().collect();
    let local = |name: &str| match own.get(name) {
        Some(&(start, end)) => attribute(&text[start..end], name).map(|(_, e)| e),
        None => others(name),
    };
    let mut machines = Vec::new();
    let mut out = Extracted::default();
    let mut search = 0;
    while let Some(found) = text[search..].find(RESOURCE) {
        let at = search + found;
        search = at + RESOURCE.len();
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let header = &text[line_start..];
        let header = &header[..header.find('\n').unwrap_or(header.len())];
        // `resource "aws_sfn_state_machine" "name" {`
        let mut quoted = header.split('"').skip(1).step_by(2);
        let (Some(kind), Some(name)) = (quoted.next(), quoted.next()) else {
            continue;
        };
        if !header.trim_start().starts_with("resource") || kind != RESOURCE {
            continue;
        }
        let Some(open) = text[at..].find('{').map(|i| at + i) else {
            continue;
        };
        let close = block_end(text, open);
        let body = &text[open + 1..close];
        let base = format!("/resource/{RESOURCE}/{name}");
        let workflow_type = attribute(body, "type")
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
            .filter(|v| !v.contains("${") && !v.contains('.'));
        let mut members = Vec::new();
        match attribute(body, "definition") {
            Some((offset, expression)) => {
                let start = open + 1 + offset;
                let span = Span::new(start, start + expression.len());
                members.push(Member {
                    key: "definition".into(),
                    key_span: span,
                    value: Node {
                        value: Value::String(expression.into()),
                        span,
                    },
                });
                let (reason, replacements) = classify(expression, &local);
                out.skipped.push(Skipped {
                    resource: base.clone(),
                    field: format!("{base}/definition"),
                    reason,
                    workflow_type,
                    substitutions: Substitutions::new(),
                    replacements,
                });
            }
            None => out.skipped.push(Skipped {
                resource: base.clone(),
                field: base.clone(),
                reason: SkipReason::NoDefinition,
                workflow_type: None,
                substitutions: Substitutions::new(),
                replacements: Vec::new(),
            }),
        }
        let header_span = Span::new(line_start, line_start + header.len());
        machines.push(Member {
            key: name.into(),
            key_span: header_span,
            value: Node {
                value: Value::Object(Object::new(members)),
                span: Span::new(line_start, (close + 1).min(text.len())),
            },
        });
        search = close.max(search);
    }
    let whole = Span::new(0, text.len());
    let wrap = |key: &str, value: Node| Node {
        span: whole,
        value: Value::Object(Object::new(vec![Member {
            key: key.into(),
            key_span: whole,
            value,
        }])),
    };
    let machines = Node {
        value: Value::Object(Object::new(machines)),
        span: whole,
    };
    (wrap("resource", wrap(RESOURCE, machines)), out)
}

/// How many `local.` references and wrappers are followed before giving up
/// (locals may refer to each other in a cycle).
const MAX_UNWRAP: usize = 16;

/// What a `definition` expression points at, and the `replace()` rewrites
/// applied to it (innermost first).
fn classify<'t>(
    expression: &'t str,
    local: &dyn Fn(&str) -> Option<&'t str>,
) -> (SkipReason, Vec<Replacement>) {
    let mut e = expression.trim();
    let mut replacements = Vec::new();
    let not_checkable = |why: String| (SkipReason::NotCheckable(why), Vec::new());
    for _ in 0..MAX_UNWRAP {
        if let Some(name) = e.strip_prefix("local.")
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            match local(name) {
                Some(value) => {
                    e = value.trim();
                    continue;
                }
                None => {
                    return not_checkable(format!(
                        "its definition is `local.{name}`, which no `locals` block of this \
                         module's `.tf` files defines"
                    ));
                }
            }
        }
        let Some((function, args)) = call(e) else {
            break;
        };
        match (function, args.as_slice()) {
            ("nonsensitive" | "trimspace" | "chomp", [inner]) => e = inner.trim(),
            ("replace", [inner, search, with]) => {
                let Some(search) = hcl_literal(search) else {
                    return not_checkable(
                        "its definition goes through `replace()` with a search text that is \
                         not a literal string"
                            .to_string(),
                    );
                };
                if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                    return not_checkable(
                        "its definition goes through `replace()` with a regular expression"
                            .to_string(),
                    );
                }
                replacements.push(Replacement {
                    search,
                    with: hcl_literal(with),
                });
                e = inner.trim();
            }
            ("file" | "templatefile", [path, ..]) => {
                // The path may itself be a local (`local.definition_path`).
                let mut path = path.trim();
                for _ in 0..MAX_UNWRAP {
                    match path.strip_prefix("local.").and_then(local) {
                        Some(value) => path = value.trim(),
                        None => break,
                    }
                }
                let Some(path) = hcl_literal_path(path) else {
                    break;
                };
                let path = path
                    .strip_prefix("${path.module}/")
                    .or_else(|| path.strip_prefix("${path.root}/"))
                    .unwrap_or(path);
                if path.contains("${") {
                    return not_checkable(format!(
                        "its definition file `{path}` is named through a variable"
                    ));
                }
                replacements.reverse();
                return (SkipReason::LocalFile(path.to_string()), replacements);
            }
            _ => break,
        }
    }
    let what = if e.starts_with("jsonencode(") {
        "written in HCL with `jsonencode(...)`"
    } else if e.starts_with("<<") {
        "an inline heredoc"
    } else {
        "built by an expression"
    };
    not_checkable(format!(
        "its definition is {what}; keep it in a `.asl.json` file and load it with `file()` or \
         `templatefile()` to have it linted"
    ))
}

/// `name(arg, ...)` as the function's name and its top-level arguments.
fn call(e: &str) -> Option<(&str, Vec<&str>)> {
    let open = e.find('(')?;
    let name = &e[..open];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let inner = e[open + 1..].strip_suffix(')')?;
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    // The last `)` must close the first `(`: `f(a) + g(b)` is no call.
    if depth != 0 || in_string {
        return None;
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        args.push(last);
    }
    Some((name, args))
}

/// The text of an HCL quoted string without interpolation.
fn hcl_literal(e: &str) -> Option<String> {
    let body = e.trim().strip_prefix('"')?.strip_suffix('"')?;
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => {
                out.push(match next? {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
                i += 2;
                continue;
            }
            '"' => return None,
            '$' | '%' if next == Some('{') => return None,
            // `$${` and `%%{` are a literal `${` and `%{`; `$$` before
            // anything else is two dollars.
            '$' | '%' if next == Some(c) && chars.get(i + 2) == Some(&'{') => {
                out.push(c);
                out.push('{');
                i += 3;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

/// A path argument: a quoted string whose only interpolation may be
/// `${path.module}` or `${path.root}` (kept, for the caller to strip).
fn hcl_literal_path(e: &str) -> Option<&str> {
    let body = e.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!body.contains(['"', '\\'])).then_some(body)
}

/// The bodies of the file's `locals { ... }` blocks, as byte ranges.
fn locals_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut bodies = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("locals")
            && rest.trim_start().starts_with('{')
        {
            let open = offset + (line.len() - rest.trim_start().len());
            let close = block_end(text, open);
            if close > open {
                bodies.push((open + 1, close));
            }
        }
        offset += line.len();
    }
    bodies
}

/// Each local a file's `locals` blocks define, with the body of the first
/// block that defines it (where [`attribute`] finds it), in file order.
fn local_names(text: &str) -> Vec<(&str, (usize, usize))> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (start, end) in locals_blocks(text) {
        let body = &text[start..end];
        // The lines `attribute` would match at the block's top level.
        let mut depth = 0usize;
        for line in body.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if depth == 0 {
                let name_len = trimmed
                    .bytes()
                    .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    .count();
                let name = &trimmed[..name_len];
                if name_len > 0
                    && trimmed[name_len..].trim_start().starts_with('=')
                    && seen.insert(name)
                {
                    out.push((name, (start, end)));
                }
            }
            depth += line.matches('{').count();
            depth = depth.saturating_sub(line.matches('}').count());
        }
    }
    out
}

/// The `locals` of a Terraform module's `.tf` files (a folder's, in name
/// order), read and indexed by name once per folder: each of 2,000 files
/// that names `local.X` used to read and scan every other file.
pub struct ModuleLocals {
    /// File names and texts (`None`: unreadable), in name order.
    files: Vec<(String, Option<String>)>,
    /// Each local's first definition in each file: (file, body), files in order.
    names: std::collections::HashMap<String, Vec<Definition>>,
}

/// Where a module's file defines a local: (file, body's byte range).
type Definition = (usize, (usize, usize));

impl ModuleLocals {
    pub fn new(files: Vec<(String, Option<String>)>) -> ModuleLocals {
        let mut names: std::collections::HashMap<String, Vec<Definition>> = Default::default();
        for (i, (_, text)) in files.iter().enumerate() {
            for (name, body) in text.as_deref().map(local_names).unwrap_or_default() {
                names.entry(name.to_string()).or_default().push((i, body));
            }
        }
        ModuleLocals { files, names }
    }

    /// The expression of local `name` in the first file that defines it
    /// among the first `limit` files other than `own` (a file name).
    pub fn find(&self, name: &str, own: &str, limit: usize) -> Option<&str> {
        let own_index = self.files.iter().position(|(n, _)| n == own);
        self.names.get(name)?.iter().find_map(|&(i, (start, end))| {
            // The file's rank among the others.
            let rank = match own_index {
                Some(o) if o == i => return None,
                Some(o) if o < i => i - 1,
                _ => i,
            };
            if rank >= limit {
                return None;
            }
            let text = self.files[i].1.as_deref()?;
            attribute(&text[start..end], name).map(|(_, e)| e)
        })
    }
}

/// The offset of the `}` closing the block opened at `open`, skipping
/// strings and comments; the length of the text when unbalanced.
fn block_end(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    text.len()
}

/// A top-level `name = expression` line in a block body: the expression's
/// offset in `body` and its text (to the end of the line, or of the
/// parenthesised call when it spans lines).
fn attribute<'b>(body: &'b str, name: &str) -> Option<(usize, &'b str)> {
    let mut offset = 0;
    let mut depth = 0usize;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if depth == 0
            && let Some(rest) = trimmed.strip_prefix(name)
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value_start = offset + (line.len() - value.len());
            let value = value.trim_start();
            let value_start =
                value_start + (body[value_start..].len() - body[value_start..].trim_start().len());
            let mut end = value.find('\n').unwrap_or(value.len());
            // A call spanning lines: run to its closing parenthesis.
            if value[..end].matches('(').count() > value[..end].matches(')').count() {
                let mut level = 0i32;
                for (i, c) in body[value_start..].char_indices() {
                    match c {
                        '(' => level += 1,
                        ')' => {
                            level -= 1;
                            if level == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            let expression = body[value_start..value_start + end].trim_end();
            return Some((value_start, expression));
        }
        depth += line.matches('{').count();
        depth = depth.saturating_sub(line.matches('}').count());
        offset += line.len();
    }
    None
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
    bucket = var.bucket
  })
  logging_configuration {
    level = "ALL"
  }
}

resource "aws_sfn_state_machine" "inline" {
  name       = "inline"
  definition = jsonencode({ StartAt = "A", States = {} })
}
"#;

    #[test]
    fn finds_file_references_and_inline_hcl() {
        let (tree, found) = extract(TF, &|_| None);
        assert_eq!(found.skipped.len(), 2);
        assert_eq!(
            found.skipped[0].reason,
            SkipReason::LocalFile("etl.asl.json".into())
        );
        assert_eq!(found.skipped[0].workflow_type.as_deref(), Some("EXPRESS"));
        assert!(matches!(
            found.skipped[1].reason,
            SkipReason::NotCheckable(_)
        ));
        let field = tree.resolve(&found.skipped[0].field);
        let span = field.node.span;
        assert!(TF[span.start as usize..span.end as usize].starts_with("templatefile("));
        assert!(TF[span.start as usize..span.end as usize].ends_with("})"));
    }

    #[test]
    fn an_unclosed_block_ending_in_a_multibyte_character_does_not_panic() {
        // Found by the mutation test: the block's end fell inside 'é'.
        let (_, found) = extract(
            "resource \"aws_sfn_state_machine\" \"p\" {\n definition = file(\"a.json\")\né",
            &|_| None,
        );
        assert_eq!(
            found.skipped[0].reason,
            SkipReason::LocalFile("a.json".into())
        );
    }

    #[test]
    fn calls_split_at_top_level_commas_only() {
        assert_eq!(
            call(r#"replace(f("a,b", {x = [1, 2]}), "\",", y)"#),
            Some((
                "replace",
                vec![r#"f("a,b", {x = [1, 2]})"#, r#""\",""#, "y"]
            ))
        );
        assert_eq!(call("f(a) + g(b)"), None);
        assert_eq!(call("local.x"), None);
        assert_eq!(hcl_literal(r#""\"__X__\"""#).as_deref(), Some(r#""__X__""#));
        assert_eq!(hcl_literal(r#""$${x}""#).as_deref(), Some("${x}"));
        assert_eq!(hcl_literal(r#""${var.x}""#), None);
        assert_eq!(hcl_literal(r#""$$x""#).as_deref(), Some("$$x"));
    }

    #[test]
    fn locals_that_refer_to_each_other_in_a_cycle_end() {
        let (_, found) = extract(
            "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_sfn_state_machine\" \"p\" {\n definition = local.a\n}\n",
            &|_| None,
        );
        assert!(matches!(
            found.skipped[0].reason,
            SkipReason::NotCheckable(_)
        ));
    }

    #[test]
    fn other_resources_and_broken_text_are_ignored() {
        let (_, found) = extract(
            "resource \"aws_lambda_function\" \"f\" {}\n# aws_sfn_state_machine\n",
            &|_| None,
        );
        assert!(found.skipped.is_empty());
        let (_, found) = extract(
            "resource \"aws_sfn_state_machine\" \"x\" {\n definition = file(\"a.json\")\n",
            &|_| None,
        );
        assert_eq!(
            found.skipped[0].reason,
            SkipReason::LocalFile("a.json".into())
        );
    }
}
