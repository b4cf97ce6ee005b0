use std::collections::BTreeMap;

use crate::catalog::{aws_models, iam};
use crate::diagnostic::{Diagnostic, Severity, quoted_list};
use crate::loader::pointer;
use crate::loader::template::{Role, RoleAccess, wildcard_placeholders};
use crate::loader::tree::{Node, Value};
use crate::model::{MapMode, Pattern, QueryLanguage, ResourceKind, State, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "role-missing-permission",
    severity: Severity::Warning,
    group: Group::Permissions,
    summary: "a Task needs an IAM action that the state machine's role, defined in the same template, does not allow",
    doc: include_str!("../../../rules/role-missing-permission.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// One action a state needs, on a resource pattern (`*` when unknown).
struct Needed {
    action: String,
    /// Other actions that authorize the same call.
    or: Vec<String>,
    resource: String,
    source: String,
    /// Only needed to stop the job when the execution stops early.
    on_stop: bool,
}

/// "Accessing resources in other AWS accounts in Step Functions".
const CROSS_ACCOUNT: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html";

/// One `Allow` statement, as patterns.
struct Grant {
    actions: Vec<String>,
    resources: Vec<String>,
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // Nothing is computed for a definition whose template does not show
    // its role in full.
    let Some(RoleAccess::Known(role)) = cx.role else {
        return;
    };
    let Some(grants) = grants(role) else {
        return;
    };
    for state in &cx.machine.states {
        let (needed, what, at) = match state.ty {
            StateType::Task => {
                let Some((needed, what)) = task_needs(state) else {
                    continue;
                };
                (needed, what, pointer::push(&state.pointer, "Resource"))
            }
            StateType::Map if state.map_mode == Some(MapMode::Distributed) => (
                map_needs(state),
                "a Distributed Map".to_string(),
                state.pointer.clone(),
            ),
            _ => continue,
        };
        let missing: Vec<&Needed> = needed.iter().filter(|n| !granted(&grants, n)).collect();
        if missing.is_empty() {
            continue;
        }
        // Stop actions alone: runs succeed, but one stopped early leaves its
        // job running.
        let (effect, severity) = if missing.iter().all(|n| n.on_stop) {
            (
                "runs succeed, but when an execution is stopped, fails or times out here, Step Functions cannot stop the job it started, which keeps running",
                Severity::Info,
            )
        } else {
            (
                "every execution that reaches this state fails with an access error",
                RULE.severity,
            )
        };
        out.push(finding(role, &what, &missing, at, effect, severity));
    }
    machine_findings(role, &grants, out);
}

/// What the machine's own configuration (logging, tracing) needs, at its
/// `StartAt`: the definition's entry, as the machine-level cost findings
/// are.
fn machine_findings(role: &Role, grants: &[Grant], out: &mut Vec<Diagnostic>) {
    let settings = [
        (
            "machine:logging",
            role.machine
                .logging
                .as_ref()
                .map(|level| format!("logging to CloudWatch Logs (level `{level}`)")),
            "Step Functions refuses to create or update the state machine (\"The state machine IAM Role is not authorized to access the Log Destination\")",
            RULE.severity,
        ),
        (
            "machine:tracing",
            role.machine.tracing.then(|| "X-Ray tracing".to_string()),
            "runs succeed, but Step Functions cannot send their traces to X-Ray",
            Severity::Info,
        ),
    ];
    for (key, what, effect, severity) in settings {
        let Some(what) = what else { continue };
        let mut needed = Vec::new();
        for need in iam::needs(key, Pattern::RequestResponse) {
            let group: Vec<Needed> = need
                .actions
                .iter()
                .map(|action| Needed {
                    action: action.clone(),
                    or: need.or.clone(),
                    resource: iam::segment_pattern(&need.resource),
                    source: need.source.clone(),
                    on_stop: false,
                })
                .collect();
            let missing = group.iter().filter(|n| !granted(grants, n)).count();
            // A group is missing only when none of it is allowed.
            if missing == group.len() || (!need.group && missing > 0) {
                needed.extend(group.into_iter().filter(|n| !granted(grants, n)));
            }
        }
        if needed.is_empty() {
            continue;
        }
        let missing: Vec<&Needed> = needed.iter().collect();
        let at = pointer::push("", "StartAt");
        out.push(finding(role, &what, &missing, at, effect, severity).on_key());
    }
}

/// Every `Allow` the role has, SAM policy templates expanded; `None` when a
/// template is one the catalogue does not know (then the role is not read
/// fully).
fn grants(role: &Role) -> Option<Vec<Grant>> {
    let mut out: Vec<Grant> = role
        .statements
        .iter()
        .map(|s| Grant {
            actions: s.actions.clone(),
            resources: s.resources.clone(),
        })
        .collect();
    for used in &role.templates {
        let template = iam::sam_template(&used.name)?;
        for s in template.statements.iter().filter(|s| s.effect == "Allow") {
            let resources = s
                .resources
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    for (name, value) in &used.parameters {
                        if let Some(value) = value {
                            r = r.replace(&format!("${{{name}}}"), value);
                        }
                    }
                    wildcard_placeholders(&r)
                })
                .collect();
            out.push(Grant {
                actions: s.actions.clone(),
                resources,
            });
        }
    }
    Some(out)
}

fn granted(grants: &[Grant], needed: &Needed) -> bool {
    let actions = || std::iter::once(&needed.action).chain(&needed.or);
    grants.iter().any(|g| {
        g.actions
            .iter()
            .any(|a| actions().any(|n| iam::action_matches(a, n)))
            && (g.resources.is_empty()
                || g.resources
                    .iter()
                    .any(|r| iam::resources_overlap(r, &needed.resource)))
    })
}

/// What a Task needs, and how to name its integration in the message.
fn task_needs(state: &State<'_>) -> Option<(Vec<Needed>, String)> {
    let resource = state.resource.as_ref()?;
    // With `Credentials` the call runs as another role, which needs the
    // call's actions; the execution role only needs to assume it.
    if let Some(credentials) = state.get("Credentials") {
        let role = credentials
            .get("RoleArn")
            .and_then(literal)
            .filter(|r| r.starts_with("arn:"))
            .map_or_else(|| "*".to_string(), wildcard_placeholders);
        return Some((
            vec![Needed {
                action: "sts:AssumeRole".into(),
                or: Vec::new(),
                resource: role,
                source: CROSS_ACCOUNT.into(),
                on_stop: false,
            }],
            "a Task with `Credentials`".into(),
        ));
    }
    match &resource.kind {
        ResourceKind::Integration {
            service,
            action,
            pattern,
            sdk: false,
        } => {
            let key = format!("{service}:{action}");
            let mut needed = Vec::new();
            for need in iam::needs(&key, *pattern) {
                if !need.when.is_empty() && !need.when.iter().any(|w| payload_sets(state, w)) {
                    continue;
                }
                let resource = match need.parameter() {
                    Some(name) => parameter_resource(state, name, need.kind.as_deref()),
                    None => iam::segment_pattern(&need.resource),
                };
                for action in &need.actions {
                    needed.push(Needed {
                        action: action.clone(),
                        or: need.or.clone(),
                        resource: resource.clone(),
                        source: need.source.clone(),
                        on_stop: need.on_stop,
                    });
                }
            }
            Some((needed, format!("`{key}{}`", suffix(*pattern))))
        }
        ResourceKind::Integration {
            service,
            action,
            sdk: true,
            ..
        } => {
            let model = aws_models::service(service)?;
            let (operation, _) = model.operation(action)?;
            let (actions, page) = iam::sdk_actions(service, operation)?;
            let needed = actions
                .into_iter()
                .map(|action| Needed {
                    action,
                    or: Vec::new(),
                    on_stop: false,
                    resource: "*".into(),
                    source: format!(
                        "Service Authorization Reference, \"Actions, resources, and condition keys for {page}\""
                    ),
                })
                .collect();
            Some((needed, format!("`aws-sdk:{service}:{action}`")))
        }
        ResourceKind::LambdaFunction { .. } => Some((
            vec![Needed {
                action: "lambda:InvokeFunction".into(),
                or: Vec::new(),
                on_stop: false,
                resource: wildcard_placeholders(&resource.raw),
                source: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html"
                    .into(),
            }],
            "the Lambda function".into(),
        )),
        _ => None,
    }
}

fn suffix(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::RequestResponse => "",
        Pattern::Sync => ".sync",
        Pattern::Sync2 => ".sync:2",
        Pattern::WaitForTaskToken => ".waitForTaskToken",
    }
}

/// A Distributed Map runs its children as executions of this state
/// machine, reads its items with the S3 call its `ItemReader` names, and
/// writes its results with its `ResultWriter`.
fn map_needs(state: &State<'_>) -> Vec<Needed> {
    let mut keys = vec!["map:distributed".to_string()];
    if let Some(resource) = state
        .get("ItemReader")
        .and_then(|r| r.get("Resource"))
        .and_then(literal)
        && let Some(call) = resource.split(":::").nth(1)
    {
        keys.push(format!("map:{call}"));
    }
    if state
        .get("ResultWriter")
        .is_some_and(|w| w.get("Resource").is_some())
    {
        keys.push("map:result-writer".into());
    }
    let mut needed = Vec::new();
    for key in keys {
        for need in iam::needs(&key, Pattern::RequestResponse) {
            for action in &need.actions {
                needed.push(Needed {
                    action: action.clone(),
                    or: need.or.clone(),
                    resource: iam::segment_pattern(&need.resource),
                    source: need.source.clone(),
                    on_stop: need.on_stop,
                });
            }
        }
    }
    needed
}

/// A literal string, not a JSONata expression.
fn literal(node: &Node) -> Option<&str> {
    match &node.value {
        Value::String(s) if !s.trim_start().starts_with("{%") => Some(s),
        _ => None,
    }
}

/// The Task's payload: `Parameters`, or `Arguments` in JSONata.
fn payload<'t>(state: &State<'t>) -> Option<&'t Node> {
    state.get(match state.query_language {
        QueryLanguage::JsonPath => "Parameters",
        QueryLanguage::Jsonata => "Arguments",
    })
}

/// Whether the payload sets a dotted path (`Overrides.TaskRoleArn`), with
/// `.$` or not; `Path=VALUE` only when it is that literal value.
fn payload_sets(state: &State<'_>, when: &str) -> bool {
    let (path, value) = match when.split_once('=') {
        Some((path, value)) => (path, Some(value)),
        None => (when, None),
    };
    let Some(mut node) = payload(state) else {
        return false;
    };
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match node.get(segment) {
            Some(next) => node = next,
            // A value chosen at run time: set, but not to a known value.
            None if last => return value.is_none() && node.get(&format!("{segment}.$")).is_some(),
            None => return false,
        }
    }
    match value {
        None => true,
        Some(v) => literal(node) == Some(v),
    }
}

/// The resource a payload parameter names, as a pattern; `*` when it is
/// not written literally.
fn parameter_resource(state: &State<'_>, name: &str, kind: Option<&str>) -> String {
    let Some(value) = payload(state).and_then(|p| p.get(name)).and_then(literal) else {
        return "*".into();
    };
    // What the definition writes may hold `${...}` (anything); the segments
    // it leaves out are one segment each.
    let value = wildcard_placeholders(value.trim());
    let seg = iam::SEGMENT;
    match kind {
        Some("lambda-function") => {
            if value.starts_with("arn:") {
                value
            } else if value.split(':').nth(1) == Some("function") {
                format!("arn:{seg}:lambda:{seg}:{value}")
            } else {
                format!("arn:{seg}:lambda:{seg}:{seg}:function:{value}")
            }
        }
        Some("sqs-queue-url") => queue_arn(&value).unwrap_or_else(|| "*".into()),
        Some("dynamodb-table") if !value.starts_with("arn:") => {
            format!("arn:{seg}:dynamodb:{seg}:{seg}:table/{value}")
        }
        _ if value.starts_with("arn:") => value,
        _ => "*".into(),
    }
}

/// `https://sqs.<region>.amazonaws.com/<account>/<name>` as a queue ARN.
fn queue_arn(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let account = parts.next()?;
    let name = parts.next()?;
    let region = host.split('.').nth(1).filter(|r| !r.is_empty())?;
    Some(format!(
        "arn:{}:sqs:{region}:{account}:{name}",
        iam::SEGMENT
    ))
}

fn finding(
    role: &Role,
    what: &str,
    missing: &[&Needed],
    at: String,
    effect: &str,
    severity: Severity,
) -> Diagnostic {
    let mut actions: Vec<&str> = missing.iter().map(|n| n.action.as_str()).collect();
    actions.dedup();
    let whose = if role.sam {
        format!(
            "the role SAM makes from the `Policies` of `{}`",
            role.name.strip_suffix("Role").unwrap_or(&role.name)
        )
    } else {
        format!("the role `{}`", role.name)
    };
    // One statement per resource, in the order first needed.
    let mut by_resource: BTreeMap<usize, (&str, Vec<&str>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for n in missing {
        let at = match order.iter().position(|r| *r == n.resource) {
            Some(i) => i,
            None => {
                order.push(&n.resource);
                order.len() - 1
            }
        };
        let entry = by_resource.entry(at).or_insert((&n.resource, Vec::new()));
        if !entry.1.contains(&n.action.as_str()) {
            entry.1.push(&n.action);
        }
    }
    let statements: Vec<String> = by_resource
        .values()
        .map(|(resource, actions)| {
            let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
            format!(
                "{{\"Effect\": \"Allow\", \"Action\": [{}], \"Resource\": \"{}\"}}",
                list.join(", "),
                iam::display_resource(resource)
            )
        })
        .collect();
    let target = if role.sam {
        "add to its `Policies` a statement".to_string()
    } else {
        format!("add to `{}` a statement", role.name)
    };
    let mut sources: Vec<&str> = missing.iter().map(|n| n.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let on = match order.as_slice() {
        [one] if *one != "*" => format!(" on `{}`", iam::display_resource(one)),
        _ => String::new(),
    };
    let mut d = Diagnostic::new(
        &RULE,
        at,
        format!(
            "{what} needs {}{on} that {whose} does not allow",
            quoted_list(&actions, actions.len())
        ),
    )
    .label("missing permission")
    .help(format!(
        "{effect}; {target}: {} (narrow the resource if you can)",
        statements.join(", ")
    ))
    .severity(severity);
    d.add_help(&format!("source: {}", sources.join("; ")));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_become_arns() {
        assert_eq!(
            queue_arn("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs").as_deref(),
            Some("arn:\u{1}:sqs:eu-west-1:123456789012:jobs")
        );
        assert_eq!(queue_arn("jobs"), None);
    }
}
