use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::loader::tree::{Node, Object, Value};
use crate::model::schema::{is_jsonata_expression, is_rfc3339};
use crate::model::{QueryLanguage, StateType};
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "invalid-choice-rule",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a Choice rule is malformed: no or several comparisons, a wrong operand type, or a misplaced `Next`",
    doc: include_str!("../../../rules/invalid-choice-rule.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

#[derive(Clone, Copy, PartialEq)]
enum Operand {
    String,
    Number,
    Bool,
    Timestamp,
    Path,
}

const OPERATORS: &[(&str, Operand)] = &[
    ("StringEquals", Operand::String),
    ("StringEqualsPath", Operand::Path),
    ("StringLessThan", Operand::String),
    ("StringLessThanPath", Operand::Path),
    ("StringGreaterThan", Operand::String),
    ("StringGreaterThanPath", Operand::Path),
    ("StringLessThanEquals", Operand::String),
    ("StringLessThanEqualsPath", Operand::Path),
    ("StringGreaterThanEquals", Operand::String),
    ("StringGreaterThanEqualsPath", Operand::Path),
    ("StringMatches", Operand::String),
    ("NumericEquals", Operand::Number),
    ("NumericEqualsPath", Operand::Path),
    ("NumericLessThan", Operand::Number),
    ("NumericLessThanPath", Operand::Path),
    ("NumericGreaterThan", Operand::Number),
    ("NumericGreaterThanPath", Operand::Path),
    ("NumericLessThanEquals", Operand::Number),
    ("NumericLessThanEqualsPath", Operand::Path),
    ("NumericGreaterThanEquals", Operand::Number),
    ("NumericGreaterThanEqualsPath", Operand::Path),
    ("BooleanEquals", Operand::Bool),
    ("BooleanEqualsPath", Operand::Path),
    ("TimestampEquals", Operand::Timestamp),
    ("TimestampEqualsPath", Operand::Path),
    ("TimestampLessThan", Operand::Timestamp),
    ("TimestampLessThanPath", Operand::Path),
    ("TimestampGreaterThan", Operand::Timestamp),
    ("TimestampGreaterThanPath", Operand::Path),
    ("TimestampLessThanEquals", Operand::Timestamp),
    ("TimestampLessThanEqualsPath", Operand::Path),
    ("TimestampGreaterThanEquals", Operand::Timestamp),
    ("TimestampGreaterThanEqualsPath", Operand::Path),
    ("IsNull", Operand::Bool),
    ("IsPresent", Operand::Bool),
    ("IsNumeric", Operand::Bool),
    ("IsString", Operand::Bool),
    ("IsBoolean", Operand::Bool),
    ("IsTimestamp", Operand::Bool),
];

const COMBINATORS: &[&str] = &["And", "Or", "Not"];

/// Whether a rule names a comparison or a combinator (or a JSONata
/// `Condition`) at all; one that does not is reported here as the cause,
/// and AWS rejects the definition, so other rules leave its Choice be.
pub(crate) fn has_test(rule: &Node) -> bool {
    rule.get("Condition").is_some()
        || OPERATORS.iter().any(|(k, _)| rule.get(k).is_some())
        || COMBINATORS.iter().any(|k| rule.get(k).is_some())
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        if s.ty != StateType::Choice {
            continue;
        }
        let Some(rules) = s.get("Choices").and_then(Node::as_array) else {
            continue;
        };
        let base = pointer::push(&s.pointer, "Choices");
        for (i, rule) in rules.iter().enumerate() {
            let ptr = pointer::push_index(&base, i);
            check_rule_tree(rule, &ptr, s.query_language, out);
        }
    }
}

fn report(out: &mut Vec<Diagnostic>, ptr: String, key: bool, message: String, help: &str) {
    let mut d = Diagnostic::new(&RULE, ptr, message)
        .label("invalid rule")
        .help(help.to_string());
    if key {
        d = d.on_key();
    }
    out.push(d);
}

/// Checks a top-level rule and every rule nested in its `And`, `Or` and
/// `Not`, with a work list: nesting depth is the input's choice.
fn check_rule_tree(rule: &Node, ptr: &str, lang: QueryLanguage, out: &mut Vec<Diagnostic>) {
    let mut pending = vec![(rule, ptr.to_string(), true)];
    while let Some((rule, ptr, top)) = pending.pop() {
        let nested = check_rule(rule, &ptr, top, lang, out);
        // Reversed, so nested rules are checked in the order they are written.
        pending.extend(nested.into_iter().rev().map(|(n, p)| (n, p, false)));
    }
}

/// Checks one rule (nested rules, in `And`, `Or`, `Not`, have no `Next`)
/// and returns the rules nested in it, with their pointers.
fn check_rule<'n>(
    rule: &'n Node,
    ptr: &str,
    top: bool,
    lang: QueryLanguage,
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'n Node, String)> {
    let Some(obj) = rule.as_object() else {
        report(
            out,
            ptr.to_string(),
            false,
            format!(
                "a Choice rule must be an object, found {}",
                rule.type_name()
            ),
            "write the rule as an object with a comparison and `Next`",
        );
        return Vec::new();
    };
    let has = |k: &str| obj.get(k).is_some();
    if top && !has("Next") {
        report(
            out,
            ptr.to_string(),
            false,
            "this Choice rule has no `Next`".to_string(),
            "every top-level rule needs `Next`: the state to go to when it matches",
        );
    }
    if !top && has("Next") {
        report(
            out,
            pointer::push(ptr, "Next"),
            true,
            "a rule nested in `And`, `Or` or `Not` cannot have `Next`".to_string(),
            "only top-level rules choose the next state; move `Next` to the outer rule",
        );
    }
    if lang == QueryLanguage::Jsonata {
        check_jsonata_rule(obj, ptr, top, out);
        return Vec::new();
    }
    check_jsonpath_rule(obj, ptr, out)
}

/// A JSONata rule: a `Condition` (top level) and nothing of JSONPath.
fn check_jsonata_rule(obj: &Object, ptr: &str, top: bool, out: &mut Vec<Diagnostic>) {
    if top {
        match obj.get("Condition") {
            None => report(
                out,
                ptr.to_string(),
                false,
                "a JSONata Choice rule needs a `Condition`".to_string(),
                "add `\"Condition\": \"{% ... %}\"`, an expression that yields true or false",
            ),
            Some(c) if !(is_jsonata_expression(c) || c.as_bool().is_some()) => report(
                out,
                pointer::push(ptr, "Condition"),
                false,
                "`Condition` must be a `{% %}` expression or a boolean".to_string(),
                "wrap the expression in `{% %}`",
            ),
            Some(_) => {}
        }
    }
    for m in &obj.members {
        let key: &str = &m.key;
        if !matches!(key, "Condition" | "Next" | "Comment" | "Assign" | "Output") {
            report(
                out,
                pointer::push(ptr, key),
                true,
                format!("`{key}` is not a field of a JSONata Choice rule"),
                "JSONata rules use `Condition`; `Variable` and the comparison operators are JSONPath only",
            );
        }
    }
}

/// A JSONPath rule: `Variable` with exactly one comparison, or exactly one
/// of `And`, `Or`, `Not`; returns the rules a combinator holds.
fn check_jsonpath_rule<'n>(
    obj: &'n Object,
    ptr: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'n Node, String)> {
    let mut comparisons = Vec::new();
    let mut combinators = Vec::new();
    let mut unknown = false;
    for m in &obj.members {
        let key: &str = &m.key;
        if let Some(&(_, operand)) = OPERATORS.iter().find(|(name, _)| *name == key) {
            comparisons.push((key, operand, &m.value));
        } else if COMBINATORS.contains(&key) {
            combinators.push((key, &m.value));
        } else if !matches!(key, "Variable" | "Next" | "Comment" | "Assign") {
            unknown = true;
            report_unknown_field(key, ptr, out);
        }
    }
    match (comparisons.len(), combinators.len()) {
        (0, 0) if unknown => Vec::new(),
        (0, 0) => {
            report(
                out,
                ptr.to_string(),
                false,
                "this Choice rule has no comparison".to_string(),
                "add `Variable` and one operator such as `StringEquals`, or combine rules with `And`, `Or` or `Not`",
            );
            Vec::new()
        }
        (1, 0) => {
            let (op, operand, value) = comparisons[0];
            check_comparison(obj, ptr, op, operand, value, out);
            Vec::new()
        }
        (n, m) if n + m > 1 => {
            let names: Vec<&str> = comparisons
                .iter()
                .map(|c| c.0)
                .chain(combinators.iter().map(|c| c.0))
                .collect();
            report(
                out,
                ptr.to_string(),
                false,
                format!(
                    "this Choice rule has {} operators ({}); it must have exactly one",
                    n + m,
                    names.join(", ")
                ),
                "split it into separate rules, or combine them with `And` or `Or`",
            );
            Vec::new()
        }
        _ => {
            let (op, value) = combinators[0];
            check_combinator(obj, ptr, op, value, out)
        }
    }
}

fn report_unknown_field(key: &str, ptr: &str, out: &mut Vec<Diagnostic>) {
    let names = OPERATORS
        .iter()
        .map(|(n, _)| *n)
        .chain(COMBINATORS.iter().copied());
    let help = match suggest(key, names) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "a rule has `Variable` and one comparison operator, or one of `And`, `Or`, `Not`"
            .to_string(),
    };
    report(
        out,
        pointer::push(ptr, key),
        true,
        format!("`{key}` is not a field of a Choice rule"),
        &help,
    );
}

/// One comparison: its `Variable` and its operand's type.
fn check_comparison(
    obj: &Object,
    ptr: &str,
    op: &str,
    operand: Operand,
    value: &Node,
    out: &mut Vec<Diagnostic>,
) {
    match obj.get("Variable") {
        None => report(
            out,
            ptr.to_string(),
            false,
            format!("`{op}` needs a `Variable` to compare"),
            "add `\"Variable\": \"$.field\"`",
        ),
        Some(v) if !v.as_str().is_some_and(|p| p.starts_with('$')) => report(
            out,
            pointer::push(ptr, "Variable"),
            false,
            "`Variable` must be a path starting with `$`".to_string(),
            "for example `\"$.order.total\"` or `\"$$.Execution.Name\"`",
        ),
        Some(_) => {}
    }
    if let Some(problem) = operand_problem(operand, value) {
        report(
            out,
            pointer::push(ptr, op),
            false,
            format!("`{op}` {problem}"),
            "match the operand to the operator: a string, number, boolean, RFC 3339 timestamp, or a path for `...Path` operators",
        );
    }
}

/// `And`, `Or` or `Not`: no `Variable` of its own, and the shape of what it
/// holds; returns the nested rules.
fn check_combinator<'n>(
    obj: &Object,
    ptr: &str,
    op: &str,
    value: &'n Node,
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'n Node, String)> {
    if obj.get("Variable").is_some() {
        report(
            out,
            pointer::push(ptr, "Variable"),
            true,
            format!("a rule with `{op}` cannot have `Variable`"),
            "put `Variable` in each nested rule",
        );
    }
    let nested_base = pointer::push(ptr, op);
    match (op, &value.value) {
        ("Not", Value::Object(_)) => vec![(value, nested_base)],
        ("Not", _) => {
            report(
                out,
                nested_base,
                false,
                "`Not` must hold one rule object".to_string(),
                "write `\"Not\": { \"Variable\": ..., ... }`",
            );
            Vec::new()
        }
        (_, Value::Array(items)) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| (item, pointer::push_index(&nested_base, i)))
            .collect(),
        _ => {
            report(
                out,
                nested_base,
                false,
                format!("`{op}` must hold a non-empty array of rules"),
                "write `[ { ... }, { ... } ]`",
            );
            Vec::new()
        }
    }
}
fn operand_problem(operand: Operand, value: &Node) -> Option<String> {
    let ok = match operand {
        Operand::String => value.as_str().is_some(),
        Operand::Number => value.as_number().is_some(),
        Operand::Bool => value.as_bool().is_some(),
        Operand::Timestamp => value.as_str().is_some_and(is_rfc3339),
        Operand::Path => value.as_str().is_some_and(|p| p.starts_with('$')),
    };
    if ok {
        return None;
    }
    Some(match operand {
        Operand::String => format!("compares with a string, found {}", value.type_name()),
        Operand::Number => format!("compares with a number, found {}", value.type_name()),
        Operand::Bool => format!("takes true or false, found {}", value.type_name()),
        Operand::Timestamp => {
            "compares with an RFC 3339 timestamp such as \"2026-01-31T09:00:00Z\"".to_string()
        }
        Operand::Path => "takes a path starting with `$`".to_string(),
    })
}
