//! A `DefinitionString` is text inside a JSON or YAML scalar: decoded with
//! a map from each decoded byte back to the file, so spans land on the
//! template's own lines.

use crate::loader::json;
use crate::loader::tree::{Node, Span, Value};

use super::*;

/// Decoded text with, for each byte of it (and one past the end), the byte
/// in the file it came from.
#[derive(Debug, Default)]
pub struct Mapped {
    pub text: String,
    pub map: Vec<u32>,
    pub exact: bool,
    /// The scalars the text was decoded from, exactly.
    pub scalars: Vec<StringScalar>,
}

impl Mapped {
    fn push_str(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        self.map.extend(std::iter::repeat_n(at as u32, s.len()));
    }

    fn push_char(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.map
            .extend(std::iter::repeat_n(at as u32, c.len_utf8()));
    }

    fn source(&self, offset: usize) -> usize {
        self.map
            .get(offset)
            .or(self.map.last())
            .copied()
            .unwrap_or(0) as usize
    }

    fn span(&self, s: Span) -> Span {
        let start = self.source(s.start as usize);
        // The end is where the next decoded byte came from, so an escaped
        // last character (`\"`) is covered whole; but the next byte may be
        // a `Fn::Join` delimiter, mapped to the part after it, and then the
        // span ends at the closing quote of the last byte's own part.
        let end = if s.end > s.start {
            let next = self.source(s.end as usize);
            let last = self.source(s.end as usize - 1);
            let own = self
                .scalars
                .iter()
                .find(|sc| (sc.span.start as usize) <= last && last < sc.span.end as usize);
            match own {
                Some(sc)
                    if next >= sc.span.end as usize
                        && matches!(
                            sc.style,
                            ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted
                        ) =>
                {
                    (sc.span.end as usize - 1).max(last + 1)
                }
                _ => next,
            }
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

/// A `DefinitionString` (plain, `Fn::Sub` or `Fn::Join`), parsed with spans
/// in the file.
pub(super) fn from_string(text: &str, node: &Node) -> Result<Embedded, String> {
    let mut mapped = Mapped {
        exact: true,
        ..Mapped::default()
    };
    match (&node.value, intrinsic(node)) {
        (Value::String(s), _) => scalar_text(text, node, s, &mut mapped),
        (_, Some(("Fn::Sub", arg))) => {
            let target = match &arg.value {
                Value::Array(items) => items.first().ok_or("`Fn::Sub` has no string")?,
                _ => arg,
            };
            let s = target
                .as_str()
                .ok_or("its `Fn::Sub` is not built from a string")?;
            scalar_text(text, target, s, &mut mapped);
            for scalar in &mut mapped.scalars {
                scalar.sub = true;
            }
        }
        (_, Some(("Fn::Join", arg))) => {
            let [delimiter, parts] = arg.as_array().ok_or("its `Fn::Join` is malformed")? else {
                return Err("its `Fn::Join` is malformed".into());
            };
            let delimiter = delimiter
                .as_str()
                .ok_or("its `Fn::Join` delimiter is not a string")?;
            let parts = parts
                .as_array()
                .ok_or("its `Fn::Join` parts are not a list")?;
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    mapped.push_str(delimiter, part.span.start as usize);
                }
                match &part.value {
                    Value::String(s) => scalar_text(text, part, s, &mut mapped),
                    // A value known at deploy time: an opaque placeholder.
                    _ => mapped.push_str(&format!("${{__part_{i}}}"), part.span.start as usize),
                }
            }
        }
        (_, Some((name, _))) => {
            return Err(format!(
                "its `DefinitionString` is built with `{name}`, which asl-lint cannot evaluate"
            ));
        }
        _ => return Err("its `DefinitionString` is not a string".into()),
    }
    mapped
        .map
        .push(mapped.map.last().map_or(node.span.end, |&l| l + 1));
    // The whole text is one deploy-time reference (Serverless
    // `${file(./machine.json)}`, a parameter holding the definition): what
    // it stands for is not in the template, so there is nothing to lint.
    let whole = mapped.text.trim();
    if whole.starts_with("${")
        && whole.ends_with('}')
        && whole[2..].find("${").is_none()
        && !whole.starts_with("${!")
    {
        return Err(format!(
            "its `DefinitionString` is the deploy-time value `{whole}`, filled in when the \
             template is deployed"
        ));
    }
    let chars = mapped.text.chars().count();
    let (prepared, opaque) = neutralise_placeholders(&mapped.text);
    let parsed = json::parse(&prepared, 0);
    let mut e = embedded(
        Node {
            value: Value::Null,
            span: node.span,
        },
        chars,
    );
    e.approximate = !mapped.exact;
    match parsed {
        Ok(parsed) => {
            let mut root = parsed.root;
            restore_placeholders(&mut root, &opaque, &mapped.text);
            remap(&mut root, &mapped);
            e.root = root;
            e.duplicates = parsed
                .duplicates
                .into_iter()
                .map(|mut d| {
                    d.first = mapped.span(d.first);
                    d.duplicate = mapped.span(d.duplicate);
                    d
                })
                .collect();
        }
        Err(mut err) => {
            err.span = mapped.span(err.span);
            err.message = format!("`DefinitionString` is not valid JSON: {}", err.message);
            e.syntax = Some(err);
        }
    }
    e.strings = std::mem::take(&mut mapped.scalars);
    Ok(e)
}

/// Appends a string scalar's decoded value, mapping each byte back to the
/// file. Falls back to the scalar's start when the raw form is not one we
/// can walk (and marks the mapping approximate).
pub(super) fn scalar_text(text: &str, node: &Node, value: &str, out: &mut Mapped) {
    let start = block_header_before(text, node.span.start as usize);
    let raw = &text[start..(node.span.end as usize).min(text.len())];
    let base = start;
    let mut attempt = Mapped::default();
    // The parser's value is the reference; a difference in whitespace only
    // is tolerated (saphyr keeps one space too many on the last line of a
    // `- |-` block in some layouts, where PyYAML agrees with this decoder).
    let same = |a: &str, b: &str| a == b || a.split_whitespace().eq(b.split_whitespace());
    let ok = decode_raw(raw, base, &mut attempt) && same(&attempt.text, value);
    if ok {
        out.text.push_str(&attempt.text);
        out.map.extend(attempt.map);
        let (skip, style) = scalar_style(raw);
        out.scalars.push(StringScalar {
            span: Span::new(base + skip, base + raw.len()),
            style,
            sub: false,
        });
    } else {
        out.exact = false;
        out.push_str(value, base);
    }
}

/// The parser starts some block scalars' spans at their first content line
/// (in a sequence item, `- |-`); step back to the `|` or `>` header then.
pub(super) fn block_header_before(text: &str, start: usize) -> usize {
    let before = &text[..start];
    // Only indentation may lie between the scalar and the line break before
    // it. Looking back over that and no further keeps this constant for the
    // many scalars of one long flow line (100,000 `Fn::Join` parts).
    let indent = before.len() - before.trim_end_matches([' ', '\t']).len();
    let line_end = start - indent;
    if line_end == 0 || text.as_bytes()[line_end - 1] != b'\n' {
        return start;
    }
    let line_end = line_end - 1;
    let line_start = before[..line_end].rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..line_end];
    let trimmed = line.trim_end();
    let Some(at) = trimmed.rfind(['|', '>']) else {
        return start;
    };
    let header_ok = trimmed[at + 1..]
        .bytes()
        .all(|b| b == b'-' || b == b'+' || b.is_ascii_digit())
        && (at == 0 || trimmed.as_bytes()[at - 1] == b' ');
    if header_ok { line_start + at } else { start }
}

/// Decodes a scalar as written: a JSON or YAML double-quoted string, a
/// single-quoted one, a `|` or `>` block, or a plain one-line scalar. A
/// leading CloudFormation tag (`!Sub`) is skipped.
pub(super) fn decode_raw(raw: &str, base: usize, out: &mut Mapped) -> bool {
    let skip = tag_length(raw);
    let body = &raw[skip..];
    let base = base + skip;
    match body.chars().next() {
        Some('"') => decode_double_quoted(body, base, out),
        Some('\'') => decode_single_quoted(body, base, out),
        Some('|') => decode_block(body, base, out, false),
        Some('>') => decode_block(body, base, out, true),
        Some(_) if !body.contains('\n') => {
            out.push_str_mapped(body.trim_end(), base);
            true
        }
        _ => false,
    }
}

/// The length of a leading CloudFormation tag (`!Sub `) and its spaces.
pub(super) fn tag_length(raw: &str) -> usize {
    if !raw.starts_with('!') {
        return 0;
    }
    let skip = raw.find(|c: char| c.is_whitespace()).unwrap_or(raw.len());
    skip + raw[skip..].len() - raw[skip..].trim_start_matches([' ', '\t']).len()
}

/// Where a scalar's body starts after its tag, and how it is written.
pub(super) fn scalar_style(raw: &str) -> (usize, ScalarStyle) {
    let skip = tag_length(raw);
    let style = match raw[skip..].chars().next() {
        Some('"') => ScalarStyle::DoubleQuoted,
        Some('\'') => ScalarStyle::SingleQuoted,
        Some('|' | '>') => ScalarStyle::Block,
        _ => ScalarStyle::Plain,
    };
    (skip, style)
}

impl Mapped {
    fn push_str_mapped(&mut self, s: &str, base: usize) {
        for (i, c) in s.char_indices() {
            self.push_char(c, base + i);
        }
    }
}

pub(super) fn decode_double_quoted(body: &str, base: usize, out: &mut Mapped) -> bool {
    let mut chars = body.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return true,
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return false;
                };
                let decoded = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '/' => '/',
                    '\\' => '\\',
                    '"' => '"',
                    '0' => '\0',
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            let Some((_, h)) = chars.next() else {
                                return false;
                            };
                            let Some(d) = h.to_digit(16) else {
                                return false;
                            };
                            code = code * 16 + d;
                        }
                        if (0xD800..0xDC00).contains(&code) {
                            // A surrogate pair: `\uD83D\uDE00`.
                            let (Some((_, '\\')), Some((_, 'u'))) = (chars.next(), chars.next())
                            else {
                                return false;
                            };
                            let mut low = 0u32;
                            for _ in 0..4 {
                                let Some(d) = chars.next().and_then(|(_, h)| h.to_digit(16)) else {
                                    return false;
                                };
                                low = low * 16 + d;
                            }
                            if !(0xDC00..0xE000).contains(&low) {
                                return false;
                            }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        }
                        match char::from_u32(code) {
                            Some(c) => c,
                            None => return false,
                        }
                    }
                    _ => return false,
                };
                out.push_char(decoded, base + i);
            }
            // A line break inside a YAML double-quoted scalar folds: too
            // rare in templates to map, so let the caller fall back.
            '\n' => return false,
            c => out.push_char(c, base + i),
        }
    }
    false
}

pub(super) fn decode_single_quoted(body: &str, base: usize, out: &mut Mapped) -> bool {
    let mut chars = body.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                chars.next();
                out.push_char('\'', base + i);
            }
            '\'' => return true,
            '\n' => return false,
            c => out.push_char(c, base + i),
        }
    }
    false
}

/// A `|` (literal) or `>` (folded) block scalar. Only the content's prefix
/// matters for mapping; the caller checks the result against the parser's
/// value and falls back if folding or chomping made them differ.
pub(super) fn decode_block(body: &str, base: usize, out: &mut Mapped, folded: bool) -> bool {
    let Some(header_end) = body.find('\n') else {
        return false;
    };
    let header = &body[1..header_end];
    let explicit: Option<usize> = header
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|d| d as usize);
    let keep = header.contains('+');
    let strip = header.contains('-');
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = header_end + 1;
    for line in body[header_end + 1..].split_inclusive('\n') {
        lines.push((offset, line.strip_suffix('\n').unwrap_or(line)));
        offset += line.len();
    }
    let indent = explicit.unwrap_or_else(|| {
        lines
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map_or(0, |(_, l)| l.len() - l.trim_start_matches(' ').len())
    });
    if indent == 0 {
        return false;
    }
    // The block ends at the first non-empty line indented less.
    let content: Vec<(usize, &str)> = lines
        .into_iter()
        .take_while(|(_, l)| l.trim().is_empty() || l.starts_with(&" ".repeat(indent)))
        .map(|(o, l)| (o, if l.len() >= indent { &l[indent..] } else { "" }))
        .collect();
    let last_text = content.iter().rposition(|(_, l)| !l.is_empty());
    let Some(last_text) = last_text else {
        return true;
    };
    let mut previous_folds = false;
    for (k, (o, line)) in content.iter().enumerate().take(last_text + 1) {
        let at = base + o + indent;
        if k > 0 {
            let newline_at = at.saturating_sub(indent + 1);
            let more_indented = line.starts_with([' ', '\t']);
            if folded && previous_folds && !line.is_empty() && !more_indented {
                out.push_char(' ', newline_at);
            } else if !(folded && line.is_empty() && previous_folds) {
                out.push_char('\n', newline_at);
            }
            previous_folds = !line.is_empty() && !more_indented;
            if line.is_empty() && folded {
                previous_folds = false;
            }
        } else {
            previous_folds = !line.starts_with([' ', '\t']);
        }
        out.push_str_mapped(line, at);
    }
    if !strip {
        let end_at = base + content[last_text].0 + indent + content[last_text].1.len();
        out.push_char('\n', end_at);
        if keep {
            for (o, _) in &content[last_text + 1..] {
                out.push_char('\n', base + o);
            }
        }
    }
    true
}

/// Moves every span from decoded-text offsets to file offsets.
pub(super) fn remap(root: &mut Node, mapped: &Mapped) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        node.span = mapped.span(node.span);
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    m.key_span = mapped.span(m.key_span);
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}
