use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::StateType;
use crate::model::schema::{self, ObjectKind};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "field-not-allowed",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a field that is valid only on other state types",
    doc: include_str!("../../../rules/field-not-allowed.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for obj in cx.objects() {
        let ObjectKind::State(ty) = obj.kind else {
            continue;
        };
        for (m, field) in obj.members() {
            let key: &str = &m.key;
            if field.is_some() {
                continue;
            }
            let elsewhere = schema::types_with_field(key);
            if elsewhere.is_empty() {
                continue; // `unknown-field`
            }
            let names: Vec<&str> = elsewhere.iter().map(|&t| schema::type_name(t)).collect();
            let help = match (ty, key) {
                (StateType::Choice, "Next" | "End") => {
                    "a Choice state moves on through its `Choices` rules and `Default`; remove it"
                        .to_string()
                }
                (StateType::Succeed | StateType::Fail, "Next" | "End") => {
                    format!(
                        "a {} state always ends its scope; remove it",
                        schema::type_name(ty)
                    )
                }
                _ => format!(
                    "`{key}` is valid in {} states; remove it here",
                    crate::diagnostic::quoted_list(&names, names.len()).replace('`', "")
                ),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&obj.pointer, key),
                    format!(
                        "`{key}` is not allowed in a {} state",
                        schema::type_name(ty)
                    ),
                )
                .on_key()
                .label("not allowed here")
                .help(help),
            );
        }
    }
}
