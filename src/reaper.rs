//! `--reaper KIND`: the event-triggered Wait-then-stop safety net (README, "The reaper") as a SAM
//! template.
//!
//! CloudTrail records the start call, an EventBridge rule starts a state
//! machine with that event, the machine waits, asks the service whether the
//! resource still runs, and stops it if so. Everything resource-specific
//! (events, id paths, describe and stop calls, errors, IAM actions) comes
//! from the catalogue's `[billable.reaper]` entries; this module only knows
//! the shape of the machine and of the template.

use crate::catalog::{Reaper, catalog};
use crate::edit::NewValue;
use crate::engine::{self, Input, Source};
use crate::loader::edits::yaml_document;

/// The reaper kinds, in catalogue order, with what each one reaps.
pub fn kinds() -> Vec<(&'static Reaper, &'static str)> {
    catalog()
        .billables()
        .iter()
        .filter_map(|b| b.reaper.as_ref().map(|r| (r, b.name.as_str())))
        .collect()
}

/// `--reaper list`: one kind a line, with its start event, its stop call
/// and the scopes it takes.
pub fn list() -> String {
    let kinds = kinds();
    let width = kinds.iter().map(|(r, _)| r.kind.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (r, _) in &kinds {
        let scopes = if supports_tags(r) {
            "humans, tag"
        } else {
            "humans"
        };
        let scope = if r.scope_required.is_some() {
            format!("needs --reaper-scope ({scopes})")
        } else {
            format!("--reaper-scope optional ({scopes})")
        };
        out.push_str(&format!(
            "{:width$}  {} {}  ->  {}  [{scope}]\n",
            r.kind,
            r.event_source,
            r.event_names.join(","),
            r.stop
        ));
    }
    out
}

/// `--reaper-scope`: which of the kind's resources the reaper may stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Only resources started by people: the console, IAM users, the root
    /// user and IAM Identity Center (SSO) sessions; never a start that an
    /// AWS service made (CloudTrail's `userIdentity.invokedBy`).
    Humans,
    /// Only resources carrying the tag (with the value, when given).
    Tag { key: String, value: Option<String> },
}

/// Characters a tag key or value may have here: AWS's tag character set
/// (letters, digits, spaces and `_ . : / = + - @`), which also keeps them
/// safe inside the generated JSONPath filter.
fn tag_text_ok(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 256
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c))
}

/// `humans`, `tag=KEY` or `tag=KEY=VALUE`.
pub fn parse_scope(text: &str) -> Result<Scope, String> {
    if text == "humans" {
        return Ok(Scope::Humans);
    }
    let Some(tag) = text.strip_prefix("tag=") else {
        return Err("the scope is `humans`, `tag=KEY` or `tag=KEY=VALUE`".into());
    };
    let (key, value) = match tag.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (tag, None),
    };
    if !tag_text_ok(key) || value.is_some_and(|v| !tag_text_ok(v)) || key.starts_with("aws:") {
        return Err(
            "a tag key and value are 1 to 256 letters, digits, spaces or `_ . : / = + - @`, \
             and a key does not start with `aws:`"
                .into(),
        );
    }
    Ok(Scope::Tag {
        key: key.to_string(),
        value: value.map(str::to_string),
    })
}

impl Scope {
    /// The scope in a sentence, for the template's header and comments.
    fn describe(&self, noun: &str) -> String {
        match self {
            Scope::Humans => format!(
                "only {noun} started by people (console, IAM users, the root user, IAM Identity \
                 Center sessions), never by an AWS service"
            ),
            Scope::Tag { key, value: None } => format!("only {noun} tagged `{key}`"),
            Scope::Tag {
                key,
                value: Some(v),
            } => format!("only {noun} tagged `{key}={v}`"),
        }
    }
}

/// Whether `--reaper-scope tag=...` can be checked for the kind: its
/// describe call filters on tags or returns them.
fn supports_tags(r: &Reaper) -> bool {
    r.filters.is_some() || r.tags_path.is_some()
}

/// Why the scope cannot be used for the kind, or the kind needs one.
fn scope_problem(r: &Reaper, scope: Option<&Scope>) -> Option<String> {
    match scope {
        None => r.scope_required.as_ref().map(|why| {
            format!(
                "`--reaper {}` needs `--reaper-scope humans` or `--reaper-scope tag=KEY[=VALUE]`: {why}",
                r.kind
            )
        }),
        Some(Scope::Tag { .. }) if !supports_tags(r) => Some(format!(
            "`{}` cannot be scoped by tag: {} does not return the resource's tags; use \
             `--reaper-scope humans`",
            r.kind, r.describe
        )),
        Some(_) => None,
    }
}

/// Why a kind that is not in the list gets no reaper.
pub fn refusal(kind: &str) -> String {
    if let Some(r) = catalog().reaper_refusal(kind) {
        return format!("no reaper for `{kind}`: {r}");
    }
    let names: Vec<&str> = kinds().iter().map(|(r, _)| r.kind.as_str()).collect();
    let close = crate::rules::suggest(kind, names.iter().copied())
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    format!(
        "unknown reaper kind `{kind}`{close}; kinds: {}, or `list`",
        names.join(", ")
    )
}

/// `--reaper-wait`: `90m`, `2h`, `3600s`, `1h30m`; at least a second.
pub fn parse_wait(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a duration: write it like `90m`, `2h` or `3600s`");
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        number.clear();
        any = true;
    }
    if !number.is_empty() || !any {
        return Err(bad());
    }
    // The reaper's execution must end within the year an execution may
    // run, with an hour left for the describe and stop calls after the wait.
    match total {
        0 => Err("the wait must be at least `1s`".into()),
        t if t > MAX_WAIT_SECONDS => Err(format!(
            "the wait must be at most `{}d{}h`: an execution runs for a year at most, and \
             the reaper needs an hour after the wait to describe and stop the resource",
            MAX_WAIT_SECONDS / 86_400,
            MAX_WAIT_SECONDS % 86_400 / 3600
        )),
        t => Ok(t),
    }
}

/// The time after the wait that the machine keeps for describing and
/// stopping (its `TimeoutSeconds` is the wait plus this).
const AFTER_WAIT_SECONDS: u64 = 3600;

/// The longest `--reaper-wait`: the year an execution may run, less the
/// hour after the wait.
pub const MAX_WAIT_SECONDS: u64 = crate::model::MAX_EXECUTION_SECONDS as u64 - AFTER_WAIT_SECONDS;

fn s(text: impl Into<String>) -> NewValue {
    NewValue::String(text.into())
}

fn human(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// The state machine: read the id, wait, describe, stop what still runs
/// within the scope.
pub fn definition(r: &Reaper, wait_seconds: u64, scope: Option<&Scope>) -> NewValue {
    let mut states = watch_and_stop_states(r, wait_seconds, scope);
    states.extend(notify_and_end_states(r, wait_seconds));
    let scoped = scope
        .map(|s| format!("; {}", s.describe("resources")))
        .unwrap_or_default();
    NewValue::object([
        (
            "Comment",
            s(format!(
                "asl-lint reaper ({}): waits {}, then stops the resource if it still runs{scoped}",
                r.kind,
                human(wait_seconds)
            )),
        ),
        ("StartAt", s("Read id")),
        (
            "TimeoutSeconds",
            NewValue::Integer((wait_seconds + AFTER_WAIT_SECONDS) as i64),
        ),
        ("States", NewValue::object(states)),
    ])
}

/// The id as a call takes it: a list from the event as it is, a single id
/// wrapped when the call wants a list.
fn id_argument(r: &Reaper, list: bool) -> String {
    let id_path = "$.target.id";
    if list && !r.event_id_list {
        format!("States.Array({id_path})")
    } else {
        id_path.to_string()
    }
}

fn error_list(names: &[String]) -> NewValue {
    NewValue::Array(names.iter().map(|e| s(e.clone())).collect())
}

/// Throttling is retried with capped, jittered backoff.
fn throttling_retry(r: &Reaper) -> NewValue {
    NewValue::Array(vec![NewValue::object([
        ("ErrorEquals", error_list(&r.throttling_errors)),
        ("IntervalSeconds", NewValue::Integer(2)),
        ("BackoffRate", NewValue::Integer(2)),
        ("MaxAttempts", NewValue::Integer(6)),
        ("MaxDelaySeconds", NewValue::Integer(60)),
        ("JitterStrategy", s("FULL")),
    ])])
}

/// A resource already stopped or deleted ends the run quietly. Where the
/// service raises one error for everything, the error goes to `Gone?`,
/// which tells "gone" from other failures by the code in its cause.
fn gone_catch(r: &Reaper) -> NewValue {
    let (result_path, next) = if r.gone_causes.is_empty() {
        (NewValue::Null, "Already gone")
    } else {
        (s("$.target.error"), "Gone?")
    };
    NewValue::Array(vec![NewValue::object([
        ("ErrorEquals", error_list(&r.gone_errors)),
        ("ResultPath", result_path),
        ("Next", s(next)),
    ])])
}

/// `Gone?` and `Failed`, for kinds whose gone errors are told by cause.
fn gone_by_cause_states(r: &Reaper) -> Vec<(&'static str, NewValue)> {
    if r.gone_causes.is_empty() {
        return Vec::new();
    }
    let rules: Vec<NewValue> = r
        .gone_causes
        .iter()
        .map(|code| {
            NewValue::object([
                ("Variable", s("$.target.error.Cause")),
                ("StringMatches", s(format!("*{code}*"))),
            ])
        })
        .collect();
    vec![
        (
            "Gone?",
            NewValue::object([
                ("Type", s("Choice")),
                (
                    "Comment",
                    s(format!(
                        "{} is gone when the error's code is {}; any other error fails the run",
                        r.kind,
                        r.gone_causes.join(" or ")
                    )),
                ),
                (
                    "Choices",
                    NewValue::Array(vec![NewValue::object([
                        ("Or", NewValue::Array(rules)),
                        ("Next", s("Already gone")),
                    ])]),
                ),
                ("Default", s("Failed")),
            ]),
        ),
        (
            "Failed",
            NewValue::object([
                ("Type", s("Fail")),
                (
                    "Comment",
                    s("The describe or stop call failed: the error as raised"),
                ),
                ("ErrorPath", s("$.target.error.Error")),
                ("CausePath", s("$.target.error.Cause")),
            ]),
        ),
    ]
}

/// A `StringMatches` pattern that finds the scope's tag in the tags as
/// `States.JsonToString` writes them (`[{"Key":"team","Value":"data"}]`).
/// A JSONPath filter (`[?(@.Key == 'team')]`) would fail the run with
/// `States.Runtime` on a resource without the tag instead of leaving it be.
/// Tag text is limited to characters that are literal in both (`parse_scope`).
fn tag_pattern(scope: Option<&Scope>) -> Option<String> {
    match scope {
        Some(Scope::Tag { key, value: None }) => Some(format!("*{{\"Key\":\"{key}\",*")),
        Some(Scope::Tag {
            key,
            value: Some(v),
        }) => Some(format!("*{{\"Key\":\"{key}\",\"Value\":\"{v}\"}}*")),
        _ => None,
    }
}

/// The Choice rule that goes to `Stop` while the described state is one of
/// the running states (and, with a tag scope, the resource carries the tag).
fn still_running_rule(r: &Reaper, tag_pattern: Option<&str>) -> NewValue {
    let mut running: Vec<NewValue> = r
        .running_states
        .iter()
        .map(|state| {
            NewValue::object([
                ("Variable", s("$.target.state")),
                ("StringEquals", s(state.clone())),
            ])
        })
        .collect();
    let mut rule = if running.len() == 1 {
        running.remove(0)
    } else {
        NewValue::object([("Or", NewValue::Array(running))])
    };
    if let Some(pattern) = tag_pattern {
        rule = NewValue::object([(
            "And",
            NewValue::Array(vec![
                rule,
                NewValue::object([
                    ("Variable", s("$.target.tags")),
                    ("StringMatches", s(pattern)),
                ]),
            ]),
        )]);
    }
    match rule {
        NewValue::Object(mut members) => {
            members.push(("Next".into(), s("Stop")));
            NewValue::Object(members)
        }
        other => other,
    }
}

/// Read the id, wait, describe the resource and stop it while it runs;
/// throttling is retried, and a resource already gone ends the run.
fn watch_and_stop_states(
    r: &Reaper,
    wait_seconds: u64,
    scope: Option<&Scope>,
) -> Vec<(&'static str, NewValue)> {
    let mut states = vec![
        (
            "Read id",
            NewValue::object([
                ("Type", s("Pass")),
                (
                    "Comment",
                    s("The resource's id from the CloudTrail event, and the settings"),
                ),
                (
                    "Parameters",
                    NewValue::object([
                        ("id.$", s(r.event_id.clone())),
                        ("notify", s("${NotificationTopicArn}")),
                    ]),
                ),
                ("ResultPath", s("$.target")),
                ("Next", s("Wait")),
            ]),
        ),
        (
            "Wait",
            NewValue::object([
                ("Type", s("Wait")),
                ("Seconds", NewValue::Integer(wait_seconds as i64)),
                ("Next", s("Describe")),
            ]),
        ),
    ];
    match &r.filters {
        Some(f) => states.extend(describe_by_filters(r, f, scope)),
        None => states.extend(describe_by_state(r, scope)),
    }
    states.push((
        "Stop",
        NewValue::object([
            ("Type", s("Task")),
            ("Resource", s(format!("arn:aws:states:::{}", r.stop))),
            ("Parameters", NewValue::object([stop_argument(r)])),
            ("ResultPath", NewValue::Null),
            ("Retry", throttling_retry(r)),
            ("Catch", gone_catch(r)),
            ("Next", s("Notify?")),
        ]),
    ));
    states.extend(gone_by_cause_states(r));
    states
}

/// The stop call's id argument: the described matches' ids for a kind
/// described through filters, else the id from the event.
fn stop_argument(r: &Reaper) -> (String, NewValue) {
    let value = match &r.filters {
        Some(_) => "$.target.ids".to_string(),
        None => id_argument(r, r.stop_list),
    };
    (format!("{}.$", r.stop_parameter), s(value))
}

/// Describe through filters on the ids, the running states and the tag;
/// whatever matches still runs and is in scope.
fn describe_by_filters(
    r: &Reaper,
    f: &crate::catalog::ReaperFilters,
    scope: Option<&Scope>,
) -> Vec<(&'static str, NewValue)> {
    let filter = |name: String, values: NewValue| {
        let values_key = if matches!(values, NewValue::String(_)) {
            "Values.$"
        } else {
            "Values"
        };
        NewValue::object([("Name", s(name)), (values_key, values)])
    };
    let mut filters = vec![
        filter(f.id.clone(), s(id_argument(r, true))),
        filter(
            f.state.clone(),
            NewValue::Array(r.running_states.iter().map(|x| s(x.clone())).collect()),
        ),
    ];
    match scope {
        Some(Scope::Tag { key, value: None }) => filters.push(filter(
            f.tag_key.clone(),
            NewValue::Array(vec![s(key.clone())]),
        )),
        Some(Scope::Tag {
            key,
            value: Some(v),
        }) => filters.push(filter(
            format!("{}{key}", f.tag_prefix),
            NewValue::Array(vec![s(v.clone())]),
        )),
        _ => {}
    }
    vec![
        (
            "Describe",
            NewValue::object([
                ("Type", s("Task")),
                (
                    "Comment",
                    s("Only what still runs (and is in scope) matches the filters"),
                ),
                ("Resource", s(format!("arn:aws:states:::{}", r.describe))),
                (
                    "Parameters",
                    NewValue::object([("Filters", NewValue::Array(filters))]),
                ),
                (
                    "ResultSelector",
                    NewValue::object([("found.$", s(f.found.clone()))]),
                ),
                ("ResultPath", s("$.target.described")),
                ("Retry", throttling_retry(r)),
                ("Catch", gone_catch(r)),
                ("Next", s("Still running?")),
            ]),
        ),
        (
            "Still running?",
            NewValue::object([
                ("Type", s("Choice")),
                (
                    "Choices",
                    NewValue::Array(vec![NewValue::object([
                        ("Variable", s("$.target.described.found[0]")),
                        ("IsPresent", NewValue::Bool(true)),
                        ("Next", s("Keep ids")),
                    ])]),
                ),
                ("Default", s("Already gone")),
            ]),
        ),
        (
            "Keep ids",
            NewValue::object([
                ("Type", s("Pass")),
                (
                    "Comment",
                    s("The ids of what still runs; the rest of the description is dropped"),
                ),
                (
                    "Parameters",
                    NewValue::object([
                        ("id.$", s("$.target.id")),
                        ("notify.$", s("$.target.notify")),
                        ("ids.$", s(format!("$.target.described.found[*].{}", f.ids))),
                    ]),
                ),
                ("ResultPath", s("$.target")),
                ("Next", s("Stop")),
            ]),
        ),
    ]
}

/// Describe the resource by its id and read its state (and its tags, with
/// a tag scope).
fn describe_by_state(r: &Reaper, scope: Option<&Scope>) -> Vec<(&'static str, NewValue)> {
    let tagged = r.tags_path.as_deref().zip(tag_pattern(scope));
    let mut selector = vec![("state.$".to_string(), s(r.state_path.clone()))];
    let mut keep = vec![
        ("id.$".to_string(), s("$.target.id")),
        ("notify.$".to_string(), s("$.target.notify")),
        ("state.$".to_string(), s("$.target.described.state")),
    ];
    if let Some((path, _)) = &tagged {
        selector.push((
            "tags.$".to_string(),
            s(format!("States.JsonToString({path})")),
        ));
        keep.push(("tags.$".to_string(), s("$.target.described.tags")));
    }
    vec![
        (
            "Describe",
            NewValue::object([
                ("Type", s("Task")),
                ("Resource", s(format!("arn:aws:states:::{}", r.describe))),
                (
                    "Parameters",
                    NewValue::object([(
                        format!("{}.$", r.describe_parameter),
                        s(id_argument(r, r.describe_list)),
                    )]),
                ),
                ("ResultSelector", NewValue::Object(selector)),
                ("ResultPath", s("$.target.described")),
                ("Retry", throttling_retry(r)),
                ("Catch", gone_catch(r)),
                ("Next", s("Keep state")),
            ]),
        ),
        (
            "Keep state",
            NewValue::object([
                ("Type", s("Pass")),
                ("Parameters", NewValue::Object(keep)),
                ("ResultPath", s("$.target")),
                ("Next", s("Still running?")),
            ]),
        ),
        (
            "Still running?",
            NewValue::object([
                ("Type", s("Choice")),
                (
                    "Choices",
                    NewValue::Array(vec![still_running_rule(
                        r,
                        tagged.as_ref().map(|(_, p)| p.as_str()),
                    )]),
                ),
                ("Default", s("Already gone")),
            ]),
        ),
    ]
}

/// The optional SNS notice and the two ends.
fn notify_and_end_states(r: &Reaper, wait_seconds: u64) -> Vec<(&'static str, NewValue)> {
    vec![
        (
            "Notify?",
            NewValue::object([
                ("Type", s("Choice")),
                (
                    "Choices",
                    NewValue::Array(vec![NewValue::object([
                        ("Variable", s("$.target.notify")),
                        ("StringEquals", s("")),
                        ("Next", s("Stopped")),
                    ])]),
                ),
                ("Default", s("Notify")),
            ]),
        ),
        (
            "Notify",
            NewValue::object([
                ("Type", s("Task")),
                ("Resource", s("arn:aws:states:::sns:publish")),
                (
                    "Parameters",
                    NewValue::object([
                        ("TopicArn.$", s("$.target.notify")),
                        (
                            "Message.$",
                            s(format!(
                                "States.Format('asl-lint reaper stopped {{}} ({}), still running {} after it started', States.JsonToString($.target.id))",
                                r.kind,
                                human(wait_seconds)
                            )),
                        ),
                    ]),
                ),
                ("ResultPath", NewValue::Null),
                (
                    "Retry",
                    NewValue::Array(vec![NewValue::object([
                        (
                            "ErrorEquals",
                            NewValue::Array(vec![s("SNS.ThrottledException")]),
                        ),
                        ("IntervalSeconds", NewValue::Integer(2)),
                        ("BackoffRate", NewValue::Integer(2)),
                        ("MaxAttempts", NewValue::Integer(3)),
                    ])]),
                ),
                (
                    "Catch",
                    NewValue::Array(vec![NewValue::object([
                        ("ErrorEquals", NewValue::Array(vec![s("States.ALL")])),
                        ("ResultPath", NewValue::Null),
                        ("Next", s("Stopped")),
                    ])]),
                ),
                ("Next", s("Stopped")),
            ]),
        ),
        (
            "Stopped",
            NewValue::object([
                ("Type", s("Succeed")),
                ("Comment", s("The resource was running and is stopped now")),
            ]),
        ),
        (
            "Already gone",
            NewValue::object([
                ("Type", s("Succeed")),
                ("Comment", s("Stopped or deleted before the wait ended")),
            ]),
        ),
    ]
}

/// The EventBridge pattern on the start as CloudTrail delivers it.
pub fn event_pattern(r: &Reaper, scope: Option<&Scope>) -> NewValue {
    let mut detail = vec![
        (
            "eventSource".to_string(),
            NewValue::Array(vec![s(r.event_source.clone())]),
        ),
        (
            "eventName".to_string(),
            NewValue::Array(r.event_names.iter().map(|e| s(e.clone())).collect()),
        ),
        // A failed call started nothing.
        (
            "errorCode".to_string(),
            NewValue::Array(vec![NewValue::object([("exists", NewValue::Bool(false))])]),
        ),
    ];
    if scope == Some(&Scope::Humans) {
        detail.push(("userIdentity".to_string(), humans_only()));
    }
    NewValue::object([
        (
            "detail-type",
            NewValue::Array(vec![s("AWS API Call via CloudTrail")]),
        ),
        ("detail", NewValue::Object(detail)),
    ])
}

/// CloudTrail's `userIdentity` of a start made by a person: no AWS service
/// made the call on anyone's behalf (`invokedBy` is absent), and the caller
/// is an IAM user, the root user, an IAM Identity Center user, or a role
/// session of IAM Identity Center (`AWSReservedSSO_` roles).
fn humans_only() -> NewValue {
    NewValue::object([
        (
            "invokedBy",
            NewValue::Array(vec![NewValue::object([("exists", NewValue::Bool(false))])]),
        ),
        (
            "$or",
            NewValue::Array(vec![
                NewValue::object([(
                    "type",
                    NewValue::Array(vec![s("IAMUser"), s("Root"), s("IdentityCenterUser")]),
                )]),
                NewValue::object([(
                    "arn",
                    NewValue::Array(vec![NewValue::object([(
                        "wildcard",
                        s("arn:aws:sts::*:assumed-role/AWSReservedSSO_*"),
                    )])]),
                )]),
            ]),
        ),
    ])
}

/// The whole SAM template, without the header.
fn template_body(r: &Reaper, what: &str, wait_seconds: u64, scope: Option<&Scope>) -> String {
    let statements = NewValue::Array(vec![
        NewValue::object([
            ("Effect", s("Allow")),
            (
                "Action",
                NewValue::Array(r.iam_actions.iter().map(|a| s(a.clone())).collect()),
            ),
            ("Resource", s("*")),
        ]),
        NewValue::object([(
            "Fn::If",
            NewValue::Array(vec![
                s("Notify"),
                NewValue::object([
                    ("Effect", s("Allow")),
                    ("Action", s("sns:Publish")),
                    (
                        "Resource",
                        NewValue::object([("Ref", s("NotificationTopicArn"))]),
                    ),
                ]),
                NewValue::object([("Ref", s("AWS::NoValue"))]),
            ]),
        )]),
    ]);
    let template = NewValue::object([
        ("AWSTemplateFormatVersion", s("2010-09-09")),
        ("Transform", s("AWS::Serverless-2016-10-31")),
        (
            "Description",
            s(format!(
                "asl-lint reaper: stops {what} still running {} after it started",
                human(wait_seconds)
            )),
        ),
        (
            "Parameters",
            NewValue::object([(
                "NotificationTopicArn",
                NewValue::object([
                    ("Type", s("String")),
                    ("Default", s("")),
                    (
                        "Description",
                        s("An SNS topic to tell when the reaper stops something; empty for none"),
                    ),
                ]),
            )]),
        ),
        (
            "Conditions",
            NewValue::object([(
                "Notify",
                NewValue::object([(
                    "Fn::Not",
                    NewValue::Array(vec![NewValue::object([(
                        "Fn::Equals",
                        NewValue::Array(vec![
                            NewValue::object([("Ref", s("NotificationTopicArn"))]),
                            s(""),
                        ]),
                    )])]),
                )]),
            )]),
        ),
        (
            "Resources",
            NewValue::object([(
                "Reaper",
                NewValue::object([
                    ("Type", s("AWS::Serverless::StateMachine")),
                    (
                        "Properties",
                        NewValue::object([
                            ("Type", s("STANDARD")),
                            ("Definition", definition(r, wait_seconds, scope)),
                            (
                                "DefinitionSubstitutions",
                                NewValue::object([(
                                    "NotificationTopicArn",
                                    NewValue::object([("Ref", s("NotificationTopicArn"))]),
                                )]),
                            ),
                            (
                                "Policies",
                                NewValue::Array(vec![NewValue::object([(
                                    "Statement",
                                    statements,
                                )])]),
                            ),
                            (
                                "Events",
                                NewValue::object([(
                                    "Started",
                                    NewValue::object([
                                        ("Type", s("EventBridgeRule")),
                                        (
                                            "Properties",
                                            NewValue::object([(
                                                "Pattern",
                                                event_pattern(r, scope),
                                            )]),
                                        ),
                                    ]),
                                )]),
                            ),
                        ]),
                    ),
                ]),
            )]),
        ),
    ]);
    yaml_document(&template)
}

/// `--reaper KIND`: the template with a header saying what it does, to
/// which resources, what it costs (asl-lint's own estimate of the
/// generated definition) and how to deploy it. An error says why there is
/// none: no such kind, or a scope the kind needs or cannot take.
pub fn template(kind: &str, wait_seconds: u64, scope: Option<&Scope>) -> Result<String, String> {
    let (r, what) = kinds()
        .into_iter()
        .find(|(r, _)| r.kind == kind)
        .ok_or_else(|| refusal(kind))?;
    if let Some(problem) = scope_problem(r, scope) {
        return Err(problem);
    }
    let body = template_body(r, what, wait_seconds, scope);
    let estimate = engine::estimate_all(
        &[Input {
            display: format!("reaper-{kind}.yaml"),
            source: Source::Stdin(body.clone().into_bytes()),
            explicit: true,
        }],
        &crate::cost::Assumptions::default(),
    )
    .into_iter()
    .find_map(|c| c.estimate.ok());
    let cost = match estimate {
        Some(e) => {
            // The reaper's own definitions are small: every figure exact.
            let max = e.transitions.max.unwrap_or(e.transitions.min);
            let usd = |per_million: f64| per_million / 1_000_000.0;
            let dollars_max = e
                .standard_usd_per_million
                .max
                .unwrap_or(e.standard_usd_per_million.min)
                .value;
            format!(
                "#   {}-{max} state transitions per started resource (asl-lint --cost on this file):\n\
                 #   ${:.6}-${:.6} each on Standard, ${:.2}-${:.2} per thousand resources started.\n",
                e.transitions.min,
                usd(e.standard_usd_per_million.min.value),
                usd(dollars_max),
                e.standard_usd_per_million.min.value / 1000.0,
                dollars_max / 1000.0,
            )
        }
        None => "#   (asl-lint could not estimate this definition)\n".to_string(),
    };
    let events = r
        .event_names
        .iter()
        .map(|e| format!("{}:{e}", r.event_source.trim_end_matches(".amazonaws.com")))
        .collect::<Vec<_>>()
        .join(" or ");
    let (command, scope_line) = match scope {
        None => (
            format!("asl-lint --reaper {kind}"),
            format!("# Scope: every {what} started in the account and region.\n"),
        ),
        Some(sc) => (
            format!(
                "asl-lint --reaper {kind} --reaper-scope {}",
                match sc {
                    Scope::Humans => "humans".to_string(),
                    Scope::Tag { key, value: None } => format!("tag={key}"),
                    Scope::Tag {
                        key,
                        value: Some(v),
                    } => format!("tag={key}={v}"),
                }
            ),
            format!("# Scope: {}.\n", sc.describe("the ones")),
        ),
    };
    let header = format!(
        "# asl-lint reaper for {what} (`{command}`).\n\
         {scope_line}\
         #\n\
         # What it does: when CloudTrail records {events}, an EventBridge rule starts the\n\
         # state machine below with the event. It waits {wait}, asks whether the resource\n\
         # still runs ({describe}) and, if it does, stops it ({stop}).\n\
         # A resource already stopped or deleted ends the run quietly. Set the parameter\n\
         # NotificationTopicArn to an SNS topic to hear about each stop.\n\
         #\n\
         # What it costs:\n\
         {cost}\
         #   EventBridge rules on CloudTrail events are free; the trail itself is not.\n\
         #\n\
         # Deploy: it needs a CloudTrail trail that records management events in this region\n\
         # (EventBridge sees \"AWS API Call via CloudTrail\" events only then). Then:\n\
         #   sam deploy --guided --template-file reaper-{kind}.yaml\n\
         #\n\
         # The lint finds a leak, `asl-lint --fix --unsafe-fixes` closes it inside a definition,\n\
         # and this reaper catches what starts outside Step Functions (consoles, notebooks,\n\
         # other tools).\n",
        wait = human(wait_seconds),
        describe = r.describe,
        stop = r.stop,
    );
    Ok(format!("{header}{body}"))
}
