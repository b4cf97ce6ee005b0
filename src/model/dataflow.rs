//! Which later states read a state's result: through its `ResultPath`, the
//! JSONata `$states.input` it becomes, or the variables it `Assign`s. A
//! textual, conservative reading: a string that mentions a root counts.

use crate::loader::tree::{Node, Value};
use crate::model::{QueryLanguage, State};

/// Strings that show a later state reads this state's result: its
/// `ResultPath` (`$` when the result replaces the input), `$states.input` in
/// JSONata, and every variable it `Assign`s (as `$name`). Empty when the
/// result is discarded (`ResultPath: null`) and nothing is assigned.
pub fn result_roots(state: &State<'_>) -> Vec<String> {
    let mut roots = Vec::new();
    match state.query_language {
        QueryLanguage::JsonPath => match state.get("ResultPath") {
            None => roots.push("$".to_string()),
            Some(node) => {
                if let Some(path) = node.as_str() {
                    roots.push(path.to_string());
                }
            }
        },
        QueryLanguage::Jsonata => roots.push("$states.input".to_string()),
    }
    if let Some(assign) = state.get("Assign").and_then(Node::as_object) {
        for m in &assign.members {
            let name = m.key.strip_suffix(".$").unwrap_or(&m.key);
            roots.push(format!("${name}"));
        }
    }
    roots
}

/// Whether any string under `field` of `state` refers to one of `roots`.
pub fn reads_any(state: &State<'_>, field: &str, roots: &[String]) -> bool {
    state
        .get(field)
        .is_some_and(|node| reads_roots(node, roots))
}

/// Whether any string under `node` refers to one of `roots`.
pub fn reads_roots(node: &Node, roots: &[String]) -> bool {
    any_string(node, &|s| roots.iter().any(|r| refers_to(s, r)))
}

/// `text` mentions `root` as a path or variable: `$.existing.KeyCount` refers
/// to `$.existing`; `$` alone matches any `$.` path; `$found` is a variable.
pub fn refers_to(text: &str, root: &str) -> bool {
    if root == "$" {
        return text.starts_with("$.")
            || text == "$"
            || text.contains("$.") && !text.contains("$$.");
    }
    let mut rest = text;
    while let Some(at) = rest.find(root) {
        let after = &rest[at + root.len()..];
        let boundary = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if boundary {
            return true;
        }
        rest = &rest[at + root.len()..];
    }
    false
}

/// Whether `text` reads all of the input at once, which includes any result
/// placed in it: a bare `$` (as a path, inside an intrinsic such as
/// `States.Array($)`, or as the JSONata context) or `$states.input` without
/// a field.
pub fn reads_whole_input(text: &str) -> bool {
    let bytes = text.as_bytes();
    let continues =
        |c: u8| c == b'$' || c == b'.' || c == b'[' || c == b'_' || c.is_ascii_alphanumeric();
    for (i, &c) in bytes.iter().enumerate() {
        if c != b'$' || i > 0 && bytes[i - 1] == b'$' {
            continue;
        }
        if bytes.get(i + 1).is_none_or(|&n| !continues(n)) {
            return true;
        }
    }
    let mut rest = text;
    while let Some(at) = rest.find("$states.input") {
        let after = &rest[at + "$states.input".len()..];
        if !after.starts_with('.') && !after.starts_with('[') {
            return true;
        }
        rest = after;
    }
    false
}

/// Whether a string anywhere under `node` satisfies `pred`.
pub fn any_string(node: &Node, pred: &dyn Fn(&str) -> bool) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::String(s) if pred(s) => return true,
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(o) => stack.extend(o.members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_match_at_name_boundaries() {
        assert!(refers_to("$.existing.KeyCount", "$.existing"));
        assert!(!refers_to("$.existingObjects", "$.existing"));
        assert!(refers_to("States.Format('{}', $.a)", "$"));
        assert!(!refers_to("$$.Execution.Id", "$"));
        assert!(refers_to("{% $found and $x %}", "$found"));
    }

    #[test]
    fn whole_input_reads() {
        assert!(reads_whole_input("$"));
        assert!(reads_whole_input("{% $states.input %}"));
        assert!(!reads_whole_input("{% $states.input.bucket %}"));
        assert!(!reads_whole_input("$.bucket"));
        assert!(reads_whole_input("States.Array($)"));
        assert!(!reads_whole_input("$$.Execution.Id"));
        assert!(!reads_whole_input("{% $count + 1 %}"));
    }
}
