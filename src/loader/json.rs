//! A strict, span-aware JSON parser (RFC 8259, as Step Functions accepts it).
//!
//! Written for this project rather than taken from a crate because we need, in
//! one pass: byte spans for every key and value, duplicate keys kept, exact
//! errors for what AWS rejects (trailing commas, comments, single quotes, raw
//! control characters, numbers out of range, an empty file), and no recursion,
//! so no input can overflow the stack.

use crate::loader::pointer;
use crate::loader::tree::{Member, Node, Number, Object, Span, Value};

/// Nesting deeper than this is refused with a clean error. AWS documents no
/// limit; real definitions stay far below it (30 nested Map/Parallel levels
/// are about 110).
pub const MAX_DEPTH: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub span: Span,
}

/// Two members of one object with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer to the object holding both.
    pub object_pointer: String,
    pub key: String,
    pub first: Span,
    pub duplicate: Span,
}

#[derive(Debug)]
pub struct Parsed {
    pub root: Node,
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses `text[start..]` as one JSON document. Offsets in spans are relative
/// to `text` (so a skipped BOM keeps positions right).
pub fn parse(text: &str, start: usize) -> Result<Parsed, ParseError> {
    Parser {
        bytes: text.as_bytes(),
        text,
        pos: start,
        stack: Vec::new(),
        duplicates: Vec::new(),
    }
    .document()
}

enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        members: Vec<Member>,
        key: Box<str>,
        key_span: Span,
    },
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    stack: Vec<Frame>,
    duplicates: Vec<DuplicateKey>,
}

fn err(message: impl Into<String>, label: impl Into<String>, span: Span) -> ParseError {
    ParseError {
        message: message.into(),
        label: label.into(),
        help: None,
        span,
    }
}

impl ParseError {
    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), ParseError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) => {
                    let end = self.comment_end();
                    return Err(err(
                        "comments are not allowed in JSON",
                        "comment",
                        Span::new(self.pos, end),
                    )
                    .with_help(
                        "Step Functions rejects comments; use a state's `Comment` field instead",
                    ));
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    fn comment_end(&self) -> usize {
        let rest = &self.text[self.pos..];
        let len = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else {
            rest.find("*/").map_or(rest.len(), |i| i + 2)
        };
        self.pos + len
    }

    /// The span of the (UTF-8) character at `pos`, or an empty span at EOF.
    fn char_span(&self, pos: usize) -> Span {
        let len = self.text[pos..].chars().next().map_or(0, char::len_utf8);
        Span::new(pos, pos + len)
    }

    /// Points at the last character of the file (not the empty end), so the
    /// snippet shows where the text stops.
    fn eof_error(&self, expected: &str) -> ParseError {
        let end = self.text.trim_end_matches([' ', '\t', '\n', '\r']).len();
        let last = self.text[..end]
            .chars()
            .next_back()
            .map_or(end, |c| end - c.len_utf8());
        err(
            format!("unexpected end of file, expected {expected}"),
            "file ends after this",
            Span::new(last, end),
        )
    }

    fn unexpected(&self, expected: &str) -> ParseError {
        let Some(b) = self.peek() else {
            return self.eof_error(expected);
        };
        let span = self.char_span(self.pos);
        let found = &self.text[span.start as usize..span.end as usize];
        match b {
            b'\'' => err("strings must use double quotes", "single quote", span)
                .with_help("replace the single quotes with double quotes"),
            _ => err(
                format!("expected {expected}, found `{}`", found.escape_debug()),
                format!("expected {expected}"),
                span,
            ),
        }
    }

    fn document(mut self) -> Result<Parsed, ParseError> {
        self.skip_ws()?;
        if self.pos >= self.bytes.len() {
            return Err(err(
                "file is empty: expected a JSON object",
                "no content",
                Span::new(self.bytes.len(), self.bytes.len()),
            ));
        }
        let root = self.value_tree()?;
        self.skip_ws()?;
        if self.pos < self.bytes.len() {
            let span = self.char_span(self.pos);
            return Err(err(
                "unexpected content after the end of the JSON document",
                "extra content starts here",
                span,
            )
            .with_help("a definition is exactly one JSON object; remove what follows it"));
        }
        Ok(Parsed {
            root,
            duplicates: self.duplicates,
        })
    }

    /// Parses one complete value (of any depth) with an explicit stack.
    fn value_tree(&mut self) -> Result<Node, ParseError> {
        'value: loop {
            self.skip_ws()?;
            let start = self.pos;
            let mut done = match self.peek() {
                Some(b'{') => {
                    self.open(start)?;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            value: Value::Object(Object::default()),
                            span: Span::new(start, self.pos),
                        }
                    } else {
                        let (key, key_span) = self.key()?;
                        self.stack.push(Frame::Object {
                            start,
                            members: Vec::new(),
                            key,
                            key_span,
                        });
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.open(start)?;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Node {
                            value: Value::Array(Vec::new()),
                            span: Span::new(start, self.pos),
                        }
                    } else {
                        self.stack.push(Frame::Array {
                            start,
                            items: Vec::new(),
                        });
                        continue 'value;
                    }
                }
                Some(_) => self.scalar()?,
                None => return Err(self.eof_error("a value")),
            };
            // Attach the finished value to its parent, closing every container
            // that ends right after it.
            loop {
                let in_array = match self.stack.last_mut() {
                    None => return Ok(done),
                    Some(Frame::Array { items, .. }) => {
                        items.push(done);
                        true
                    }
                    Some(Frame::Object {
                        members,
                        key,
                        key_span,
                        ..
                    }) => {
                        members.push(Member {
                            key: std::mem::take(key),
                            key_span: *key_span,
                            value: done,
                        });
                        false
                    }
                };
                self.skip_ws()?;
                let close = if in_array { b']' } else { b'}' };
                match self.peek() {
                    Some(b',') => {
                        let comma = self.pos;
                        self.pos += 1;
                        self.skip_ws()?;
                        if self.peek() == Some(close) {
                            return Err(trailing_comma(comma));
                        }
                        if !in_array {
                            let (next_key, next_span) = self.key()?;
                            if let Some(Frame::Object { key, key_span, .. }) = self.stack.last_mut()
                            {
                                *key = next_key;
                                *key_span = next_span;
                            }
                        }
                        continue 'value;
                    }
                    Some(c) if c == close => {
                        self.pos += 1;
                        done = match self.stack.pop() {
                            Some(Frame::Array { start, items }) => Node {
                                value: Value::Array(items),
                                span: Span::new(start, self.pos),
                            },
                            Some(Frame::Object { start, members, .. }) => {
                                let object = Object::new(members);
                                self.record_duplicates(&object);
                                Node {
                                    value: Value::Object(object),
                                    span: Span::new(start, self.pos),
                                }
                            }
                            None => unreachable!("a frame was on the stack"),
                        };
                    }
                    _ => {
                        return Err(self.unexpected(if in_array {
                            "`,` or `]`"
                        } else {
                            "`,` or `}`"
                        }));
                    }
                }
            }
        }
    }

    fn open(&self, start: usize) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(
                format!("JSON is nested deeper than {MAX_DEPTH} levels"),
                "too deep",
                Span::new(start, start + 1),
            ));
        }
        Ok(())
    }

    /// A member key, then the `:` after it.
    fn key(&mut self) -> Result<(Box<str>, Span), ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {}
            Some(b'\'') => return Err(self.unexpected("a key")),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let end = self.bytes[start..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$')))
                    .map_or(self.bytes.len(), |n| start + n);
                return Err(err(
                    "object keys must be strings in double quotes",
                    "unquoted key",
                    Span::new(start, end),
                )
                .with_help(format!("write it as \"{}\"", &self.text[start..end])));
            }
            _ => return Err(self.unexpected("a string key in double quotes")),
        }
        let key = self.string()?;
        let key_span = Span::new(start, self.pos);
        self.skip_ws()?;
        if self.peek() != Some(b':') {
            return Err(self.unexpected("`:` after the key"));
        }
        self.pos += 1;
        Ok((key, key_span))
    }

    fn scalar(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'\'') => return Err(self.unexpected("a value")),
            Some(b']' | b'}') if self.pos > 0 && self.after_comma() => {
                return Err(trailing_comma(self.previous_comma()));
            }
            Some(b'+' | b'.') => {
                let end = self.word_end(start);
                return Err(err(
                    format!("invalid number `{}`", &self.text[start..end]),
                    "not a JSON number",
                    Span::new(start, end),
                )
                .with_help("JSON numbers have no leading `+` or `.`"));
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let end = self.word_end(start);
                let word = &self.text[start..end];
                let help = match word {
                    "True" | "False" | "Null" | "TRUE" | "FALSE" | "NULL" => {
                        format!(
                            "JSON literals are lowercase: `{}`",
                            word.to_ascii_lowercase()
                        )
                    }
                    "NaN" | "Infinity" => "JSON has no NaN or Infinity".to_string(),
                    _ => "strings must be in double quotes".to_string(),
                };
                return Err(err(
                    format!("unexpected `{word}`, expected a value"),
                    "not a JSON value",
                    Span::new(start, end),
                )
                .with_help(help));
            }
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn after_comma(&self) -> bool {
        self.text[..self.pos]
            .trim_end_matches([' ', '\t', '\n', '\r'])
            .ends_with(',')
    }

    fn previous_comma(&self) -> usize {
        self.text[..self.pos]
            .trim_end_matches([' ', '\t', '\n', '\r'])
            .len()
            - 1
    }

    fn word_end(&self, start: usize) -> usize {
        self.bytes[start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.')))
            .map_or(self.bytes.len(), |n| start + n)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.bytes[start..].starts_with(word.as_bytes())
            && !self
                .bytes
                .get(start + word.len())
                .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            self.pos += word.len();
            return Ok(value);
        }
        let end = self.word_end(start).max(start + 1);
        Err(err(
            format!("unexpected `{}`, expected a value", &self.text[start..end]),
            "not a JSON value",
            Span::new(start, end),
        ))
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let int_digits = i - int_start;
        let mut integral = true;
        let bad = |this: &Self, help: &str| {
            let end = this.word_end(start);
            err(
                format!("invalid number `{}`", &this.text[start..end]),
                "not a JSON number",
                Span::new(start, end),
            )
            .with_help(help.to_string())
        };
        if int_digits == 0 {
            return Err(bad(self, "a JSON number needs digits after `-`"));
        }
        if int_digits > 1 && b[int_start] == b'0' {
            return Err(bad(self, "JSON numbers have no leading zeros"));
        }
        if b.get(i) == Some(&b'.') {
            integral = false;
            i += 1;
            let frac_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == frac_start {
                return Err(bad(self, "a JSON number needs digits after `.`"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integral = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == exp_start {
                return Err(bad(self, "a JSON number needs digits in its exponent"));
            }
        }
        if b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
        {
            return Err(bad(self, "hexadecimal and other number forms are not JSON"));
        }
        self.pos = i;
        let raw = &self.text[start..i];
        if integral && let Ok(n) = raw.parse::<i64>() {
            return Ok(Number::Int(n));
        }
        let f: f64 = raw.parse().map_err(|_| bad(self, "not a number"))?;
        if !f.is_finite() {
            return Err(err(
                format!("number `{raw}` is out of range"),
                "too large for a 64-bit float",
                Span::new(start, i),
            )
            .with_help("Step Functions rejects numbers outside the double-precision range"));
        }
        Ok(Number::Float(f))
    }

    /// A string starting at the current `"`; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<Box<str>, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let b = self.bytes;
        let run_start = self.pos;
        // Fast path: no escapes.
        while let Some(&c) = b.get(self.pos) {
            match c {
                b'"' => {
                    let s = &self.text[run_start..self.pos];
                    self.pos += 1;
                    return Ok(s.into());
                }
                b'\\' => break,
                0..=0x1f => return Err(self.control_char(open)),
                _ => self.pos += 1,
            }
        }
        let mut out = String::from(&self.text[run_start..self.pos]);
        loop {
            let Some(&c) = b.get(self.pos) else {
                return Err(err(
                    "unterminated string",
                    "string starts here",
                    Span::new(open, open + 1),
                ));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(out.into());
                }
                b'\\' => {
                    let esc = self.pos;
                    let Some(&e) = b.get(self.pos + 1) else {
                        return Err(self.eof_error("an escape sequence"));
                    };
                    self.pos += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4(esc)?;
                            let c = if (0xD800..0xDC00).contains(&first)
                                && b.get(self.pos) == Some(&b'\\')
                                && b.get(self.pos + 1) == Some(&b'u')
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let second = self.hex4(save)?;
                                if (0xDC00..0xE000).contains(&second) {
                                    char::from_u32(
                                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00),
                                    )
                                } else {
                                    // Not a pair: decode the first alone and re-read the second.
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(first)
                            };
                            // A lone surrogate is valid JSON syntax; keep a replacement char.
                            out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                        }
                        _ => {
                            let span = Span::new(esc, self.char_span(esc + 1).end as usize);
                            return Err(err(
                                format!(
                                    "invalid escape `{}` in string",
                                    &self.text[span.start as usize..span.end as usize]
                                ),
                                "invalid escape",
                                span,
                            )
                            .with_help(
                                "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                            ));
                        }
                    }
                }
                0..=0x1f => return Err(self.control_char(open)),
                _ => {
                    // Copy the run up to the next special byte in one go.
                    let run = self.pos;
                    while b
                        .get(self.pos)
                        .is_some_and(|&c| c != b'"' && c != b'\\' && c >= 0x20)
                    {
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run..self.pos]);
                }
            }
        }
    }

    fn control_char(&self, open: usize) -> ParseError {
        let c = self.bytes[self.pos];
        let what = match c {
            b'\n' => "a raw line break".to_string(),
            b'\t' => "a raw tab".to_string(),
            _ => format!("raw control character U+{c:04X}"),
        };
        let mut e = err(
            format!("{what} inside a string"),
            "control character",
            Span::new(self.pos, self.pos + 1),
        )
        .with_help("escape it (for example `\\n` or `\\t`)");
        if c == b'\n' && !self.text[open + 1..self.pos].contains('"') {
            e.label = "string is not closed on this line".to_string();
        }
        e
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        match digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
        {
            Some(v) if digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit)) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(err(
                "invalid `\\u` escape: expected four hex digits",
                "invalid escape",
                Span::new(esc, (esc + 6).min(self.bytes.len())),
            )),
        }
    }

    fn record_duplicates(&mut self, object: &Object) {
        let dups = object.duplicates();
        if dups.is_empty() {
            return;
        }
        let object_pointer = self.stack_pointer();
        for (first, later) in dups {
            self.duplicates.push(DuplicateKey {
                object_pointer: object_pointer.clone(),
                key: later.key.to_string(),
                first: first.key_span,
                duplicate: later.key_span,
            });
        }
    }

    /// The pointer to the value being built on top of the stack (its frames
    /// are the ancestors). Only computed when a duplicate is found.
    fn stack_pointer(&self) -> String {
        let mut ptr = String::new();
        for frame in &self.stack {
            ptr = match frame {
                Frame::Array { items, .. } => pointer::push_index(&ptr, items.len()),
                Frame::Object { key, .. } => pointer::push(&ptr, key),
            };
        }
        ptr
    }
}

/// The message of a trailing comma, which the loader tells apart.
pub const TRAILING_COMMA: &str = "trailing comma is not allowed";

fn trailing_comma(comma: usize) -> ParseError {
    err(
        TRAILING_COMMA,
        "remove this comma",
        Span::new(comma, comma + 1),
    )
    .with_help("Step Functions rejects trailing commas in JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> ParseError {
        parse(text, 0).expect_err("should fail")
    }

    #[test]
    fn parses_nested_values_with_spans() {
        let text = r#"{"a": [1, 2.5, "x\n", true, null], "b": {}}"#;
        let parsed = parse(text, 0).unwrap();
        let a = parsed.root.get("a").unwrap();
        assert_eq!(
            &text[a.span.start as usize..a.span.end as usize],
            r#"[1, 2.5, "x\n", true, null]"#
        );
        let items = a.as_array().unwrap();
        assert_eq!(items[0].as_number(), Some(Number::Int(1)));
        assert_eq!(items[1].as_number(), Some(Number::Float(2.5)));
        assert_eq!(items[2].as_str(), Some("x\n"));
        let member = parsed.root.as_object().unwrap().member("b").unwrap();
        assert_eq!(
            &text[member.key_span.start as usize..member.key_span.end as usize],
            r#""b""#
        );
    }

    #[test]
    fn rejects_what_aws_rejects() {
        let cases = [
            ("{\"a\": 1,}", "trailing comma is not allowed", 7),
            ("[1,\n]", "trailing comma is not allowed", 2),
            ("{\"a\": 1 // x\n}", "comments are not allowed in JSON", 8),
            ("{'a': 1}", "strings must use double quotes", 1),
            ("{a: 1}", "object keys must be strings in double quotes", 1),
            ("{\"a\": \"x\ty\"}", "a raw tab inside a string", 8),
            ("{\"a\": 1e400}", "number `1e400` is out of range", 6),
            ("", "file is empty: expected a JSON object", 0),
            ("  \n", "file is empty: expected a JSON object", 3),
            ("{\"a\": 01}", "invalid number `01`", 6),
            (
                "{\"a\": 1} x",
                "unexpected content after the end of the JSON document",
                9,
            ),
            ("{\"a\": True}", "unexpected `True`, expected a value", 6),
            ("{\"a\" 1}", "expected `:` after the key, found `1`", 5),
            (
                "{\"a\": 1",
                "unexpected end of file, expected `,` or `}`",
                6,
            ),
            ("{\"a\": \"\\x\"}", "invalid escape `\\x` in string", 7),
        ];
        for (text, message, at) in cases {
            let e = parse_err(text);
            assert_eq!(
                (e.message.as_str(), e.span.start),
                (message, at),
                "input {text:?}"
            );
        }
    }

    #[test]
    fn keeps_duplicates_and_reports_them_with_pointer() {
        let text = r#"{"States": {"A/x": {"Next": "B", "Next": "C"}}}"#;
        let parsed = parse(text, 0).unwrap();
        assert_eq!(parsed.duplicates.len(), 1);
        let d = &parsed.duplicates[0];
        assert_eq!(d.object_pointer, "/States/A~1x");
        assert_eq!(d.key, "Next");
        // Last one wins on lookup.
        assert_eq!(
            parsed.root.resolve("/States/A~1x/Next").node.as_str(),
            Some("C")
        );
    }

    #[test]
    fn large_objects_use_the_sorted_index() {
        let members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k7\": 99}}", members.join(", "));
        let parsed = parse(&text, 0).unwrap();
        assert_eq!(
            parsed.root.get("k7").unwrap().as_number(),
            Some(Number::Int(99))
        );
        assert_eq!(
            parsed.root.get("k39").unwrap().as_number(),
            Some(Number::Int(39))
        );
        assert!(parsed.root.get("k40").is_none());
        assert_eq!(parsed.duplicates.len(), 1);
        assert_eq!(parsed.duplicates[0].key, "k7");
    }

    #[test]
    fn deep_nesting_is_a_clean_error_not_a_stack_overflow() {
        let deep = "[".repeat(200_000);
        let e = parse_err(&deep);
        assert!(e.message.contains("nested deeper"), "{}", e.message);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, 0).is_ok());
    }

    #[test]
    fn decodes_unicode_escapes_and_surrogate_pairs() {
        let parsed = parse(r#"["\u00e9\ud83d\ude00", "\ud800x"]"#, 0).unwrap();
        let items = parsed.root.as_array().unwrap();
        assert_eq!(items[0].as_str(), Some("é😀"));
        assert_eq!(items[1].as_str(), Some("\u{fffd}x"));
    }
}
