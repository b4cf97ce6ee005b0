use std::collections::HashMap;

use crate::catalog::aws_models;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::rules::structural::sdk_contract::sdk_states;
use crate::rules::{Context, Group, Rule, SUGGESTIONS_PER_DEFINITION, suggest};

pub static RULE: Rule = Rule {
    name: "unknown-sdk-action",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "an `aws-sdk:` Task names a service or action that the AWS SDK does not have",
    doc: include_str!("../../../rules/unknown-sdk-action.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // Suggestions compare against every action of a service: a budget per
    // definition, and each service's action list built once, keep a file of
    // thousands of misspelt Tasks near-linear.
    let mut suggestions = SUGGESTIONS_PER_DEFINITION;
    let mut action_lists: HashMap<&str, Vec<String>> = HashMap::new();
    for (state, service_name, action, _) in sdk_states(cx) {
        let ptr = pointer::push(&state.pointer, "Resource");
        let raw = state
            .get("Resource")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let Some(service) = aws_models::service(service_name) else {
            if let Some(reason) = aws_models::removed(service_name) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        ptr,
                        format!("the AWS SDK no longer has the service `{service_name}`"),
                    )
                    .severity(Severity::Warning)
                    .label("removed service")
                    .help(format!("{reason}; calls to it fail")),
                );
                continue;
            }
            // The botocore folder name (`stepfunctions`, `events`) or a
            // case slip (`DynamoDB`) for a service the SDK has.
            let index = aws_models::index();
            let by_folder = index
                .services
                .iter()
                .find(|(_, e)| e.botocore == service_name)
                .map(|(n, _)| n.as_str());
            let by_case = aws_models::service_names()
                .find(|n| n.eq_ignore_ascii_case(&service_name.replace('-', "")));
            let correct = by_folder.or(by_case);
            let close = correct.or_else(|| suggest(service_name, aws_models::service_names()));
            let mut d = Diagnostic::new(
                &RULE,
                ptr.clone(),
                format!("`{service_name}` is not an AWS SDK service name for Step Functions"),
            )
            .label("unknown service")
            .help(match close {
                Some(c) => format!("did you mean `aws-sdk:{c}`?"),
                None => "the service name is the AWS SDK for Java v2 package name, in lower case (`s3`, `dynamodb`, `sfn`, `eventbridge`)".to_string(),
            });
            if let Some(c) = correct {
                d = d.fix(rewrite(
                    &ptr,
                    raw,
                    &format!("aws-sdk:{service_name}:"),
                    &format!("aws-sdk:{c}:"),
                ));
            }
            out.push(d);
            continue;
        };
        if service.operation(action).is_some() {
            continue;
        }
        if suggestions == 0 {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ptr,
                    format!("`{service_name}` has no action `{action}`"),
                )
                .label("unknown action"),
            );
            continue;
        }
        suggestions -= 1;
        let actions = action_lists.entry(service_name).or_insert_with(|| {
            let mut list: Vec<String> = service.actions().collect();
            list.sort();
            list
        });
        let by_case: Vec<&str> = actions
            .iter()
            .map(String::as_str)
            .filter(|a| a.eq_ignore_ascii_case(action))
            .collect();
        let correct = match by_case.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let close = correct.or_else(|| suggest(action, actions.iter().map(String::as_str)));
        let mut d = Diagnostic::new(
            &RULE,
            ptr.clone(),
            format!("`{service_name}` has no action `{action}`"),
        )
        .label("unknown action")
        .help(match close {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!(
                "the action is the API operation with a lower-case first letter, as in `{}`",
                actions.first().map(String::as_str).unwrap_or_default()
            ),
        });
        if let Some(c) = correct {
            d = d.fix(rewrite(
                &ptr,
                raw,
                &format!("aws-sdk:{service_name}:{action}"),
                &format!("aws-sdk:{service_name}:{c}"),
            ));
        }
        out.push(d);
    }
}

/// A safe fix replacing the first `from` in the `Resource` string with `to`,
/// keeping the rest (partition placeholders, the integration pattern).
fn rewrite(ptr: &str, raw: &str, from: &str, to: &str) -> Fix {
    let new = raw.replacen(from, to, 1);
    Fix::safe(
        format!("Change `{from}` to `{to}`"),
        vec![Edit::ReplaceValue {
            pointer: ptr.to_string(),
            value: NewValue::string(new),
        }],
    )
}
