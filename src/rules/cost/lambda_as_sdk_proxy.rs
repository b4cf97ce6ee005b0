use crate::catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::{ResourceKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "lambda-as-sdk-proxy",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "a Lambda whose name says it only calls an AWS API that Step Functions can call directly",
    doc: include_str!("../../../rules/lambda-as-sdk-proxy.md"),
    default_enabled: false,
    check: Some(check),
    options: &[],
};

const VERBS: &[&str] = &["put", "get", "publish", "send", "start", "write"];
const NOUNS: &[&str] = &[
    "s3", "object", "item", "dynamo", "sns", "sqs", "event", "glue", "job",
];

/// `put-item`, `publishSns`, `start_glue_job`...: a verb, an optional `-` or
/// `_`, then a service or resource noun.
pub fn proxy_name(name: &str) -> Option<(&'static str, &'static str)> {
    let lower = name.to_ascii_lowercase();
    for verb in VERBS {
        for (at, _) in lower.match_indices(verb) {
            let rest = &lower[at + verb.len()..];
            let rest = rest.strip_prefix(['-', '_']).unwrap_or(rest);
            if let Some(noun) = NOUNS.iter().find(|n| rest.starts_with(*n)) {
                return Some((verb, noun));
            }
        }
    }
    None
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let Some(resource) = &s.resource else {
            continue;
        };
        let (function, at) = match &resource.kind {
            ResourceKind::LambdaFunction { function } => (
                // `name:alias` or `name:version`: the function's own name.
                function.split(':').next().unwrap_or(function).to_string(),
                "Resource".to_string(),
            ),
            ResourceKind::Integration {
                service, action, ..
            } if service == "lambda" && action == "invoke" => {
                let Some(name) = catalog::parameters(s)
                    .and_then(|p| p.get("FunctionName"))
                    .and_then(|n| n.as_str())
                else {
                    continue;
                };
                // An ARN or `name:alias`: the function's own name.
                let name = name.rsplit_once("function:").map_or(name, |(_, n)| n);
                let name = name.split(':').next().unwrap_or(name);
                (name.to_string(), "Parameters/FunctionName".to_string())
            }
            _ => continue,
        };
        let Some((verb, noun)) = proxy_name(&function) else {
            continue;
        };
        let mut ptr = s.pointer.clone();
        for seg in at.split('/') {
            ptr = pointer::push(&ptr, seg);
        }
        out.push(
            Diagnostic::new(
                &RULE,
                ptr,
                format!(
                    "`{}` calls Lambda `{function}`, whose name says it only does `{verb}` on \
                     `{noun}`: if that is all it does, Step Functions can call the API itself and \
                     save the Lambda's run time and one transition",
                    s.name
                ),
            )
            .label("Lambda as an SDK proxy?")
            .help(
                "use the service integration directly (`arn:aws:states:::aws-sdk:<service>:<action>` \
                 or an optimized one such as `dynamodb:putItem`, `sns:publish`, `sqs:sendMessage`)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::proxy_name;

    #[test]
    fn names() {
        assert_eq!(proxy_name("put-item-handler"), Some(("put", "item")));
        assert_eq!(proxy_name("PublishSnsMessage"), Some(("publish", "sns")));
        assert_eq!(proxy_name("start_glue_job"), Some(("start", "glue")));
        assert_eq!(proxy_name("score-customer"), None);
        assert_eq!(proxy_name("getter"), None);
    }
}
