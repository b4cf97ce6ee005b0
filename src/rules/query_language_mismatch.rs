use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::model::QueryLanguage;
use crate::model::schema::Lang;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "query-language-mismatch",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a JSONPath field in a JSONata state, a JSONata field in a JSONPath state, or a JSONata machine with a JSONPath state",
    doc: include_str!("../../rules/query-language-mismatch.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// The field to use instead, in the other language.
fn counterpart(field: &str) -> Option<&'static str> {
    Some(match field {
        "Parameters" => "Arguments",
        "Arguments" => "Parameters",
        "ResultSelector" | "OutputPath" | "ResultPath" => "Output` or `Assign",
        "Output" => "OutputPath` or `ResultSelector",
        "InputPath" => "Arguments` with `$states.input",
        "ItemsPath" => "Items",
        "Items" => "ItemsPath",
        "TimeoutSecondsPath" => "TimeoutSeconds` with a `{% %}` expression",
        "HeartbeatSecondsPath" => "HeartbeatSeconds` with a `{% %}` expression",
        "SecondsPath" => "Seconds` with a `{% %}` expression",
        "TimestampPath" => "Timestamp` with a `{% %}` expression",
        "MaxConcurrencyPath" => "MaxConcurrency` with a `{% %}` expression",
        "ErrorPath" => "Error` with a `{% %}` expression",
        "CausePath" => "Cause` with a `{% %}` expression",
        _ => return None,
    })
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for obj in cx.objects() {
        for (member, field) in obj.members() {
            let Some(field) = field else {
                continue;
            };
            let wrong = match (field.lang, obj.lang) {
                (Lang::JsonPath, QueryLanguage::Jsonata) => {
                    "a JSONPath field, but this state uses JSONata"
                }
                (Lang::Jsonata, QueryLanguage::JsonPath) => {
                    "a JSONata field, but this state uses JSONPath"
                }
                _ => continue,
            };
            let key: &str = &member.key;
            let help = match (counterpart(key), obj.lang) {
                (Some(other), _) => {
                    format!("use `{other}` instead, or change the state's `QueryLanguage`")
                }
                (None, QueryLanguage::JsonPath) => {
                    "set `\"QueryLanguage\": \"JSONata\"` on the state to use it".to_string()
                }
                (None, QueryLanguage::Jsonata) => {
                    "remove it, or set `\"QueryLanguage\": \"JSONPath\"` on the state".to_string()
                }
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&obj.pointer, key),
                    format!("`{key}` is {wrong}"),
                )
                .on_key()
                .label(format!(
                    "{} only",
                    if field.lang == Lang::JsonPath {
                        "JSONPath"
                    } else {
                        "JSONata"
                    }
                ))
                .help(help),
            );
        }
    }
    // A JSONata machine cannot contain JSONPath states (the reverse is fine).
    if m.query_language == QueryLanguage::Jsonata {
        for s in &m.states {
            if s.get("QueryLanguage").and_then(Node::as_str) == Some("JSONPath") {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        pointer::push(&s.pointer, "QueryLanguage"),
                        format!("`{}` switches to JSONPath inside a JSONata state machine", s.name),
                    )
                    .label("not allowed in a JSONata machine")
                    .help("a JSONPath machine may contain JSONata states, but not the reverse; rewrite the state in JSONata"),
                );
            }
        }
    }
}
