//! YAML into the same spanned tree as JSON, so every rule works unchanged.
//!
//! Built on `saphyr-parser`'s event API: unlike the YAML tree loaders it
//! keeps tags, exact spans and duplicate keys (which it does not reject).
//! CloudFormation short-form tags become their long form (`!GetAtt X` is
//! `{"Fn::GetAtt": "X"}`), so templates read the same in JSON and YAML.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::loader::json::{DuplicateKey, MAX_DEPTH, ParseError};
use crate::loader::tree::{Member, Node, Number, Object, Span, Value};

/// An unquoted scalar that YAML 1.1 (read by SAM and CloudFormation) and
/// YAML 1.2 read differently, or that 1.1 turns into a non-string.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplicitScalar {
    pub span: Span,
    pub text: String,
    /// What YAML 1.1 makes of it, e.g. "the boolean true".
    pub reading: String,
}

#[derive(Debug)]
pub struct Parsed {
    pub root: Node,
    pub duplicates: Vec<DuplicateKey>,
    pub implicit: Vec<ImplicitScalar>,
}

/// Aliases copy their anchor's nodes; this caps what the copies weigh, in
/// nodes plus the bytes of their strings and keys, so that a "billion
/// laughs" file, or one long string aliased a thousand times, fails cleanly
/// instead of exhausting memory. (A node count alone let a 506 KB file
/// expand to 983 MB.)
const MAX_ALIAS_WEIGHT: usize = 16 * 1024 * 1024;

/// Character index (what saphyr reports) to byte offset.
struct Offsets {
    /// Byte offset of each character; empty when the text is ASCII.
    bytes: Vec<u32>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(b, _)| b as u32).collect()
        };
        Offsets {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).map_or(self.len, |&b| b as usize)
        }
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

enum Frame {
    Sequence {
        start: usize,
        flow: bool,
        tag: Option<Tag>,
        items: Vec<Node>,
        anchor: usize,
    },
    Mapping {
        start: usize,
        flow: bool,
        tag: Option<Tag>,
        members: Vec<Member>,
        key: Option<(Box<str>, Span)>,
        anchor: usize,
    },
}

/// Parses the one YAML document of `text`.
///
/// PyYAML, which SAM and the AWS CLI use, accepts flow collections and
/// quoted scalars whose later lines are indented less than their parent key
/// (JSON pasted under `KeyPolicy: {`); YAML 1.2 parsers do not. When strict parsing fails, it
/// is retried once with such lines indented, and spans are mapped back, so
/// a template AWS deploys is never reported as broken.
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let strict = parse_strict(text);
    let Err(error) = strict else {
        return strict;
    };
    let Some((padded, map)) = indent_flow_lines(text) else {
        return Err(error);
    };
    let Ok(mut parsed) = parse_strict(&padded) else {
        return Err(error);
    };
    let span = |s: Span| Span::new(map[s.start as usize] as usize, map[s.end as usize] as usize);
    let mut stack: Vec<&mut Node> = vec![&mut parsed.root];
    while let Some(node) = stack.pop() {
        node.span = span(node.span);
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    m.key_span = span(m.key_span);
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    for d in &mut parsed.duplicates {
        d.first = span(d.first);
        d.duplicate = span(d.duplicate);
    }
    for i in &mut parsed.implicit {
        i.span = span(i.span);
    }
    Ok(parsed)
}

/// Indents every line that starts inside a flow collection (`{...}` or
/// `[...]` spanning lines) or a quoted value spanning lines past the line
/// that opened it. Returns the new
/// text and, for each of its bytes (and one past the end), the original
/// offset; `None` when no line needed it.
fn indent_flow_lines(text: &str) -> Option<(String, Vec<u32>)> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 65);
    let mut depth = 0usize;
    let mut pad = 0usize;
    let mut changed = false;
    // An open quote, and whether it may continue on the next line (a quoted
    // block value does; a JSON string inside a flow collection does not).
    let mut quote: Option<(char, bool)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let continues = depth > 0 || quote.is_some_and(|(_, multiline)| multiline);
        if continues && indent < pad && !line.trim().is_empty() {
            out.extend(std::iter::repeat_n(' ', pad - indent));
            map.extend(std::iter::repeat_n(offset as u32, pad - indent));
            changed = true;
        }
        let mut previous = ' ';
        let mut escaped = false;
        // What `line[..i].trim_end()` ends with, kept as the loop goes, so a
        // long line costs one pass (re-trimming per character was quadratic:
        // 100 KB of spaces took 3 s).
        let mut last_solid: Option<char> = None;
        let mut word_starts_with_bang = false;
        for c in line.chars() {
            let opens_value =
                last_solid.is_none_or(|l| l == ':' || l == '-') || word_starts_with_bang;
            match quote {
                Some(('"', _)) if escaped => escaped = false,
                Some(('"', _)) if c == '\\' => escaped = true,
                Some((q, _)) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if depth > 0 => quote = Some((c, false)),
                    '"' | '\'' if opens_value => {
                        quote = Some((c, true));
                        pad = indent + 1;
                    }
                    '#' if previous == ' ' || previous == '\t' => break,
                    '{' | '[' if depth > 0 => depth += 1,
                    '{' | '[' if opens_value => {
                        depth = 1;
                        pad = indent + 1;
                    }
                    '}' | ']' if depth > 0 => depth -= 1,
                    _ => {}
                },
            }
            if !c.is_whitespace() {
                if previous == ' ' || last_solid.is_none() {
                    word_starts_with_bang = c == '!';
                }
                last_solid = Some(c);
            }
            previous = c;
        }
        if quote.is_some_and(|(_, multiline)| !multiline) {
            quote = None;
        }
        out.push_str(line);
        map.extend((offset..offset + line.len()).map(|o| o as u32));
        offset += line.len();
    }
    map.push(offset as u32);
    changed.then_some((out, map))
}

fn parse_strict(text: &str) -> Result<Parsed, ParseError> {
    let offsets = Offsets::new(text);
    let mut tree = TreeBuilder {
        text,
        stack: Vec::new(),
        anchors: Vec::new(),
        copied: 0,
        implicit: Vec::new(),
        root: None,
    };
    for event in Parser::new_from_str(text) {
        let (event, raw_span) = event.map_err(|e| scan_error(text, &offsets, &e))?;
        let span = offsets.span(raw_span);
        let node = match event {
            Event::DocumentStart(_) if tree.root.is_some() => {
                // PyYAML's safe_load, which SAM, the AWS CLI and cfn-lint
                // read templates with, refuses a second document, and a
                // definition is one value: it would go unlinted otherwise.
                return Err(error_at(
                    span,
                    "a second YAML document starts here; a definition or template file holds one"
                        .to_string(),
                    "second document",
                ));
            }
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::SequenceStart(anchor, tag) => {
                tree.open_sequence(span, anchor, tag.map(Cow::into_owned))?;
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                tree.open_mapping(span, anchor, tag.map(Cow::into_owned))?;
                continue;
            }
            Event::SequenceEnd => tree.close_sequence(span)?,
            Event::MappingEnd => tree.close_mapping(span)?,
            Event::Scalar(value, style, anchor, tag) => {
                match tree.scalar(&value, style, anchor, tag.map(Cow::into_owned), span) {
                    Some(node) => node,
                    None => continue,
                }
            }
            Event::Alias(id) => match tree.alias(id, span)? {
                Some(node) => node,
                None => continue,
            },
        };
        tree.attach(node)?;
    }
    let Some(root) = tree.root else {
        let end = text.len();
        return Err(ParseError {
            message: "file holds no YAML document".into(),
            label: "empty".into(),
            help: Some("a definition is a mapping with `StartAt` and `States`".into()),
            span: Span::new(end, end),
        });
    };
    let duplicates = duplicate_keys(&root);
    Ok(Parsed {
        root,
        duplicates,
        implicit: tree.implicit,
    })
}

fn error_at(span: Span, message: String, label: &str) -> ParseError {
    ParseError {
        message,
        label: label.to_string(),
        help: None,
        span,
    }
}

/// A collection's span: a block collection ends where its last item does,
/// a flow one at its closing bracket (`close`, the end event's span).
fn collection_span(start: usize, flow: bool, last_end: Option<u32>, close: Span) -> Span {
    let end = match last_end {
        Some(end) if !flow => end as usize,
        _ => close.end as usize,
    };
    Span::new(start, end.max(start))
}

/// The tree as saphyr's events build it: the open collections, the anchors
/// seen so far (with the weight an alias to each copies), and the values
/// YAML 1.1 would read differently.
struct TreeBuilder<'a> {
    text: &'a str,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node, usize)>,
    /// Weight copied by aliases so far, against alias bombs.
    copied: usize,
    implicit: Vec<ImplicitScalar>,
    root: Option<Node>,
}

impl TreeBuilder<'_> {
    fn too_deep(&self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at(
                span,
                format!("YAML is nested more than {MAX_DEPTH} levels deep"),
                "too deep",
            ));
        }
        Ok(())
    }

    /// Whether the collection starting at `span` is written in flow style.
    fn flow(&self, span: Span, bracket: u8) -> bool {
        !span.is_empty() && self.text.as_bytes().get(span.start as usize) == Some(&bracket)
    }

    fn open_sequence(
        &mut self,
        span: Span,
        anchor: usize,
        tag: Option<Tag>,
    ) -> Result<(), ParseError> {
        self.too_deep(span)?;
        self.stack.push(Frame::Sequence {
            start: span.start as usize,
            flow: self.flow(span, b'['),
            tag,
            items: Vec::new(),
            anchor,
        });
        Ok(())
    }

    fn open_mapping(
        &mut self,
        span: Span,
        anchor: usize,
        tag: Option<Tag>,
    ) -> Result<(), ParseError> {
        self.too_deep(span)?;
        self.stack.push(Frame::Mapping {
            start: span.start as usize,
            flow: self.flow(span, b'{'),
            tag,
            members: Vec::new(),
            key: None,
            anchor,
        });
        Ok(())
    }

    fn close_sequence(&mut self, span: Span) -> Result<Node, ParseError> {
        let Some(Frame::Sequence {
            start,
            flow,
            tag,
            items,
            anchor,
        }) = self.stack.pop()
        else {
            return Err(error_at(span, "unbalanced YAML sequence".into(), "here"));
        };
        let node = Node {
            span: collection_span(start, flow, items.last().map(|n| n.span.end), span),
            value: Value::Array(items),
        };
        Ok(finish(node, tag, anchor, &mut self.anchors))
    }

    fn close_mapping(&mut self, span: Span) -> Result<Node, ParseError> {
        let Some(Frame::Mapping {
            start,
            flow,
            tag,
            members,
            anchor,
            ..
        }) = self.stack.pop()
        else {
            return Err(error_at(span, "unbalanced YAML mapping".into(), "here"));
        };
        let node = Node {
            span: collection_span(start, flow, members.last().map(|m| m.value.span.end), span),
            value: Value::Object(Object::new(members)),
        };
        Ok(finish(node, tag, anchor, &mut self.anchors))
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn set_key(&mut self, key: Box<str>, span: Span) {
        if let Some(Frame::Mapping { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some((key, span));
        }
    }

    /// A scalar value, or `None` when it is a mapping key (then kept for
    /// the value that follows).
    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        span: Span,
    ) -> Option<Node> {
        // An anchor is not the value: `&a1 on` is the scalar `on`, and a
        // fix of the scalar must leave `&a1` (and every `*a1`) intact.
        let span = if anchor != 0 && tag.is_none() {
            after_anchor(self.text, span)
        } else {
            span
        };
        let node = scalar(value, style, tag.as_ref(), span, &mut self.implicit);
        if self.in_key_position() {
            // Keys are strings whatever they look like: a state named `On`
            // is still the string "On" (with a warning).
            self.set_key(value.into(), span);
            if anchor != 0 {
                let w = weight(&node);
                self.anchors.push((anchor, node, w));
            }
            return None;
        }
        Some(finish(node, tag, anchor, &mut self.anchors))
    }

    /// A copy of the anchored node, or `None` when the alias is a mapping
    /// key; refused past `MAX_ALIAS_WEIGHT` copied in all.
    fn alias(&mut self, id: usize, span: Span) -> Result<Option<Node>, ParseError> {
        let Some((_, node, size)) = self.anchors.iter().rev().find(|(a, _, _)| *a == id) else {
            return Err(error_at(
                span,
                "alias to an unknown anchor".into(),
                "unknown anchor",
            ));
        };
        self.copied += size;
        if self.copied > MAX_ALIAS_WEIGHT {
            return Err(ParseError {
                message: format!(
                    "YAML aliases expand to more than {} MiB of nodes and text",
                    MAX_ALIAS_WEIGHT / (1024 * 1024)
                ),
                label: "expands too far".into(),
                help: Some("this looks like an alias bomb; write the values out".into()),
                span,
            });
        }
        if self.in_key_position() {
            let Some(key) = node.as_str() else {
                return Err(error_at(
                    span,
                    "a mapping key must be a string".into(),
                    "not a string key",
                ));
            };
            let key: Box<str> = key.into();
            self.set_key(key, span);
            return Ok(None);
        }
        // The copy stands where the alias is written: findings on it point
        // at `*a1`, not at the anchor's line.
        let mut copy = node.clone();
        copy.span = span;
        Ok(Some(copy))
    }

    /// Puts a finished value where it belongs: the root, the open
    /// sequence, or the open mapping under its key.
    fn attach(&mut self, node: Node) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { members, key, .. }) => match key.take() {
                Some((key, key_span)) => members.push(Member {
                    key,
                    key_span,
                    value: node,
                }),
                None => {
                    return Err(ParseError {
                        message: "a mapping key must be a plain string, not a mapping or sequence"
                            .into(),
                        label: "complex key".into(),
                        help: Some("Step Functions field and state names are strings".into()),
                        span: node.span,
                    });
                }
            },
        }
        Ok(())
    }
}

fn scan_error(text: &str, offsets: &Offsets, e: &saphyr_parser::ScanError) -> ParseError {
    let at = offsets.byte(e.marker().index());
    let info = e.info();
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let has_tab = text[line_start..line_end].contains('\t');
    let is_tab = info.contains("tab") || has_tab && info.contains("indent");
    // Point at the tab itself, not the character after it.
    let at = match text[line_start..line_end].find('\t') {
        Some(i) if is_tab => line_start + i,
        _ => at,
    };
    let (message, help) = if is_tab {
        (
            "tab character in YAML indentation".to_string(),
            Some("YAML indents with spaces only; replace the tab with spaces".to_string()),
        )
    } else {
        (format!("invalid YAML: {info}"), None)
    };
    let end = text[at.min(text.len())..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    ParseError {
        message,
        label: "here".into(),
        help,
        span: Span::new(at.min(text.len()), end.min(text.len())),
    }
}

/// Applies a CloudFormation short-form tag and records an anchor.
/// `span` without a leading `&anchor` and the blanks after it.
fn after_anchor(text: &str, span: Span) -> Span {
    let (start, end) = (span.start as usize, span.end as usize);
    let Some(written) = text.get(start..end) else {
        return span;
    };
    let Some(rest) = written.strip_prefix('&') else {
        return span;
    };
    let name_end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
    let after = rest[name_end..].trim_start_matches([' ', '\t', '\n', '\r']);
    if after.is_empty() {
        return span;
    }
    Span::new(end - after.len(), end)
}

fn finish(
    node: Node,
    tag: Option<Tag>,
    anchor: usize,
    anchors: &mut Vec<(usize, Node, usize)>,
) -> Node {
    let node = match tag {
        Some(tag) if tag.handle == "!" => {
            let name = match tag.suffix.as_str() {
                "Ref" | "Condition" => tag.suffix.clone(),
                other => format!("Fn::{other}"),
            };
            let span = node.span;
            let key_end = (span.start as usize + 1 + tag.suffix.len()).min(span.end as usize);
            Node {
                value: Value::Object(Object::new(vec![Member {
                    key: name.into(),
                    key_span: Span::new(span.start as usize, key_end),
                    value: node,
                }])),
                span,
            }
        }
        _ => node,
    };
    if anchor != 0 {
        anchors.push((anchor, node.clone(), weight(&node)));
    }
    node
}

/// What copying `node` costs: one per node, plus the bytes of its strings
/// and member keys.
fn weight(node: &Node) -> usize {
    let text = |n: &Node| match &n.value {
        Value::String(s) | Value::Opaque(s) => s.len(),
        _ => 0,
    };
    let mut w = 1 + text(node);
    crate::loader::tree::walk(node, |_, key, n| {
        w += 1 + text(n) + key.map_or(0, str::len);
        true
    });
    w
}

/// Resolves a scalar with the YAML 1.2 core schema, recording the unquoted
/// ones YAML 1.1 reads differently.
fn scalar(
    value: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: Span,
    implicit: &mut Vec<ImplicitScalar>,
) -> Node {
    let string = |s: &str| Node {
        value: Value::String(s.into()),
        span,
    };
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            if tag.suffix == "str" {
                return string(value);
            }
        } else {
            // A CloudFormation tag wraps the scalar as it is written.
            return string(value);
        }
    }
    if style != ScalarStyle::Plain {
        return string(value);
    }
    // An unquoted `${Name}` is substituted at deploy time (SAM and
    // CloudFormation `DefinitionSubstitutions` may be numbers or booleans),
    // so it may stand where ASL wants any type.
    if value.starts_with("${")
        && value.ends_with('}')
        && value[2..].find('}') == Some(value.len() - 3)
    {
        return Node {
            value: Value::Opaque(value.into()),
            span,
        };
    }
    if let Some(reading) = yaml11_reading(value) {
        implicit.push(ImplicitScalar {
            span,
            text: value.to_string(),
            reading: reading.to_string(),
        });
    }
    let value_of = |v: Value| Node { value: v, span };
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return value_of(Value::Null),
        "true" | "True" | "TRUE" => return value_of(Value::Bool(true)),
        "false" | "False" | "FALSE" => return value_of(Value::Bool(false)),
        _ => {}
    }
    if let Some(n) = core_number(value) {
        return value_of(Value::Number(n));
    }
    string(value)
}

/// YAML 1.2 core schema integers and floats (finite ones only: ASL has no
/// infinities).
fn core_number(s: &str) -> Option<Number> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() {
        return None;
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(i) => Some(Number::Int(i)),
            Err(_) => s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Number::Float),
        };
    }
    // `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    let b = digits.as_bytes();
    let run = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = run(0);
    let int_digits = i;
    if i < b.len() && b[i] == b'.' {
        let after = run(i + 1);
        if int_digits == 0 && after == i + 1 {
            return None;
        }
        i = after;
    } else if int_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = run(i);
        if e == i {
            return None;
        }
        i = e;
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Number::Float)
}

/// What YAML 1.1 makes of an unquoted scalar, when it differs from a plain
/// string under YAML 1.2 or is a surprise: `yes`/`no`/`on`/`off` are
/// booleans, `1e3` and `0x1F` and `1_000` and `1:30` are numbers.
fn yaml11_reading(s: &str) -> Option<String> {
    // PyYAML's resolver (behind SAM and cfn-lint), not the full 1.1 list: it
    // leaves `y` and `n` strings, and DynamoDB's `N:` keys rely on that.
    const TRUE: [&str; 9] = [
        "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
    ];
    const FALSE: [&str; 9] = [
        "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
    ];
    let is_plain_bool = matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE");
    if TRUE.contains(&s) && !is_plain_bool {
        return Some("the boolean true".into());
    }
    if FALSE.contains(&s) && !is_plain_bool {
        return Some("the boolean false".into());
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let hex = digits
        .strip_prefix("0x")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit() || b == b'_'));
    let underscored = digits.contains('_')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'_' || b == b'.')
        && digits.bytes().any(|b| b.is_ascii_digit());
    let sexagesimal = digits.contains(':')
        && digits
            .split(':')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && digits.split(':').skip(1).all(|p| p.len() <= 2);
    let octal =
        digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit());
    let exponent_without_dot =
        !digits.contains('.') && digits.contains(['e', 'E']) && core_number(s).is_some();
    if hex || underscored || sexagesimal || octal || exponent_without_dot {
        return Some("a number".into());
    }
    None
}

/// Every repeated key, with the pointer to the object holding it.
fn duplicate_keys(root: &Node) -> Vec<DuplicateKey> {
    let mut out = Vec::new();
    let mut check = |ptr: String, node: &Node| {
        if let Some(o) = node.as_object()
            && o.has_duplicates()
        {
            for (first, later) in o.duplicates() {
                out.push(DuplicateKey {
                    object_pointer: ptr.clone(),
                    key: later.key.to_string(),
                    first: first.key_span,
                    duplicate: later.key_span,
                });
            }
        }
    };
    check(String::new(), root);
    crate::loader::tree::walk(root, |path, _, node| {
        if node.as_object().is_some_and(Object::has_duplicates) {
            check(crate::loader::tree::pointer_at("", path), node);
        }
        true
    });
    out.sort_by_key(|d| d.duplicate.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Parsed {
        parse(text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let p = parse_ok("a: 1\nb: 2.5\nc: true\nd: ~\ne: '1'\nf: hello\ng: -3e2\n");
        let r = &p.root;
        assert_eq!(r.get("a").unwrap().as_number(), Some(Number::Int(1)));
        assert_eq!(r.get("b").unwrap().as_number(), Some(Number::Float(2.5)));
        assert_eq!(r.get("c").unwrap().as_bool(), Some(true));
        assert!(matches!(r.get("d").unwrap().value, Value::Null));
        assert_eq!(r.get("e").unwrap().as_str(), Some("1"));
        assert_eq!(r.get("f").unwrap().as_str(), Some("hello"));
        assert_eq!(r.get("g").unwrap().as_number(), Some(Number::Float(-300.0)));
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let text = "é: x\nkey: value\n";
        let p = parse_ok(text);
        let m = p.root.as_object().unwrap().member("key").unwrap();
        assert_eq!(
            &text[m.key_span.start as usize..m.key_span.end as usize],
            "key"
        );
        let v = m.value.span;
        assert_eq!(&text[v.start as usize..v.end as usize], "value");
    }

    #[test]
    fn short_tags_become_long_form() {
        let p = parse_ok("R: !GetAtt Fn.Arn\nS: !Sub 'a-${X}'\n");
        let r = p.root.get("R").unwrap();
        assert_eq!(r.get("Fn::GetAtt").unwrap().as_str(), Some("Fn.Arn"));
        let s = p.root.get("S").unwrap();
        assert_eq!(s.get("Fn::Sub").unwrap().as_str(), Some("a-${X}"));
        let p = parse_ok("R: !Ref Name\n");
        assert_eq!(
            p.root.get("R").unwrap().get("Ref").unwrap().as_str(),
            Some("Name")
        );
    }

    #[test]
    fn duplicates_are_reported_not_fatal() {
        let p = parse_ok("States:\n  A: 1\n  A: 2\n");
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.duplicates[0].object_pointer, "/States");
        assert_eq!(
            p.root.get("States").unwrap().get("A").unwrap().as_number(),
            Some(Number::Int(2))
        );
    }

    #[test]
    fn tabs_and_garbage_are_located_errors() {
        let e = parse("A:\n\tB: 1\n").unwrap_err();
        assert!(e.message.contains("tab"), "{}", e.message);
        assert_eq!(e.span.start, 3);
        assert!(parse("").is_err());
        assert!(parse("a: [1, 2\n").is_err());
    }

    #[test]
    fn yaml_1_1_surprises_are_recorded() {
        let p = parse_ok("a: yes\nb: 'on'\nc: 1e3\nd: 0x1F\ne: plain\nf: 10\nN: '1'\n");
        let texts: Vec<&str> = p.implicit.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["yes", "1e3", "0x1F"]);
    }

    #[test]
    fn alias_bombs_fail_cleanly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("aliases"), "{}", e.message);
    }

    #[test]
    fn json_pasted_less_indented_than_its_key_is_accepted_like_pyyaml() {
        let text = "Resources:\n  Key:\n    Policy: {\n  \"a\": [1,\n 2]\n}\n    Other: x\n";
        let p = parse_ok(text);
        let policy = p
            .root
            .get("Resources")
            .unwrap()
            .get("Key")
            .unwrap()
            .get("Policy")
            .unwrap();
        let a = policy.get("a").unwrap();
        assert_eq!(
            &text[a.span.start as usize..a.span.end as usize],
            "[1,\n 2]"
        );
        let other = p
            .root
            .get("Resources")
            .unwrap()
            .get("Key")
            .unwrap()
            .get("Other")
            .unwrap();
        assert_eq!(
            &text[other.span.start as usize..other.span.end as usize],
            "x"
        );
    }

    #[test]
    fn multi_line_quoted_values_less_indented_are_accepted_like_pyyaml() {
        let text = "Outputs:\n  Sample:\n    Value: \"{\n  \\\"a\\\": 1\n}\"\n  Next: x\n";
        let p = parse_ok(text);
        let next = p.root.get("Outputs").unwrap().get("Next").unwrap();
        assert_eq!(&text[next.span.start as usize..next.span.end as usize], "x");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(5000);
        assert!(parse(&text).is_err());
    }
}
