use std::collections::HashMap;

use crate::catalog::aws_models;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::rules::structural::sdk_contract::sdk_states;
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "unknown-error-name",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a Retry or Catch on an `aws-sdk:` Task names a service error that the service never raises",
    doc: include_str!("../../../rules/unknown-error-name.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Services whose error prefix the Step Functions developer guide spells
/// otherwise than the Java SDK does (`MemoryDB` against `MemoryDbClient`):
/// a prefix in another case is not reported for them.
const PREFIX_IN_DOUBT: &[&str] = &["memorydb"];

/// `NoSuchKey`, `NoSuchKeyException` and `NoSuchKeyFault` alike.
fn normalized(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix("exception").unwrap_or(&lower);
    let lower = lower.strip_suffix("fault").unwrap_or(lower);
    lower.replace(['_', '-'], "")
}

/// A service's error names, sorted, and their positions by [`normalized`] name.
/// Names sorted, their positions by [`normalized`] name, and one modelled
/// error to show as an example.
type Known = (Vec<String>, HashMap<String, Vec<usize>>, Option<String>);

/// The errors the AWS API references list as common to every action
/// ("Common Errors"), as Java exception names. Most services do not model
/// them, so the SDK would raise the service's generic exception; but that is
/// not verified for every service, so a Retry or Catch on one is not
/// reported (precision first).
const COMMON_ERRORS: &[&str] = &[
    "AccessDeniedException",
    "ExpiredTokenException",
    "IncompleteSignatureException",
    "InternalFailureException",
    "InvalidActionException",
    "InvalidClientTokenIdException",
    "NotAuthorizedException",
    "OptInRequiredException",
    "RequestExpiredException",
    "ServiceUnavailableException",
    "ThrottlingException",
    "UnrecognizedClientException",
    "ValidationErrorException",
    "ValidationException",
];

/// The error names `service` may raise, with the common ones, and an index
/// by normalised name; built only for a service some `ErrorEquals` names.
fn known_errors(service: &aws_models::Service, prefix: &str) -> Known {
    let mut names = service.all_errors().to_vec();
    let generic = service.generic_error();
    let example = names.iter().find(|n| **n != generic).cloned();
    names.extend(COMMON_ERRORS.iter().map(|e| format!("{prefix}.{e}")));
    // The AWS SDK's own client-side failure (no connection, a
    // response it cannot read) reaches Step Functions under the
    // service's prefix too; published definitions retry it.
    names.push(format!("{prefix}.SdkClientException"));
    names.sort();
    names.dedup();
    let mut by_norm: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        let rest = n.split_once('.').map_or(n.as_str(), |(_, r)| r);
        by_norm.entry(normalized(rest)).or_default().push(i);
    }
    (names, by_norm, example)
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // Each service's error names, computed once per definition, and only
    // for a service whose prefix some `ErrorEquals` name carries.
    let mut known: HashMap<&str, Known> = HashMap::new();
    for (state, service_name, _, _) in sdk_states(cx) {
        let Some(service) = aws_models::service(service_name) else {
            continue;
        };
        let prefix = service.error_prefix.as_str();
        for field in ["Retry", "Catch"] {
            let Some(entries) = state.get(field).and_then(Node::as_array) else {
                continue;
            };
            for (i, entry) in entries.iter().enumerate() {
                let Some(errors) = entry.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                for (j, e) in errors.iter().enumerate() {
                    let Some(name) = e.as_str() else { continue };
                    let Some((p, rest)) = name.split_once('.') else {
                        continue;
                    };
                    let same_prefix = p == prefix;
                    let other_case =
                        p.eq_ignore_ascii_case(prefix) && !PREFIX_IN_DOUBT.contains(&service_name);
                    if !same_prefix && !other_case {
                        continue;
                    }
                    let (names, by_norm, example) = known
                        .entry(service_name)
                        .or_insert_with(|| known_errors(service, prefix));
                    if same_prefix && names.binary_search_by(|n| n.as_str().cmp(name)).is_ok() {
                        continue;
                    }
                    let correct = match by_norm.get(&normalized(rest)).map(Vec::as_slice) {
                        Some([one]) => Some(names[*one].as_str()),
                        _ => None,
                    };
                    let rests = names
                        .iter()
                        .map(|n| n.split_once('.').map_or(n.as_str(), |(_, r)| r));
                    let close = correct
                        .map(str::to_string)
                        .or_else(|| suggest(rest, rests).map(|r| format!("{prefix}.{r}")));
                    let ptr = pointer::push_index(
                        &pointer::push(
                            &pointer::push_index(&pointer::push(&state.pointer, field), i),
                            "ErrorEquals",
                        ),
                        j,
                    );
                    let generic = service.generic_error();
                    let help = match (&close, example.as_deref()) {
                        (Some(c), _) => format!("Step Functions names it `{c}`"),
                        (None, None) => format!(
                            "`{service_name}` reports every service error as `{generic}`, with the error code in the Cause"
                        ),
                        (None, Some(example)) => format!(
                            "`{service_name}` errors are `{prefix}.` and the AWS SDK's exception class name, such as `{example}`; any other service error is `{generic}`"
                        ),
                    };
                    let mut d = Diagnostic::new(
                        &RULE,
                        ptr.clone(),
                        format!("`{service_name}` never raises `{name}`, so this never matches"),
                    )
                    .label("unknown error name")
                    .help(help);
                    if let Some(c) = correct {
                        d = d.fix(Fix::safe(
                            format!("Change `{name}` to `{c}`"),
                            vec![Edit::ReplaceValue {
                                pointer: ptr,
                                value: NewValue::string(c),
                            }],
                        ));
                    }
                    out.push(d);
                }
            }
        }
    }
}
