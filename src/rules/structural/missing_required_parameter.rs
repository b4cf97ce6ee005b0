use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::structural::sdk_contract::{
    Visit, alias_of, correction, sdk_tasks, walk_payload,
};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "missing-required-parameter",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "an `aws-sdk:` Task leaves out a parameter that the API action requires",
    doc: include_str!("../../../rules/missing-required-parameter.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Members the AWS SDK fills in itself when left out (idempotency tokens).
const FILLED_BY_SDK: &[&str] = &["ClientToken", "ClientRequestToken", "IdempotencyToken"];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for task in sdk_tasks(cx) {
        walk_payload(&task, |visit| {
            let Visit::Structure {
                pointer: at,
                object,
                shape,
            } = visit
            else {
                return;
            };
            if shape.required.is_empty() || object.members.iter().any(|m| m.key.contains("${")) {
                return;
            }
            // A misspelt member is `unknown-parameter`'s finding, not a
            // missing one too.
            let meant: Vec<&str> = object
                .members
                .iter()
                .filter_map(|m| {
                    let name = m.key.strip_suffix(".$").unwrap_or(&m.key);
                    if shape.members.contains_key(name) {
                        Some(name)
                    } else if let Some(canonical) = alias_of(task.service, shape, name) {
                        Some(canonical)
                    } else {
                        correction(shape, name).map(|(right, _)| right)
                    }
                })
                .collect();
            let missing: Vec<&str> = shape
                .required
                .iter()
                .map(String::as_str)
                .filter(|r| !meant.contains(r) && !FILLED_BY_SDK.contains(r))
                .collect();
            if missing.is_empty() {
                return;
            }
            let list = crate::diagnostic::quoted_list(&missing, missing.len());
            let (noun, verb, it) = if missing.len() == 1 {
                ("parameter", "is", "it")
            } else {
                ("parameters", "are", "them")
            };
            out.push(
                Diagnostic::new(&RULE, at.to_string(), format!("the required {noun} {list} {verb} missing"))
                    .label(format!("no {list}"))
                    .help(format!(
                        "the service rejects the call without {it}, so every execution that reaches this state fails here"
                    )),
            );
        });
    }
}
