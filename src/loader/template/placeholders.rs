//! A definition file that a deploy fills in (`${Name}` outside strings):
//! each placeholder parses as an opaque value.

use crate::loader::json::{self, ParseError};
use crate::loader::tree::{Node, Span, Value};

/// Parses JSON in which `${...}` may stand outside strings (a file a
/// template substitutes), keeping those placeholders as opaque values.
pub fn parse_templated_json(text: &str, start: usize) -> Result<json::Parsed, ParseError> {
    let (prepared, opaque) = neutralise_placeholders(text);
    let mut parsed = json::parse(&prepared, start)?;
    restore_placeholders(&mut parsed.root, &opaque, text);
    Ok(parsed)
}

/// Replaces `${...}` written outside JSON strings (allowed by
/// `DefinitionSubstitutions`, e.g. `"IntervalSeconds": ${Interval}`) by
/// `null` padded to the same length, so the text parses and columns stay
/// put. Returns the text and the placeholders' offsets.
pub(super) fn neutralise_placeholders(text: &str) -> (String, Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut opaque = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = text[i..].find('}')
            // A name is needed (`${}` is no placeholder), which also makes
            // the placeholder at least as long as the `null` it becomes.
            && close > 2
            && !text[i..i + close].contains(['\n', '"'])
        {
            let end = i + close + 1;
            out.push_str(&text[copied..i]);
            out.push_str("null");
            out.push_str(&" ".repeat(end - i - 4));
            opaque.push((i, end));
            copied = end;
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    (out, opaque)
}

/// Turns the `null`s that stood in for placeholders into opaque values.
pub(super) fn restore_placeholders(root: &mut Node, opaque: &[(usize, usize)], original: &str) {
    if opaque.is_empty() {
        return;
    }
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        if matches!(node.value, Value::Null) {
            let start = node.span.start as usize;
            if let Ok(k) = opaque.binary_search_by_key(&start, |&(s, _)| s) {
                let (s, e) = opaque[k];
                node.value = Value::Opaque(original[s..e].into());
                node.span = Span::new(s, e);
            }
            continue;
        }
        match &mut node.value {
            Value::Object(o) => stack.extend(o.members.iter_mut().map(|m| &mut m.value)),
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}
