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
    doc: include_str!("../../../rules/query-language-mismatch.md"),
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

/// One field in the other language, and where the language it clashes
/// with was declared.
struct Mismatch {
    pointer: String,
    key: String,
    field_lang: Lang,
    obj_lang: QueryLanguage,
    /// The `QueryLanguage` key that set the object's language (the state's
    /// own, else the top level), or the state itself when nothing declares
    /// one (JSONPath by default).
    cause: String,
    cause_declared: bool,
    state: Option<usize>,
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let found = mismatches(cx);
    // One misplaced `QueryLanguage` makes every field of the other language
    // wrong: report the cause once, with the fields it affects, instead of
    // one error per field.
    let mut groups: std::collections::BTreeMap<&str, Vec<&Mismatch>> = Default::default();
    for f in &found {
        groups.entry(f.cause.as_str()).or_default().push(f);
    }
    for (cause, group) in groups {
        out.push(if group.len() == 1 {
            field_finding(group[0])
        } else {
            cause_finding(m, cause, &group)
        });
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

/// Every field written in the other query language than its object's,
/// with the `QueryLanguage` (or the state) that causes it.
fn mismatches(cx: &Context<'_, '_>) -> Vec<Mismatch> {
    let m = cx.machine;
    let by_pointer: std::collections::BTreeMap<&str, usize> = m
        .states
        .iter()
        .map(|s| (s.pointer.as_str(), s.id))
        .collect();
    // The state an object belongs to: its pointer or the nearest prefix.
    let owner = |ptr: &str| {
        let mut p = ptr;
        loop {
            if let Some(&id) = by_pointer.get(p) {
                return Some(id);
            }
            p = &p[..p.rfind('/')?];
        }
    };
    let mut found: Vec<Mismatch> = Vec::new();
    for obj in cx.objects() {
        for (member, field) in obj.members() {
            let Some(field) = field else {
                continue;
            };
            if !matches!(
                (field.lang, obj.lang),
                (Lang::JsonPath, QueryLanguage::Jsonata) | (Lang::Jsonata, QueryLanguage::JsonPath)
            ) {
                continue;
            }
            let state = owner(&obj.pointer);
            let (cause, cause_declared) = match state.map(|s| &m.states[s]) {
                Some(st) if st.get("QueryLanguage").is_some() => {
                    (pointer::push(&st.pointer, "QueryLanguage"), true)
                }
                _ if m.root.get("QueryLanguage").is_some() => {
                    (pointer::push("", "QueryLanguage"), true)
                }
                Some(st) => (st.pointer.clone(), false),
                None => (obj.pointer.clone(), false),
            };
            found.push(Mismatch {
                pointer: pointer::push(&obj.pointer, &member.key),
                key: member.key.to_string(),
                field_lang: field.lang,
                obj_lang: obj.lang,
                cause,
                cause_declared,
                state,
            });
        }
    }
    found
}

/// One finding at the cause of several mismatched fields.
fn cause_finding(m: &crate::model::Machine<'_>, cause: &str, group: &[&Mismatch]) -> Diagnostic {
    let first = group[0];
    let fields = {
        let mut keys: Vec<&str> = group.iter().map(|f| f.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut states: Vec<usize> = group.iter().filter_map(|f| f.state).collect();
    states.sort_unstable();
    states.dedup();
    let (this, other) = match first.obj_lang {
        QueryLanguage::Jsonata => ("JSONata", "JSONPath"),
        QueryLanguage::JsonPath => ("JSONPath", "JSONata"),
    };
    let whom = if states.len() > 1 {
        format!("{} states", states.len())
    } else {
        states.first().map_or_else(
            || "this state".to_string(),
            |&s| format!("`{}`", m.states[s].name),
        )
    };
    let message = if first.cause_declared {
        let they = if states.len() > 1 {
            "they use"
        } else {
            "it uses"
        };
        format!(
            "`QueryLanguage` makes {whom} {this}, but {they} {} {other} fields: {fields}",
            group.len()
        )
    } else {
        format!(
            "{whom} uses {} {other} fields ({fields}) in a {this} state: `QueryLanguage` is not \
             set to {other}",
            group.len()
        )
    };
    let help = if first.cause_declared {
        format!(
            "if the definition is written in {other}, set `QueryLanguage` to `{other}` (or \
             remove it); otherwise rewrite those fields in {this}"
        )
    } else {
        format!("set `\"QueryLanguage\": \"{other}\"` on the state")
    };
    let label = if first.cause_declared {
        format!("{} {other} fields clash with this", group.len())
    } else {
        format!("{other} fields in a {this} state")
    };
    Diagnostic::new(&RULE, cause.to_string(), message)
        .on_key()
        .label(label)
        .help(help)
}

/// One field in the other language, reported where it is.
fn field_finding(f: &Mismatch) -> Diagnostic {
    let wrong = match f.field_lang {
        Lang::JsonPath => "a JSONPath field, but this state uses JSONata",
        _ => "a JSONata field, but this state uses JSONPath",
    };
    let key = f.key.as_str();
    let help = match (counterpart(key), f.obj_lang) {
        (Some(other), _) => format!("use `{other}` instead, or change the state's `QueryLanguage`"),
        (None, QueryLanguage::JsonPath) => {
            "set `\"QueryLanguage\": \"JSONata\"` on the state to use it".to_string()
        }
        (None, QueryLanguage::Jsonata) => {
            "remove it, or set `\"QueryLanguage\": \"JSONPath\"` on the state".to_string()
        }
    };
    Diagnostic::new(&RULE, f.pointer.clone(), format!("`{key}` is {wrong}"))
        .on_key()
        .label(format!(
            "{} only",
            if f.field_lang == Lang::JsonPath {
                "JSONPath"
            } else {
                "JSONata"
            }
        ))
        .help(help)
}
