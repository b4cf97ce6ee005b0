//! Tree edits to byte edits of the file the user wrote.
//!
//! The loader owns positions, so it also owns writing at them: an edit keeps
//! the style of what surrounds it (JSON indentation, YAML block or flow
//! style, the file's line ending), and an edit inside a template's
//! `DefinitionString` is escaped the way that string is written.

use crate::edit::{Edit, NewValue};
use crate::loader::FileKind;
use crate::loader::template::{Embedded, ScalarStyle, StringScalar};
use crate::loader::tree::{Member, Node, Span, Value};

/// Byte edits for `edits` on the definition `root` inside `text`, sorted by
/// position; `Err` says why the fix cannot be written here.
pub fn resolve(
    text: &str,
    kind: FileKind,
    root: Option<&Node>,
    embedded: Option<&Embedded>,
    edits: &[Edit],
) -> Result<Vec<(Span, String)>, String> {
    if kind == FileKind::Terraform {
        return Err("asl-lint does not edit Terraform files".into());
    }
    let writer = Writer {
        text,
        yaml: kind == FileKind::Yaml,
        newline: newline_of(text),
        strings: embedded
            .map(|e| e.strings.as_slice())
            .filter(|s| !s.is_empty()),
    };
    if embedded.is_some_and(|e| e.approximate) {
        return Err("positions inside this `DefinitionString` are approximate".into());
    }
    let mut out = Vec::new();
    for edit in edits {
        let (span, content) = match edit {
            Edit::File { span, content } => (*span, content.clone()),
            _ => {
                let root = root.ok_or("the definition did not parse")?;
                writer.tree_edit(root, edit, &mut out)?;
                continue;
            }
        };
        out.push((span, content));
    }
    out.sort_by_key(|(span, _)| (span.start, span.end));
    if out.windows(2).any(|w| w[0].0.end > w[1].0.start) {
        return Err("the fix's edits overlap".into());
    }
    Ok(out)
}

struct Writer<'t> {
    text: &'t str,
    yaml: bool,
    newline: &'static str,
    /// The scalars of a `DefinitionString`: every edit lands in one and is
    /// escaped for it.
    strings: Option<&'t [StringScalar]>,
}

impl Writer<'_> {
    fn tree_edit(
        &self,
        root: &Node,
        edit: &Edit,
        out: &mut Vec<(Span, String)>,
    ) -> Result<(), String> {
        match edit {
            Edit::ReplaceValue { pointer, value } => {
                let node = exact(root, pointer)?;
                let content = if self.strings.is_none() && self.yaml && !self.flow_at(node.span) {
                    yaml_scalar_or_flow(value)
                } else {
                    compact_json(value)
                };
                // A block scalar's span runs to the next token, past its
                // line break: the new value ends where the scalar's last
                // line does, and the next line keeps its own.
                let mut span = node.span;
                if self.yaml
                    && self.strings.is_none()
                    && let Some(at) = after_line_break(self.text, span.end as usize)
                {
                    let end = self.text[..at].trim_end_matches(['\n', '\r']).len();
                    span = Span::new(span.start as usize, end.max(span.start as usize));
                }
                out.push(self.written(span, &content)?);
            }
            Edit::RenameKey { pointer, key } => {
                let (parent, name) = split(pointer)?;
                let member = exact(root, parent)?
                    .as_object()
                    .and_then(|o| o.member(&name))
                    .ok_or_else(|| format!("no member at {pointer}"))?;
                let written =
                    &self.text[member.key_span.start as usize..member.key_span.end as usize];
                let content = if self.strings.is_none() && !written.starts_with(['"', '\'']) {
                    yaml_key(key)
                } else if self.strings.is_none() && written.starts_with('\'') {
                    format!("'{}'", key.replace('\'', "''"))
                } else {
                    json_string(key)
                };
                out.push(self.written(member.key_span, &content)?);
            }
            Edit::InsertMember { object, key, value } => {
                let node = exact(root, object)?;
                let members = &node
                    .as_object()
                    .ok_or_else(|| format!("{object} is not an object"))?
                    .members;
                out.push(self.insert_member(node, members, key, value)?);
            }
            Edit::RemoveMember { pointer } => {
                let (parent, name) = split(pointer)?;
                let object = exact(root, parent)?;
                let members = &object
                    .as_object()
                    .ok_or_else(|| format!("{parent} is not an object"))?
                    .members;
                let i = members
                    .iter()
                    .rposition(|m| *m.key == *name)
                    .ok_or_else(|| format!("no member at {pointer}"))?;
                out.push(self.remove_member(object, members, i)?);
            }
            Edit::Reorder { array, order } => {
                let items = exact(root, array)?
                    .as_array()
                    .ok_or_else(|| format!("{array} is not an array"))?;
                if order.len() != items.len() || {
                    let mut seen = order.clone();
                    seen.sort_unstable();
                    seen.iter().enumerate().any(|(i, &o)| i != o)
                } {
                    return Err("the new order is not a permutation".into());
                }
                for (i, &from) in order.iter().enumerate() {
                    if i != from {
                        let source = items[from].span;
                        let raw = &self.text[source.start as usize..source.end as usize];
                        // Raw file text moves between elements of the same
                        // array, already written the file's way.
                        self.containing_scalar(items[i].span)?;
                        out.push((items[i].span, raw.to_string()));
                    }
                }
            }
            Edit::File { .. } => unreachable!("handled by resolve"),
        }
        Ok(())
    }

    fn flow_at(&self, span: Span) -> bool {
        matches!(
            self.text.as_bytes().get(span.start as usize),
            Some(b'{' | b'[')
        )
    }

    /// `content` is definition text; inside a `DefinitionString` it is
    /// escaped the way the scalar holding `span` is written.
    fn written(&self, span: Span, content: &str) -> Result<(Span, String), String> {
        let Some(scalar) = self.containing_scalar(span)? else {
            return Ok((span, content.to_string()));
        };
        let mut escaped = match scalar.style {
            ScalarStyle::DoubleQuoted => {
                let quoted = json_string(content);
                quoted[1..quoted.len() - 1].to_string()
            }
            ScalarStyle::SingleQuoted if !content.contains('\n') => content.replace('\'', "''"),
            ScalarStyle::Block if !content.contains('\n') => content.to_string(),
            _ => return Err("this string's style cannot hold the edit".into()),
        };
        if scalar.sub {
            escaped = sub_escaped(&escaped);
        }
        Ok((span, escaped))
    }

    fn containing_scalar(&self, span: Span) -> Result<Option<&StringScalar>, String> {
        let Some(strings) = self.strings else {
            return Ok(None);
        };
        strings
            .iter()
            .find(|s| s.span.start < span.start && span.end <= s.span.end)
            .map(Some)
            .ok_or_else(|| "the edit spans more than one string of the template".into())
    }

    fn insert_member(
        &self,
        object: &Node,
        members: &[Member],
        key: &str,
        value: &NewValue,
    ) -> Result<(Span, String), String> {
        let text = self.text;
        let Some(last) = members.last() else {
            // `{}`: the member goes inside the braces.
            if !self.flow_at(object.span) {
                return Err("cannot add a member to an empty block mapping".into());
            }
            let at = object.span.start as usize + 1;
            let content = format!("{}: {}", json_string(key), compact_json(value));
            return self.written(Span::new(at, at), &content);
        };
        let after_value = last.value.span.end as usize;
        if self.strings.is_some() || (self.flow_at(object.span) && !self.spans_lines(object)) {
            let content = format!(", {}: {}", json_string(key), compact_json(value));
            return self.written(Span::new(after_value, after_value), &content);
        }
        let indent = self.indent_of(last.key_span.start as usize);
        let unit = self.indent_unit(object, &indent);
        if self.flow_at(object.span) {
            let content = format!(
                ",{}{indent}{}: {}",
                self.newline,
                json_string(key),
                pretty_json(value, &indent, &unit, self.newline)
            );
            return Ok((Span::new(after_value, after_value), content));
        }
        // A block mapping: a line of its own after the last member's line,
        // so a comment at the end of that line stays where it is. A block
        // scalar (`|`, `>`, `|+`, `|-`) ends with its line break, at the
        // start of the next line: the new line goes right there, before
        // whatever follows, and the scalar's text is left as it was.
        if let Some(at) = after_line_break(text, after_value) {
            let content = format!(
                "{indent}{}:{}{}",
                yaml_key(key),
                yaml_block(value, &indent, &unit, self.newline),
                self.newline
            );
            return Ok((Span::new(at, at), content));
        }
        let line_end = text[after_value..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| after_value + i);
        let content = format!(
            "{}{indent}{}:{}",
            self.newline,
            yaml_key(key),
            yaml_block(value, &indent, &unit, self.newline)
        );
        Ok((Span::new(line_end, line_end), content))
    }

    /// The bytes that remove member `i`: in JSON (or YAML flow) it and the
    /// comma before it (after it, for the first); in a YAML block mapping
    /// its whole lines.
    fn remove_member(
        &self,
        object: &Node,
        members: &[Member],
        i: usize,
    ) -> Result<(Span, String), String> {
        let m = &members[i];
        let span = if self.strings.is_some() || self.flow_at(object.span) {
            match (i.checked_sub(1).map(|p| &members[p]), members.get(i + 1)) {
                (Some(prev), _) => {
                    Span::new(prev.value.span.end as usize, m.value.span.end as usize)
                }
                (None, Some(next)) => {
                    Span::new(m.key_span.start as usize, next.key_span.start as usize)
                }
                (None, None) => Span::new(m.key_span.start as usize, m.value.span.end as usize),
            }
        } else {
            let text = self.text;
            let key = m.key_span.start as usize;
            let line_start = text[..key].rfind('\n').map_or(0, |n| n + 1);
            if !text[line_start..key].chars().all(|c| c == ' ' || c == '\t') {
                return Err("the member shares its line (a `- ` item)".into());
            }
            let end = m.value.span.end as usize;
            // A block scalar's span already ends after its line break.
            let line_end = if let Some(at) = after_line_break(text, end) {
                at
            } else {
                text[end..].find('\n').map_or(text.len(), |n| end + n + 1)
            };
            Span::new(line_start, line_end)
        };
        if self.strings.is_some() {
            // Raw removal inside one string: nothing to escape.
            let scalar = self.containing_scalar(span)?;
            debug_assert!(scalar.is_some());
        }
        Ok((span, String::new()))
    }

    fn spans_lines(&self, node: &Node) -> bool {
        self.text[node.span.start as usize..node.span.end as usize].contains('\n')
    }

    /// The whitespace a key at `offset` is indented by (as spaces, so a
    /// `- ` sequence marker before it counts as indentation).
    fn indent_of(&self, offset: usize) -> String {
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.text[line_start..offset];
        if before.chars().all(|c| c == ' ' || c == '\t') {
            before.to_string()
        } else {
            " ".repeat(before.chars().count())
        }
    }

    /// One level of indentation: in JSON, the members' indent minus the
    /// indent of the line the object opens on; two spaces in YAML.
    fn indent_unit(&self, object: &Node, members_indent: &str) -> String {
        let start = object.span.start as usize;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.text[line_start..start];
        let parent = &line[..line.len() - line.trim_start().len()];
        match members_indent.strip_prefix(parent) {
            Some(unit) if self.flow_at(object.span) && !unit.is_empty() => unit.to_string(),
            _ => "  ".to_string(),
        }
    }
}

/// The file's line break, read from its first line: a fix writes new lines
/// the way the file writes them. Bounded, since it runs once per fix: a
/// scan of the whole text for each of thousands of fixes was quadratic.
fn newline_of(text: &str) -> &'static str {
    let head = &text.as_bytes()[..text.len().min(64 * 1024)];
    match memchr::memchr(b'\n', head) {
        Some(i) if i > 0 && head[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Fix text for an `Fn::Sub` template. A `${Name}` in it is a reference
/// copied from the definition (a target state `Process-${Env}`), and must
/// stay one, or the deployed name is wrong again; any other `${` is literal
/// text, written `${!` so that `Fn::Sub` leaves it alone. A reference that
/// does not resolve is reported by `undefined-substitution`, which makes
/// such a fix fail its check.
fn sub_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let reference = after.find('}').is_some_and(|end| {
            end > 0
                && after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':'))
        });
        out.push_str(if reference { "${" } else { "${!" });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The start of the line `offset` stands on when only indentation is
/// before it there: where a YAML block scalar's span ends (after its line
/// break, at the next token), so that nothing is glued to the scalar.
fn after_line_break(text: &str, offset: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = offset.min(bytes.len());
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    (i > 0 && bytes[i - 1] == b'\n').then_some(i)
}

fn exact<'a>(root: &'a Node, pointer: &str) -> Result<&'a Node, String> {
    let resolved = root.resolve(pointer);
    if !resolved.exact {
        return Err(format!("nothing at {pointer}"));
    }
    if matches!(resolved.node.value, Value::Opaque(_)) {
        return Err("the value is set at deploy time".into());
    }
    Ok(resolved.node)
}

fn split(pointer: &str) -> Result<(&str, String), String> {
    let at = pointer.rfind('/').ok_or("the root has no key")?;
    let name = crate::loader::pointer::segments(&pointer[at..])
        .next()
        .map(|s| s.into_owned())
        .unwrap_or_default();
    Ok((&pointer[..at], name))
}

pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// One line: `{"Type": "Fail", "Error": "X"}`.
pub fn compact_json(value: &NewValue) -> String {
    match value {
        NewValue::Null => "null".to_string(),
        NewValue::String(s) => json_string(s),
        NewValue::Integer(i) => i.to_string(),
        NewValue::Bool(b) => b.to_string(),
        NewValue::Array(items) => {
            let items: Vec<String> = items.iter().map(compact_json).collect();
            format!("[{}]", items.join(", "))
        }
        NewValue::Object(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", json_string(k), compact_json(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
    }
}

/// Indented like its surroundings; `indent` is the indentation of the line
/// the value starts on.
fn pretty_json(value: &NewValue, indent: &str, unit: &str, newline: &str) -> String {
    match value {
        NewValue::Object(members) if !members.is_empty() => {
            let inner = format!("{indent}{unit}");
            let lines: Vec<String> = members
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{inner}{}: {}",
                        json_string(k),
                        pretty_json(v, &inner, unit, newline)
                    )
                })
                .collect();
            format!(
                "{{{newline}{}{newline}{indent}}}",
                lines.join(&format!(",{newline}"))
            )
        }
        NewValue::Array(items) if items.iter().any(|i| matches!(i, NewValue::Object(_))) => {
            let inner = format!("{indent}{unit}");
            let lines: Vec<String> = items
                .iter()
                .map(|v| format!("{inner}{}", pretty_json(v, &inner, unit, newline)))
                .collect();
            format!(
                "[{newline}{}{newline}{indent}]",
                lines.join(&format!(",{newline}"))
            )
        }
        _ => compact_json(value),
    }
}

/// A YAML document of `value` (an object) in block style, two-space indents.
pub fn yaml_document(value: &NewValue) -> String {
    match value {
        NewValue::Object(members) => members
            .iter()
            .map(|(k, v)| format!("{}:{}\n", yaml_key(k), yaml_block(v, "", "  ", "\n")))
            .collect(),
        other => format!("{}\n", compact_json(other)),
    }
}

/// The text after `key:` in a block mapping whose keys are at `indent`.
fn yaml_block(value: &NewValue, indent: &str, unit: &str, newline: &str) -> String {
    let inner = format!("{indent}{unit}");
    match value {
        NewValue::Object(members) if !members.is_empty() => members
            .iter()
            .map(|(k, v)| {
                format!(
                    "{newline}{inner}{}:{}",
                    yaml_key(k),
                    yaml_block(v, &inner, unit, newline)
                )
            })
            .collect(),
        NewValue::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| match item {
                NewValue::Object(members) if !members.is_empty() => {
                    // `- First: x` then the rest under it.
                    let item_indent = format!("{inner}  ");
                    let mut out = String::new();
                    for (n, (k, v)) in members.iter().enumerate() {
                        let lead = if n == 0 {
                            format!("{newline}{inner}- ")
                        } else {
                            format!("{newline}{item_indent}")
                        };
                        out.push_str(&format!(
                            "{lead}{}:{}",
                            yaml_key(k),
                            yaml_block(v, &item_indent, unit, newline)
                        ));
                    }
                    out
                }
                _ => format!("{newline}{inner}- {}", yaml_scalar_or_flow(item)),
            })
            .collect(),
        _ => format!(" {}", yaml_scalar_or_flow(value)),
    }
}

/// A scalar as YAML writes it plainly when that reads back the same, JSON
/// (which YAML also reads) otherwise, and collections in flow style.
fn yaml_scalar_or_flow(value: &NewValue) -> String {
    match value {
        NewValue::String(s) if plain_safe(s) => s.clone(),
        _ => compact_json(value),
    }
}

fn yaml_key(key: &str) -> String {
    if plain_safe(key) {
        key.to_string()
    } else {
        json_string(key)
    }
}

/// Text YAML reads back as this same string when written unquoted: no
/// indicator first, no space at either end, no `: ` or ` #` inside, and not
/// a word YAML 1.1 or 1.2 reads as something else.
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/$[]* ".contains(c))
        && !s.ends_with([':', ' '])
        && !s.contains(": ")
        && !s.contains(" #")
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_are_only_those_yaml_reads_back() {
        assert!(plain_safe("Task"));
        assert!(plain_safe(
            "arn:aws:states:::aws-sdk:ec2:terminateInstances"
        ));
        assert!(plain_safe("Payload.$"));
        assert!(plain_safe("Stop Launch"));
        assert!(plain_safe("$.ec2.Instances[*].InstanceId"));
        for quoted in [
            "yes", "No", "on", "", "a b ", "a: b", "a #b", "#x", "1abc", "x:", "{a}",
        ] {
            assert!(!plain_safe(quoted), "{quoted}");
        }
    }

    #[test]
    fn blocks_nest_objects_and_lists() {
        let value = NewValue::object([
            ("Type", NewValue::string("Task")),
            (
                "Catch",
                NewValue::Array(vec![NewValue::object([
                    (
                        "ErrorEquals",
                        NewValue::Array(vec![NewValue::string("States.ALL")]),
                    ),
                    ("Next", NewValue::string("B")),
                ])]),
            ),
        ]);
        assert_eq!(
            yaml_block(&value, "  ", "  ", "\n"),
            "\n    Type: Task\n    Catch:\n      - ErrorEquals:\n          - States.ALL\n        Next: B"
        );
        assert_eq!(
            pretty_json(&value, "  ", "  ", "\n"),
            "{\n    \"Type\": \"Task\",\n    \"Catch\": [\n      {\n        \"ErrorEquals\": [\"States.ALL\"],\n        \"Next\": \"B\"\n      }\n    ]\n  }"
        );
    }
}
