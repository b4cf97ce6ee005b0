use crate::catalog::aws_models::Shape;
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Node, Value};
use crate::rules::structural::sdk_contract::{Visit, sdk_tasks, walk_payload};
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "invalid-parameter-value",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "an `aws-sdk:` Task passes a literal of the wrong type, or outside the allowed values",
    doc: include_str!("../../../rules/invalid-parameter-value.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for task in sdk_tasks(cx) {
        walk_payload(&task, |visit| {
            let Visit::Literal {
                pointer: at,
                node,
                shape,
            } = visit
            else {
                return;
            };
            if let Some((message, help)) = problem(node, shape) {
                out.push(
                    Diagnostic::new(&RULE, at.to_string(), message)
                        .label("invalid value")
                        .help(help),
                );
            }
        });
    }
}

/// What the API expects, in words.
fn expected(shape: &Shape) -> &'static str {
    match shape.ty.as_str() {
        "structure" | "map" => "an object",
        "list" => "an array",
        "integer" | "long" => "a whole number",
        "double" | "float" => "a number",
        "boolean" => "`true` or `false`",
        "timestamp" => "a timestamp",
        "blob" => "a string of bytes",
        _ => "a string",
    }
}

/// Step Functions hands the payload to the AWS SDK for Java, which coerces
/// scalars: `"10"` is a number, `"false"` a boolean, `10` a string; an
/// object for a string becomes its JSON text. Only a value no coercion can
/// turn into the expected type is a problem.
fn problem(node: &Node, shape: &Shape) -> Option<(String, String)> {
    let ty = shape.ty.as_str();
    let kind = node.type_name();
    let wrong = || {
        Some((
            format!("this is {kind} where the API expects {}", expected(shape)),
            "the call fails when the SDK cannot read the value; write the expected type, or take it from the input with `.$`".to_string(),
        ))
    };
    match (&node.value, ty) {
        (Value::Null, _) => None,
        (_, "structure" | "map" | "list") => wrong(),
        // Step Functions writes an object or array given for a string as its
        // JSON text (`Input` of `sfn:startExecution`, `Detail` of
        // `eventbridge:putEvents`): published definitions rely on it.
        (Value::Object(_) | Value::Array(_), "string" | "blob" | "timestamp") => None,
        (Value::Object(_) | Value::Array(_), _) => wrong(),
        (Value::String(s), "string") if !shape.enum_values.is_empty() => {
            if shape.enum_values.iter().any(|e| e == &**s) {
                return None;
            }
            let values: Vec<&str> = shape.enum_values.iter().map(String::as_str).collect();
            let help = match values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(s))
                .copied()
                .or_else(|| suggest(s, values.iter().copied()))
            {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "allowed: {}",
                    crate::diagnostic::quoted_list(&values[..values.len().min(12)], values.len())
                ),
            };
            Some((
                format!("`{s}` is not one of the values the API allows here"),
                help,
            ))
        }
        (Value::String(s), "integer" | "long" | "double" | "float") => {
            let t = s.trim();
            let ok = if matches!(ty, "integer" | "long") {
                t.parse::<i64>().is_ok()
            } else {
                t.parse::<f64>().is_ok()
            };
            if ok { None } else { wrong() }
        }
        (Value::String(s), "boolean") => {
            if s.trim().eq_ignore_ascii_case("true") || s.trim().eq_ignore_ascii_case("false") {
                None
            } else {
                wrong()
            }
        }
        (Value::Number(_), "boolean") => wrong(),
        (Value::Bool(_), "integer" | "long" | "double" | "float" | "timestamp") => wrong(),
        (Value::Number(n), "integer" | "long" | "double" | "float") => {
            let x = n.as_f64();
            if matches!(ty, "integer" | "long") && x.fract() != 0.0 {
                return wrong();
            }
            let below = shape.min.is_some_and(|m| x < m);
            let above = shape.max.is_some_and(|m| x > m);
            if !(below || above) {
                return None;
            }
            let range = match (shape.min, shape.max) {
                (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => String::new(),
            };
            Some((
                format!("{n} is outside the range the API allows here ({range})"),
                "the service rejects the call with a validation error".to_string(),
            ))
        }
        _ => None,
    }
}
