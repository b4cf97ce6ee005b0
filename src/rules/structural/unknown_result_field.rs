use crate::catalog::aws_models::Shape;
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::loader::tree::{Node, Segment, pointer_at, walk};
use crate::model::{Pattern, QueryLanguage};
use crate::rules::structural::sdk_contract::{SdkTask, correction, sdk_tasks};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unknown-result-field",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "an `aws-sdk:` Task's `ResultSelector` reads a field that the API's response does not have",
    doc: include_str!("../../../rules/unknown-result-field.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for task in sdk_tasks(cx) {
        // A callback's result is whatever the worker sends, not the response.
        if task.pattern != Pattern::RequestResponse {
            continue;
        }
        let output = task
            .operation
            .output
            .as_deref()
            .and_then(|o| task.service.shape(o));
        if output.is_some_and(|o| o.ty != "structure") {
            continue;
        }
        let (field, jsonata) = match task.state.query_language {
            QueryLanguage::JsonPath => ("ResultSelector", false),
            QueryLanguage::Jsonata => ("Output", true),
        };
        let Some(node) = task.state.get(field) else {
            continue;
        };
        let base = pointer::push(&task.state.pointer, field);
        let mut look = |path: &[Segment<'_>], key: Option<&str>, value: &Node| {
            let Some(text) = value.as_str() else { return };
            let fields = if jsonata {
                jsonata_fields(text)
            } else if key.is_some_and(|k| k.ends_with(".$")) {
                jsonpath_fields(text)
            } else {
                Vec::new()
            };
            for name in fields {
                if output.is_some_and(|o| o.members.contains_key(name)) {
                    continue;
                }
                out.push(finding(&task, output, name, pointer_at(&base, path)));
            }
        };
        look(&[], None, node);
        walk(node, |path, key, value| {
            look(path, key, value);
            true
        });
    }
}

fn finding(task: &SdkTask<'_, '_>, output: Option<&Shape>, name: &str, at: String) -> Diagnostic {
    let help = match output.and_then(|o| correction(o, name)) {
        Some((right, _)) => format!("did you mean `{right}`?"),
        None => match output {
            Some(o) if !o.members.is_empty() => {
                let names: Vec<&str> = o.members.keys().map(String::as_str).collect();
                format!(
                    "the response has {}",
                    crate::diagnostic::quoted_list(&names[..names.len().min(12)], names.len())
                )
            }
            _ => "the response is empty".to_string(),
        },
    };
    Diagnostic::new(
        &RULE,
        at,
        format!(
            "the response of `{}` has no field `{name}`",
            task.state
                .resource
                .as_ref()
                .and_then(|r| r.service_action())
                .map(|(_, a)| a)
                .unwrap_or_default()
        ),
    )
    .label("unknown result field")
    .help(help)
}

/// First segments of the `$.` paths in a JSONPath value or in the arguments
/// of an intrinsic function: `$.Body` and `States.StringToJson($.Body)` give
/// `Body`.
fn jsonpath_fields(text: &str) -> Vec<&str> {
    let text = text.trim();
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("$.") {
        let start = from + at;
        from = start + 2;
        // `$$.` is the context object; a `$.` inside a quoted argument is text.
        if start > 0 && !matches!(bytes[start - 1], b'(' | b',' | b' ') {
            continue;
        }
        if start > 0 && !text.starts_with("States.") {
            continue;
        }
        let name = segment(&text[start + 2..]);
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// First segments after `$states.result.` in a JSONata expression.
fn jsonata_fields(text: &str) -> Vec<&str> {
    let t = text.trim();
    if !(t.starts_with("{%") && t.ends_with("%}")) {
        return Vec::new();
    }
    let needle = "$states.result.";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = t[from..].find(needle) {
        let start = from + at + needle.len();
        from = start;
        let name = segment(&t[start..]);
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// A plain field name up to the next `.`, `[`, space, `,` or `)`.
fn segment(rest: &str) -> &str {
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    // A name followed by something else (`$.a-b`, `$.'x'`) is not read.
    match rest[end..].chars().next() {
        None | Some('.' | '[' | ' ' | ',' | ')' | ';' | '}' | '%') => &rest[..end],
        _ => "",
    }
}
