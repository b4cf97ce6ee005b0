use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Node, Segment, Value, pointer_at, walk};
use crate::model::QueryLanguage;
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "undefined-variable",
    severity: Severity::Info,
    group: Group::Structural,
    summary: "a variable is read but assigned nowhere in the state machine",
    doc: include_str!("../../../rules/undefined-variable.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Names that look like variables but are built in.
const BUILT_IN: &[&str] = &["states"];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    // Every name assigned anywhere (`Assign` in states, Catch entries and
    // Choice rules); variables are visible machine-wide in the simple case.
    let mut assigned: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&Node> = vec![m.root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(o) => {
                for member in &o.members {
                    if &*member.key == "Assign"
                        && let Some(a) = member.value.as_object()
                    {
                        assigned.extend(
                            a.members
                                .iter()
                                .map(|v| v.key.strip_suffix(".$").unwrap_or(&v.key)),
                        );
                    }
                    stack.push(&member.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    // Read sites: `$name` at the start of a JSONPath value, or inside a
    // JSONata expression. Map processors also see `$states`, which is built in.
    // Read sites, state by state: a `{% %}` expression in a JSONata state,
    // or a path in a JSONPath state (under a key ending in `.$`, or in a path
    // field). Anywhere else the text is literal.
    let mut suggestions = crate::rules::SUGGESTIONS_PER_DEFINITION;
    for s in &m.states {
        let jsonata = s.query_language == QueryLanguage::Jsonata;
        walk(s.node, |path, key, node| {
            // Nested scopes are their own states; comments are text.
            if let [Segment::Key(k)] = path
                && matches!(*k, "Branches" | "ItemProcessor" | "Iterator")
            {
                return false;
            }
            let key = key.unwrap_or("");
            if key == "Comment" {
                return false;
            }
            let Some(text) = node.as_str() else {
                return true;
            };
            let read = if jsonata {
                text.trim_start().starts_with("{%")
            } else {
                key.ends_with(".$") || key.ends_with("Path") || key == "Variable"
            };
            if !read || !text.contains('$') {
                return false;
            }
            for name in read_variables(text) {
                if assigned.contains(name) || BUILT_IN.contains(&name) {
                    continue;
                }
                let candidates = assigned.iter().copied().chain(BUILT_IN.iter().copied());
                let close = if suggestions > 0 {
                    suggestions -= 1;
                    suggest(name, candidates)
                } else {
                    None
                };
                let help = match close {
                    Some(close) => format!("did you mean `${close}`?"),
                    None => "assign it with `Assign` in an earlier state, or check the spelling"
                        .to_string(),
                };
                out.push(
                    Diagnostic::new(
                        &RULE,
                        pointer_at(&s.pointer, path),
                        format!("variable `${name}` is never assigned"),
                    )
                    .label("read here")
                    .help(help),
                );
            }
            false
        });
    }
}

/// Variables a string reads: a JSONPath value starting with `$name`, or
/// `$name` inside a `{% %}` expression (JSONata functions like `$sum(` and
/// strings in quotes are not variables).
fn read_variables(text: &str) -> Vec<&str> {
    let t = text.trim();
    let expr = if let Some(inner) = t.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")) {
        inner
    } else if t.starts_with('$')
        && t.as_bytes()
            .get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        // JSONPath mode: only the root can be a variable.
        let end = t[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(t.len(), |i| i + 1);
        return vec![&t[1..end]];
    } else {
        return Vec::new();
    };
    let bound = locally_bound(expr);
    let mut found = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'$'
                && b.get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_') =>
            {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                    end += 1;
                }
                // `$name(` is a function call.
                let called = expr[end..].trim_start().starts_with('(');
                let name = &expr[start..end];
                if !called && !bound.contains(&name) && !found.contains(&name) {
                    found.push(&expr[start..end]);
                }
                i = end;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    found
}

/// Names bound inside an expression: `function($a, $b)` parameters and
/// `$name :=` assignments.
fn locally_bound(expr: &str) -> Vec<&str> {
    let mut bound = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("function") {
        let after = rest[at + "function".len()..].trim_start();
        if let Some(params) = after
            .strip_prefix('(')
            .and_then(|p| p.split_once(')'))
            .map(|(p, _)| p)
        {
            bound.extend(params.split(',').filter_map(|p| p.trim().strip_prefix('$')));
        }
        rest = &rest[at + "function".len()..];
    }
    let b = expr.as_bytes();
    for (i, _) in expr.match_indices(":=") {
        let before = expr[..i].trim_end();
        let start = before.rfind('$').unwrap_or(before.len());
        let name = &before[start..];
        if name.len() > 1
            && name[1..]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && b.get(start).is_some()
        {
            bound.push(&name[1..]);
        }
    }
    bound
}

#[cfg(test)]
mod tests {
    use super::read_variables;

    #[test]
    fn finds_reads_but_not_functions_or_strings() {
        assert_eq!(
            read_variables("{% $total + $sum($states.input.x) %}"),
            ["total", "states"]
        );
        assert_eq!(read_variables("{% '$notAVar' & $name %}"), ["name"]);
        assert_eq!(read_variables("$orderId.items[0]"), ["orderId"]);
        assert!(read_variables("$.a").is_empty());
        assert!(read_variables("$$.Execution.Id").is_empty());
        assert!(read_variables("{% function($x) { $x + 1 } %}").is_empty());
        assert_eq!(
            read_variables("{% ($t := $states.input.n; $t * $rate) %}"),
            ["states", "rate"]
        );
    }
}
