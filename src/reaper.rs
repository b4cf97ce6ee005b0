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

/// `--reaper list`: one kind a line, with its start event and stop call.
pub fn list() -> String {
    let kinds = kinds();
    let width = kinds.iter().map(|(r, _)| r.kind.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (r, _) in &kinds {
        out.push_str(&format!(
            "{:width$}  {} {}  ->  {}\n",
            r.kind,
            r.event_source,
            r.event_names.join(","),
            r.stop
        ));
    }
    out
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
    // The reaper's execution must end within the year an execution may run.
    match total {
        0 => Err("the wait must be at least `1s`".into()),
        t if t as f64 > crate::model::MAX_EXECUTION_SECONDS => {
            Err("the wait must be at most a year (`365d`)".into())
        }
        t => Ok(t),
    }
}

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

/// The state machine: read the id, wait, describe, stop if still running.
pub fn definition(r: &Reaper, wait_seconds: u64) -> NewValue {
    let mut states = watch_and_stop_states(r, wait_seconds);
    states.extend(notify_and_end_states(r, wait_seconds));
    NewValue::object([
        (
            "Comment",
            s(format!(
                "asl-lint reaper ({}): waits {}, then stops the resource if it still runs",
                r.kind,
                human(wait_seconds)
            )),
        ),
        ("StartAt", s("Read id")),
        (
            "TimeoutSeconds",
            NewValue::Integer(wait_seconds as i64 + 3600),
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

/// A resource already stopped or deleted ends the run quietly.
fn gone_catch(r: &Reaper, result_path: NewValue) -> NewValue {
    NewValue::Array(vec![NewValue::object([
        ("ErrorEquals", error_list(&r.gone_errors)),
        ("ResultPath", result_path),
        ("Next", s("Already gone")),
    ])])
}

/// The Choice rule that goes to `Stop` while the described state is one of
/// the running states.
fn still_running_rule(r: &Reaper) -> NewValue {
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
    let rule = if running.len() == 1 {
        running.remove(0)
    } else {
        NewValue::object([("Or", NewValue::Array(running))])
    };
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
fn watch_and_stop_states(r: &Reaper, wait_seconds: u64) -> Vec<(&'static str, NewValue)> {
    let id_argument = |list: bool| id_argument(r, list);
    let retry = throttling_retry(r);
    let gone_catch = |result_path: NewValue| gone_catch(r, result_path);
    let still_running = still_running_rule(r);
    vec![
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
        (
            "Describe",
            NewValue::object([
                ("Type", s("Task")),
                ("Resource", s(format!("arn:aws:states:::{}", r.describe))),
                (
                    "Parameters",
                    NewValue::object([(
                        format!("{}.$", r.describe_parameter),
                        s(id_argument(r.describe_list)),
                    )]),
                ),
                (
                    "ResultSelector",
                    NewValue::object([("state.$", s(r.state_path.clone()))]),
                ),
                ("ResultPath", s("$.target.described")),
                ("Retry", retry.clone()),
                ("Catch", gone_catch(NewValue::Null)),
                ("Next", s("Keep state")),
            ]),
        ),
        (
            "Keep state",
            NewValue::object([
                ("Type", s("Pass")),
                (
                    "Parameters",
                    NewValue::object([
                        ("id.$", s("$.target.id")),
                        ("notify.$", s("$.target.notify")),
                        ("state.$", s("$.target.described.state")),
                    ]),
                ),
                ("ResultPath", s("$.target")),
                ("Next", s("Still running?")),
            ]),
        ),
        (
            "Still running?",
            NewValue::object([
                ("Type", s("Choice")),
                ("Choices", NewValue::Array(vec![still_running])),
                ("Default", s("Already gone")),
            ]),
        ),
        (
            "Stop",
            NewValue::object([
                ("Type", s("Task")),
                ("Resource", s(format!("arn:aws:states:::{}", r.stop))),
                (
                    "Parameters",
                    NewValue::object([(
                        format!("{}.$", r.stop_parameter),
                        s(id_argument(r.stop_list)),
                    )]),
                ),
                ("ResultPath", NewValue::Null),
                ("Retry", retry),
                ("Catch", gone_catch(NewValue::Null)),
                ("Next", s("Notify?")),
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
pub fn event_pattern(r: &Reaper) -> NewValue {
    NewValue::object([
        (
            "detail-type",
            NewValue::Array(vec![s("AWS API Call via CloudTrail")]),
        ),
        (
            "detail",
            NewValue::object([
                (
                    "eventSource",
                    NewValue::Array(vec![s(r.event_source.clone())]),
                ),
                (
                    "eventName",
                    NewValue::Array(r.event_names.iter().map(|e| s(e.clone())).collect()),
                ),
                // A failed call started nothing.
                (
                    "errorCode",
                    NewValue::Array(vec![NewValue::object([("exists", NewValue::Bool(false))])]),
                ),
            ]),
        ),
    ])
}

/// The whole SAM template, without the header.
fn template_body(r: &Reaper, what: &str, wait_seconds: u64) -> String {
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
                            ("Definition", definition(r, wait_seconds)),
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
                                            NewValue::object([("Pattern", event_pattern(r))]),
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

/// `--reaper KIND`: the template with a header saying what it does, what it
/// costs (asl-lint's own estimate of the generated definition) and how to
/// deploy it. `None` when there is no such kind.
pub fn template(kind: &str, wait_seconds: u64) -> Option<String> {
    let (r, what) = kinds().into_iter().find(|(r, _)| r.kind == kind)?;
    let body = template_body(r, what, wait_seconds);
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
            let max = e.transitions.max.unwrap_or(e.transitions.min);
            let usd = |per_million: f64| per_million / 1_000_000.0;
            let dollars_max = e
                .standard_usd_per_million
                .max
                .unwrap_or(e.standard_usd_per_million.min);
            format!(
                "#   {}-{max} state transitions per started resource (asl-lint --cost on this file):\n\
                 #   ${:.6}-${:.6} each on Standard, ${:.2}-${:.2} per thousand resources started.\n",
                e.transitions.min,
                usd(e.standard_usd_per_million.min),
                usd(dollars_max),
                e.standard_usd_per_million.min / 1000.0,
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
    let header = format!(
        "# asl-lint reaper for {what} (`asl-lint --reaper {kind}`).\n\
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
    Some(format!("{header}{body}"))
}
