use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::model::schema::{self, Lang, ObjectKind};
use crate::model::{QueryLanguage, StateType};
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "invalid-value",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a field has the wrong type, an unknown enum value, or a number out of range",
    doc: include_str!("../../../rules/invalid-value.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    if m.root.as_object().is_none() {
        out.push(
            Diagnostic::new(
                &RULE,
                "",
                format!(
                    "a definition must be a JSON object, found {}",
                    m.root.type_name()
                ),
            )
            .label("not an object"),
        );
        return;
    }
    for s in &m.states {
        if s.node.as_object().is_none() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.pointer.clone(),
                    format!("state `{}` must be an object, found {}", s.name, s.node.type_name()),
                )
                .on_key()
                .label("not a state")
                .help("each member of `States` is a state object with a `Type`; move other settings out of `States`"),
            );
            continue;
        }
        if s.ty == StateType::Unknown
            && let Some(t) = s.get("Type")
        {
            let help = match t
                .as_str()
                .and_then(|v| suggest(v, schema::STATE_TYPES.iter().copied()))
            {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("valid types: {}", schema::STATE_TYPES.join(", ")),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&s.pointer, "Type"),
                    format!("state `{}` has an unknown `Type`", s.name),
                )
                .label("unknown state type")
                .help(help),
            );
        }
    }
    for obj in cx.objects() {
        for (member, field) in obj.members() {
            let Some(field) = field else {
                continue;
            };
            // Fields of the other query language are `query-language-mismatch`.
            let mismatch = matches!(
                (field.lang, obj.lang),
                (Lang::JsonPath, QueryLanguage::Jsonata) | (Lang::Jsonata, QueryLanguage::JsonPath)
            );
            if mismatch || (field.name == "Type" && matches!(obj.kind, ObjectKind::State(_))) {
                continue;
            }
            if let Some(problem) = schema::value_problem(field.kind, &member.value, obj.lang) {
                out.push(diagnostic(
                    &obj.pointer,
                    &member.key,
                    &member.value,
                    problem,
                ));
            }
        }
    }
}

fn diagnostic(base: &str, key: &str, value: &Node, problem: String) -> Diagnostic {
    let _ = value;
    Diagnostic::new(
        &RULE,
        pointer::push(base, key),
        format!("`{key}` {problem}"),
    )
    .label("invalid value")
}
