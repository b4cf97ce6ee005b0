//! Reference paths as the data-flow analysis reads them: which root
//! (`$`, `$$`, a variable) and which fields, for definite paths only.

use super::shape::Seg;

/// What a path starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$`: the value the field is evaluated against.
    Value,
    /// `$$`: the context object.
    Context,
    /// `$name`: a variable.
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathRef {
    pub root: Root,
    pub segs: Vec<Seg>,
}

/// A definite JSONPath (`$.a.b`, `$['a'][0]`), or `None` for what is not
/// one: wildcards, filters, slices, unions, deep scans and functions pick
/// what they find, so a missing field there is not an error.
pub fn parse(text: &str) -> Option<PathRef> {
    let text = text.trim_end();
    let b = text.as_bytes();
    if b.first() != Some(&b'$') {
        return None;
    }
    let mut i = 1;
    let root = if b.get(1) == Some(&b'$') {
        i = 2;
        Root::Context
    } else if b
        .get(1)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        Root::Variable
    } else {
        Root::Value
    };
    let mut segs = Vec::new();
    while i < b.len() {
        match b[i] {
            b'.' => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && !matches!(b[end], b'.' | b'[') {
                    end += 1;
                }
                let name = &text[start..end];
                if name.is_empty() || name == "*" || name.contains(['(', ')', ' ', '@', '?']) {
                    return None;
                }
                segs.push(Seg::Field(name.into()));
                i = end;
            }
            b'[' => {
                let close = text[i..].find(']')? + i;
                let inner = text[i + 1..close].trim();
                if inner.len() >= 2
                    && ((inner.starts_with('\'') && inner.ends_with('\''))
                        || (inner.starts_with('"') && inner.ends_with('"')))
                {
                    let name = &inner[1..inner.len() - 1];
                    if name.contains(['\'', '"', ',']) {
                        return None;
                    }
                    segs.push(Seg::Field(name.into()));
                } else if !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_digit()) {
                    segs.push(Seg::Index);
                } else {
                    return None;
                }
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(PathRef { root, segs })
}

/// The path arguments of an intrinsic function call (`States.Format('{}',
/// $.a, States.JsonToString($.b))` gives `$.a` and `$.b`): text outside
/// quoted strings that starts with `$` after `(`, `,` or a space.
pub fn intrinsic_paths(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut prev = b'(';
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // A quoted argument: skip to its closing quote.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            prev = b'\'';
            continue;
        }
        if c == b'$' && matches!(prev, b'(' | b',' | b' ') {
            let start = i;
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b',' | b')' | b' ' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
            out.push(&text[start..i]);
            continue;
        }
        prev = c;
        i += 1;
    }
    out
}

/// Whether a string value is an intrinsic function call.
pub fn is_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// The fields read after `root` (`$states.input`) in a JSONata expression:
/// for each occurrence, the byte offset and the segments (`.name` or
/// `` .`quoted name` ``), up to the first step that is not a plain field.
/// Occurrences inside string literals or as the argument of `$exists` are
/// left out: there a missing field is the point.
pub fn jsonata_reads(expr: &str, root: &str) -> Vec<(usize, Vec<Seg>)> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
            i += 1;
            continue;
        }
        // Bytes: `i` steps through the text a byte at a time and may stand
        // inside a character.
        if b[i..].starts_with(root.as_bytes()) {
            let before = expr[..i].trim_end();
            let guarded = before.ends_with("$exists(");
            let mut j = i + root.len();
            // `$states.inputs` is another name.
            if b.get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i = j;
                continue;
            }
            let mut segs = Vec::new();
            while b.get(j) == Some(&b'.') {
                let start = j + 1;
                if b.get(start) == Some(&b'`') {
                    let Some(close) = expr[start + 1..].find('`') else {
                        break;
                    };
                    segs.push(Seg::Field(expr[start + 1..start + 1 + close].into()));
                    j = start + close + 2;
                    continue;
                }
                let mut end = start;
                while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                    end += 1;
                }
                if end == start || b.get(end) == Some(&b'(') {
                    break;
                }
                segs.push(Seg::Field(expr[start..end].into()));
                j = end;
            }
            if !guarded && !segs.is_empty() {
                out.push((i, segs));
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &PathRef) -> Vec<String> {
        p.segs
            .iter()
            .map(|s| match s {
                Seg::Field(f) => f.to_string(),
                Seg::Index => "[]".to_string(),
            })
            .collect()
    }

    #[test]
    fn definite_paths() {
        let p = parse("$.a['b c'][0].d").expect("definite");
        assert_eq!(p.root, Root::Value);
        assert_eq!(fields(&p), ["a", "b c", "[]", "d"]);
        assert_eq!(
            parse("$$.Execution.Id").map(|p| p.root),
            Some(Root::Context)
        );
        assert_eq!(parse("$var.x").map(|p| p.root), Some(Root::Variable));
        assert_eq!(parse("$").map(|p| p.segs.len()), Some(0));
        for indefinite in ["$..a", "$.a[*]", "$.a[?(@.x)]", "$.a[0:2]", "$.a.length()"] {
            assert_eq!(parse(indefinite), None, "{indefinite}");
        }
    }

    #[test]
    fn intrinsic_arguments() {
        assert_eq!(
            intrinsic_paths("States.Format('{} $.not', $.a, States.JsonToString($.b[0]))"),
            ["$.a", "$.b[0]"]
        );
        assert_eq!(intrinsic_paths("States.UUID()"), Vec::<&str>::new());
    }

    #[test]
    fn jsonata_fields() {
        let reads = jsonata_reads(
            "{% $states.input.a.`b c` & '$states.input.x' & $exists($states.input.q) & $states.inputs.z & $states.input.f($x) %}",
            "$states.input",
        );
        let got: Vec<Vec<Seg>> = reads.into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            got,
            vec![vec![Seg::Field("a".into()), Seg::Field("b c".into())]]
        );
    }
}
