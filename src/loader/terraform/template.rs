//! JSON written as a Terraform template: a heredoc's body, or a file that
//! `templatefile()` renders (`.tftpl`, `.json.tpl`...).
//!
//! Terraform fills `${...}` and runs `%{ for }` / `%{ if }` directives
//! before AWS reads the JSON, so neither is a syntax error here: an
//! interpolation outside a JSON string is an opaque value, a string whose
//! interpolation or directive holds quotes is opaque, and a directive
//! outside strings makes the innermost array or object around it opaque
//! (what it builds is known only when Terraform runs). One pass over the
//! text, no recursion; the JSON parser has its own depth bound.

use crate::loader::json::{self, ParseError};
use crate::loader::tree::{Node, Span, Value};

/// What the text turned into.
pub enum Rendered {
    Json(json::Parsed),
    /// A directive stands outside every array and object: the whole value
    /// is built by the template.
    BuiltByDirective,
}

/// Parses `text` (which starts at byte `offset` of its file) as JSON in
/// Terraform template syntax; spans are the file's.
pub fn parse(text: &str, offset: usize) -> Result<Rendered, ParseError> {
    let scan = scan(text);
    if scan.top_level_directive {
        return Ok(Rendered::BuiltByDirective);
    }
    let mut parsed = match json::parse(&scan.prepared, 0) {
        Ok(parsed) => parsed,
        Err(mut e) => {
            e.span = shift(e.span, offset);
            return Err(e);
        }
    };
    restore(&mut parsed.root, &scan, text);
    for d in &mut parsed.duplicates {
        d.first = shift(d.first, offset);
        d.duplicate = shift(d.duplicate, offset);
    }
    if offset > 0 {
        shift_tree(&mut parsed.root, offset);
    }
    Ok(Rendered::Json(parsed))
}

fn shift(span: Span, offset: usize) -> Span {
    Span::new(span.start as usize + offset, span.end as usize + offset)
}

/// Adds `offset` to every span of the tree, iteratively.
pub(super) fn shift_tree(root: &mut Node, offset: usize) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        node.span = shift(node.span, offset);
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    m.key_span = shift(m.key_span, offset);
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

struct Scan {
    /// The text with every template construct blanked, same length.
    prepared: String,
    /// Regions that parse as `null` and are opaque values: (start, end).
    opaque: Vec<(usize, usize)>,
    /// Starts of JSON strings that become opaque.
    tainted: Vec<usize>,
    top_level_directive: bool,
}

/// The end (exclusive) of the `${...}` or `%{...}` opened at `at`: the
/// matching `}`, skipping HCL strings inside; `None` when unclosed.
fn sequence_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at + 1;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut prepared = bytes.to_vec();
    let mut opaque = Vec::new();
    let mut tainted = Vec::new();
    // Open arrays and objects: (offset, a directive is inside).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut directive_regions: Vec<(usize, usize)> = Vec::new();
    let mut top_level_directive = false;
    let mut string_start: Option<usize> = None;
    // The last byte outside strings that was not blank: an interpolation
    // right after `{` or `,` in an object stands for members, not a value.
    let mut last = b' ';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        // `$${` and `%%{` are a literal `${` and `%{`.
        if (b == b'$' || b == b'%') && next == Some(b) && bytes.get(i + 2) == Some(&b'{') {
            i += 3;
            continue;
        }
        if (b == b'$' || b == b'%') && next == Some(b'{') {
            let Some(end) = sequence_end(bytes, i) else {
                // Unclosed: left for the JSON parser to report.
                i += 1;
                continue;
            };
            let directive = b == b'%';
            match string_start {
                Some(start) => {
                    // Inside a JSON string: its value is known only when
                    // Terraform runs if a directive or a quote is involved.
                    let inner = &bytes[i + 2..end - 1];
                    if directive || inner.iter().any(|&c| c == b'"' || c == b'\\' || c < 0x20) {
                        if tainted.last() != Some(&start) {
                            tainted.push(start);
                        }
                        for p in &mut prepared[i..end] {
                            *p = b'x';
                        }
                    }
                }
                None if directive
                    || (matches!(last, b'{' | b',')
                        && stack.last().is_some_and(|&(open, _)| bytes[open] == b'{')) =>
                {
                    match stack.last_mut() {
                        Some(open) => open.1 = true,
                        None => top_level_directive = true,
                    }
                    for p in &mut prepared[i..end] {
                        *p = b' ';
                    }
                }
                None if end - i >= 4 => {
                    prepared[i..i + 4].copy_from_slice(b"null");
                    for p in &mut prepared[i + 4..end] {
                        *p = b' ';
                    }
                    opaque.push((i, end));
                }
                None => {}
            }
            last = b'v';
            i = end;
            continue;
        }
        if string_start.is_none() && !b.is_ascii_whitespace() {
            last = b;
        }
        match string_start {
            Some(_) => match b {
                b'\\' => i += 1,
                b'"' => string_start = None,
                _ => {}
            },
            None => match b {
                b'"' => string_start = Some(i),
                b'[' | b'{' => stack.push((i, false)),
                b']' | b'}' => {
                    if let Some((open, true)) = stack.pop() {
                        directive_regions.push((open, i + 1));
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    // Regions close inner first: keep only the outermost ones.
    directive_regions.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
    let mut outer: Vec<(usize, usize)> = Vec::new();
    for r in directive_regions {
        if outer.last().is_some_and(|&(_, end)| r.0 < end) {
            continue;
        }
        outer.push(r);
    }
    for &(start, end) in &outer {
        prepared[start..start + 2].copy_from_slice(b"[]");
        for p in &mut prepared[start + 2..end] {
            *p = b' ';
        }
    }
    let inside = |at: usize| {
        let k = outer.partition_point(|&(s, _)| s <= at);
        k > 0 && at < outer[k - 1].1
    };
    opaque.retain(|&(s, _)| !inside(s));
    tainted.retain(|&s| !inside(s));
    opaque.extend(outer.iter().copied());
    opaque.sort_unstable();
    // Blanking writes ASCII over whole sequences and regions, which start
    // and end at ASCII bytes: the text stays UTF-8.
    let prepared = String::from_utf8(prepared)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Scan {
        prepared,
        opaque,
        tainted,
        top_level_directive,
    }
}

/// The values that stood for template constructs become opaque, reading
/// as the text the template wrote.
fn restore(root: &mut Node, scan: &Scan, original: &str) {
    if scan.opaque.is_empty() && scan.tainted.is_empty() {
        return;
    }
    let opaque_text = |s: usize, e: usize| -> Box<str> {
        let written = &original[s..e];
        if written.starts_with("${") {
            written.into()
        } else {
            // An array or object a directive builds.
            let first = written
                .find("%{")
                .and_then(|at| {
                    let rest = &written[at..];
                    rest.find('}').map(|close| &rest[..=close])
                })
                .unwrap_or("%{}");
            format!("${{{first}}}").into()
        }
    };
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        let start = node.span.start as usize;
        match &node.value {
            Value::Null | Value::Array(_) => {
                if let Ok(k) = scan.opaque.binary_search_by_key(&start, |&(s, _)| s) {
                    let (s, e) = scan.opaque[k];
                    node.value = Value::Opaque(opaque_text(s, e));
                    node.span = Span::new(s, e);
                    continue;
                }
            }
            Value::String(_) => {
                if scan.tainted.binary_search(&start).is_ok() {
                    let end = node.span.end as usize;
                    node.value = Value::Opaque(original[start..end].into());
                }
                continue;
            }
            _ => {}
        }
        match &mut node.value {
            Value::Object(o) => stack.extend(o.members.iter_mut().map(|m| &mut m.value)),
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    fn json(text: &str, offset: usize) -> json::Parsed {
        match parse(text, offset).unwrap() {
            Rendered::Json(parsed) => parsed,
            Rendered::BuiltByDirective => panic!("built by a directive"),
        }
    }

    #[test]
    fn interpolations_are_opaque_and_literals_keep_their_place() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${fn}", "TimeoutSeconds": ${jsonencode({a = "b"})}, "Comment": "${x == "y" ? 1 : 2}", "End": true}}}"#;
        let r = json(text, 10);
        let a = r.root.get("States").unwrap().get("A").unwrap();
        assert_eq!(a.get("Resource").unwrap().as_str(), Some("${fn}"));
        let t = a.get("TimeoutSeconds").unwrap();
        assert!(matches!(t.value, Value::Opaque(_)));
        assert_eq!(t.as_str().unwrap(), r#"${jsonencode({a = "b"})}"#);
        let c = a.get("Comment").unwrap();
        assert!(matches!(c.value, Value::Opaque(_)));
        let end = a.get("End").unwrap();
        let shifted = Span::new(end.span.start as usize - 10, end.span.end as usize - 10);
        assert_eq!(slice(text, shifted), "true");
    }

    #[test]
    fn a_directive_makes_only_its_enclosing_value_opaque() {
        let text = "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Parallel\", \"End\": true, \"Branches\": [\n %{ for b in branches ~}\n {\"StartAt\": \"${b}\", \"States\": {}}%{ if b != last },%{ endif }\n %{ endfor ~}\n ]}}}";
        let r = json(text, 0);
        let a = r.root.get("States").unwrap().get("A").unwrap();
        let branches = a.get("Branches").unwrap();
        assert!(matches!(branches.value, Value::Opaque(_)), "{branches:?}");
        assert!(
            slice(text, branches.span).starts_with('[')
                && slice(text, branches.span).ends_with(']')
        );
        assert_eq!(a.get("Type").unwrap().as_str(), Some("Parallel"));
        let s = json("{\"Comment\": \"%{ if x == \"y\" }a%{ endif }\"}", 0);
        assert!(matches!(
            s.root.get("Comment").unwrap().value,
            Value::Opaque(_)
        ));
        assert!(matches!(
            parse("%{ if x }{}%{ else }[]%{ endif }", 0),
            Ok(Rendered::BuiltByDirective)
        ));
    }

    #[test]
    fn an_interpolation_standing_for_members_makes_its_object_opaque() {
        let text = "{\"A\": {\"controls\": {\n ${var.controls}\n }, \"k\": 1}, \"B\": {\"x\": 1, ${var.more}}}";
        let r = json(text, 0);
        let a = r.root.get("A").unwrap();
        assert!(matches!(a.get("controls").unwrap().value, Value::Opaque(_)));
        assert_eq!(
            a.get("k").unwrap().as_number(),
            Some(crate::loader::tree::Number::Int(1))
        );
        assert!(matches!(r.root.get("B").unwrap().value, Value::Opaque(_)));
    }

    #[test]
    fn escapes_and_broken_text_give_errors_not_panics() {
        let r = json(r#"{"A": "$${literal}", "B": "é${x}"}"#, 0);
        assert_eq!(r.root.get("A").unwrap().as_str(), Some("$${literal}"));
        for broken in [
            "{\"A\": ${",
            "{\"A\": %{ for",
            "${}",
            "{\"é\": %{x}}",
            "[[[[%{ if }",
        ] {
            let _ = parse(broken, 3);
        }
        let e = parse("{\"A\": 1,}", 100).err().unwrap();
        assert!(e.span.start >= 100);
    }
}
