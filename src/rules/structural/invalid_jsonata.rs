use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Segment, pointer_at, walk};
use crate::model::{QueryLanguage, State, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-jsonata",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a JSONata expression is not closed, not opened, empty, or does not parse",
    doc: include_str!("../../../rules/invalid-jsonata.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Deeper bracket nesting is not parsed: the parser recurses, and a stack
/// overflow cannot be caught. Real expressions stay far below this.
const MAX_NESTING: usize = 100;

/// How a message about an expression too deep to parse starts (an info:
/// not evidence that AWS rejects it).
const UNCHECKED: &str = "JSONata expression not checked";

/// Fields holding nested scopes (checked as their own states) and comments.
const SKIPPED_FIELDS: &[&str] = &["Branches", "ItemProcessor", "Iterator", "Comment"];

/// Where `$states.result` and `$states.errorOutput` exist, for a string at
/// `path` (the field names from the state down): `(result, errorOutput)`.
fn scope_of(state_type: StateType, path: &[&str]) -> (bool, bool) {
    let has_result = matches!(
        state_type,
        StateType::Task | StateType::Map | StateType::Parallel
    );
    match path {
        // AWS documents only `errorOutput` here; `result` is tolerated, as
        // the AWS language service does, to avoid false errors.
        ["Catch", _, "Output" | "Assign", ..] => (has_result, true),
        ["Output" | "Assign", ..] => (has_result, false),
        _ => (false, false),
    }
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx
        .machine
        .states
        .iter()
        .filter(|s| s.query_language == QueryLanguage::Jsonata)
    {
        walk(s.node, |path, key, node| {
            if let [Segment::Key(k)] = path
                && SKIPPED_FIELDS.contains(k)
            {
                return false;
            }
            if key == Some("Comment") {
                return false;
            }
            let Some(text) = node.as_str() else {
                return true;
            };
            if let Some(problem) = problem(text) {
                let unchecked = problem.starts_with(UNCHECKED);
                let mut d = Diagnostic::new(&RULE, pointer_at(&s.pointer, path), problem)
                    .label("invalid JSONata")
                    .help("a JSONata expression is written `{% expression %}`, and the whole string must be the expression");
                if unchecked {
                    d = d.severity(Severity::Info);
                }
                out.push(d);
            } else {
                for (message, severity) in not_in_aws_jsonata(text) {
                    out.push(
                        Diagnostic::new(&RULE, pointer_at(&s.pointer, path), message)
                            .label("not in the JSONata AWS runs")
                            .help(
                                "Step Functions runs JSONata 2.0.6 without `$eval`: write \
                                 `$exists(a) ? a : b` for `a ?? b`, `a ? a : b` for `a ?: b`, \
                                 and `$parse` instead of `$eval`",
                            )
                            .severity(severity),
                    );
                }
            }
            check_state_variables(s, path, text, out);
            false
        });
    }
}

fn problem(text: &str) -> Option<String> {
    let t = text.trim();
    let opens = t.starts_with("{%");
    let closes = t.ends_with("%}");
    match (opens, closes) {
        (false, false) => None,
        (true, false) => Some(format!(
            "JSONata expression \"{}\" is not closed with `%}}`",
            shorten(text)
        )),
        (false, true) => Some(format!(
            "JSONata expression \"{}\" does not start with `{{%`",
            shorten(text)
        )),
        (true, true) if t.len() < 4 => Some("JSONata expression is empty".to_string()),
        (true, true) => {
            let inner = &t[2..t.len() - 2];
            if inner.trim().is_empty() {
                return Some("JSONata expression is empty".to_string());
            }
            // `${Name}` inside an expression is a deploy-time placeholder:
            // parse what the deploy could produce, with each one a number.
            let substituted;
            let inner = if inner.contains("${") {
                substituted = replace_placeholders(inner);
                substituted.as_str()
            } else {
                inner
            };
            let depth = nesting(inner);
            if depth > MAX_NESTING {
                return Some(format!(
                    "{UNCHECKED}: \"{}\" nests brackets {depth} deep, more than the {MAX_NESTING} \
                     asl-lint parses",
                    shorten(inner.trim())
                ));
            }
            let parsed = std::panic::catch_unwind(|| {
                jsonata_core::parser::parse(inner)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
            match parsed {
                // The parser's own depth limit (a long flat `1 + 1 + ...` builds a
                // deep tree), not a JSONata error: JSONata itself accepts it.
                Ok(Err(e)) if e.contains("U1002") => None,
                Ok(Err(e)) => Some(format!(
                    "JSONata expression \"{}\" does not parse: {}",
                    shorten(inner.trim()),
                    tidy(&e)
                )),
                // A parser panic is the parser's bug, not the user's: say nothing.
                Ok(Ok(())) | Err(_) => None,
            }
        }
    }
}

/// What parses here but not in the JSONata Step Functions runs (2.0.6,
/// every built-in function but `$eval`): the 2.1 operators `??` and `?:`,
/// which its parser rejects (an error, as any expression that does not
/// parse), and a call of `$eval`, which fails when it runs (a warning).
/// One left-to-right scan that skips string literals, backquoted names and
/// comments.
fn not_in_aws_jsonata(text: &str) -> Vec<(String, Severity)> {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")) else {
        return Vec::new();
    };
    let b = inner.as_bytes();
    let mut out = Vec::new();
    let mut seen_operator = false;
    let mut seen_eval = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' && q != b'`' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = inner[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            }
            b'?' if matches!(b.get(i + 1), Some(b'?' | b':')) => {
                if !seen_operator {
                    seen_operator = true;
                    out.push((
                        format!(
                            "`{}` is JSONata 2.1: Step Functions runs JSONata 2.0.6, whose parser \
                             rejects it",
                            &inner[i..i + 2]
                        ),
                        Severity::Error,
                    ));
                }
                i += 2;
            }
            b'$' if inner[i..].starts_with("$eval")
                && !inner[i + 5..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                && inner[i + 5..].trim_start().starts_with('(') =>
            {
                if !seen_eval {
                    seen_eval = true;
                    out.push((
                        "`$eval` is not available in the JSONata Step Functions runs: every \
                         execution that evaluates this fails"
                            .to_string(),
                        Severity::Warning,
                    ));
                }
                i += 5;
            }
            _ => i += 1,
        }
    }
    out
}

fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn shorten(text: &str) -> String {
    crate::diagnostic::shorten(text, 60)
}

/// Parser messages start with codes such as `S0201`; keep them, drop noise.
fn tidy(message: &str) -> String {
    message.trim_start_matches("Invalid syntax: ").to_string()
}

/// `$states.result` and `$states.errorOutput` only where AWS provides them.
fn check_state_variables(
    s: &State<'_>,
    path: &[Segment<'_>],
    text: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !text.trim_start().starts_with("{%") || !text.contains("$states.") {
        return;
    }
    let names: Vec<&str> = path
        .iter()
        .map(|seg| match seg {
            Segment::Key(k) => *k,
            Segment::Index(_) => "",
        })
        .collect();
    let (result_ok, error_ok) = scope_of(s.ty, &names);
    for (name, ok, where_ok) in [
        (
            "$states.result",
            result_ok,
            "in the `Output` or `Assign` of a Task, Map or Parallel state",
        ),
        (
            "$states.errorOutput",
            error_ok,
            "in a Catch entry's `Output` or `Assign`",
        ),
    ] {
        if !ok && mentions(text, name) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer_at(&s.pointer, path),
                    format!("`{name}` is not available here"),
                )
                .label("not in scope")
                .help(format!("`{name}` exists only {where_ok}")),
            );
        }
    }
}

/// `name` used as a whole name (`$states.result`, not `$states.resultCount`).
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        text[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// `text` with every `${...}` placeholder replaced by `0`, a value that
/// parses wherever an operand may stand.
fn replace_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        match rest[at..].find('}') {
            Some(end) => {
                out.push('0');
                rest = &rest[at + end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
