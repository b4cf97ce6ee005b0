use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::{Pattern, ResourceKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-resource-arn",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a Task's `Resource` is not a valid Step Functions resource ARN",
    doc: include_str!("../../../rules/invalid-resource-arn.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let Some(resource) = &s.resource else {
            continue;
        };
        let raw = resource.raw.as_str();
        let ptr = pointer::push(&s.pointer, "Resource");
        let make = |message: String, help: &str| {
            Diagnostic::new(&RULE, ptr.clone(), message)
                .label("invalid resource")
                .help(help.to_string())
        };
        if let Some(at) = unclosed_placeholder(raw) {
            out.push(make(
                format!(
                    "`Resource` has a `${{` placeholder that is not closed: \"{}\"",
                    &raw[at..]
                ),
                "close it with `}`, as in `${LambdaArn}`",
            ));
            continue;
        }
        match &resource.kind {
            // An ARN of another service is left to AWS to judge; a string
            // that is no ARN at all is certainly wrong.
            ResourceKind::Invalid if raw.starts_with("arn:") && !raw.starts_with("arn:aws:states:") => {}
            // Often a token a deploy script substitutes (`LAMBDA_ARN`,
            // `REPLACE_ME`): weaker evidence than a malformed ARN.
            ResourceKind::Invalid => out.push(
                Diagnostic::new(&RULE, ptr.clone(), format!("`Resource` \"{raw}\" is not an ARN"))
                    .severity(Severity::Warning)
                    .label("not an ARN")
                    .help(
                        "Step Functions accepts only ARNs here; if a deploy tool substitutes this text, write it as a \
                         `${Placeholder}` so linters and readers can tell",
                    ),
            ),
            ResourceKind::Integration { service, action, pattern, sdk } => {
                // No AWS document or recorded response says this is rejected;
                // public samples deploy it and LocalStack's interpreter reads
                // region and account from it. Only a warning, then.
                if resource.has_region_or_account {
                    out.push(
                        make(
                            format!(
                                "service integration `{}` carries a region or account, which the documented form leaves empty",
                                key(*sdk, service, action)
                            ),
                            "write it as `arn:aws:states:::<service>:<action>`: the documented form, which also works in every region and account",
                        )
                        .severity(Severity::Warning),
                    );
                }
                if *sdk && matches!(pattern, Pattern::Sync | Pattern::Sync2) {
                    out.push(make(
                        format!("SDK integration `aws-sdk:{service}:{action}` cannot use `.sync`"),
                        "only optimized integrations support `.sync`; use the optimized integration if there is one, or poll for completion",
                    ));
                }
                if *pattern == Pattern::Sync2 && !(service == "states" && action == "startExecution") {
                    out.push(make(
                        format!("`.sync:2` is only for `states:startExecution`, not `{service}:{action}`"),
                        "use `.sync`",
                    ));
                }
            }
            ResourceKind::LambdaFunction { function } if function.contains("${") => {}
            ResourceKind::LambdaFunction { function } => {
                let (name, qualifier) = match function.split_once(':') {
                    Some((n, q)) => (n, Some(q)),
                    None => (function.as_str(), None),
                };
                let name_ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                let qualifier_ok = qualifier.is_none_or(|q| {
                    q == "$LATEST" || (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                });
                if !name_ok || !qualifier_ok {
                    out.push(make(
                        format!("Lambda function ARN \"{raw}\" has an invalid function name or qualifier"),
                        "a function name uses letters, digits, `-` and `_`; a qualifier is a version number, an alias or `$LATEST`",
                    ));
                }
            }
            ResourceKind::Activity { .. } | ResourceKind::Opaque => {}
        }
    }
}

fn key(sdk: bool, service: &str, action: &str) -> String {
    if sdk {
        format!("aws-sdk:{service}:{action}")
    } else {
        format!("{service}:{action}")
    }
}

/// The position of a `${` with no closing `}`.
fn unclosed_placeholder(raw: &str) -> Option<usize> {
    let mut rest = 0;
    while let Some(at) = raw[rest..].find("${") {
        let start = rest + at;
        match raw[start..].find('}') {
            Some(close) => rest = start + close + 1,
            None => return Some(start),
        }
    }
    None
}
