use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::model::{Pattern, ResourceKind, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "long-task-without-timeout",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a Task that waits for a job, a callback or an activity has no `TimeoutSeconds`",
    doc: include_str!("../../../rules/long-task-without-timeout.md"),
    default_enabled: true,
    check: Some(check),
    options: &[FIX_TIMEOUT_SECONDS.declared()],
};

/// The `TimeoutSeconds` that `--fix --unsafe-fixes` sets: an hour, for the
/// user to set to about twice the longest normal run.
const FIX_TIMEOUT_SECONDS: NumberOption = NumberOption::new("fix-timeout-seconds", 3600.0);

/// Jobs whose service stops them by default, so a missing state timeout is
/// only worth an info: (catalogue key, the service's cap).
const SELF_CAPPED: &[(&str, &str)] = &[
    (
        "glue:startJobRun",
        "Glue stops a job after its `Timeout` (2,880 minutes by default, 480 from Glue 5.0)",
    ),
    (
        "sagemaker:createTrainingJob",
        "SageMaker stops training after 1 day unless `StoppingCondition` raises it",
    ),
    (
        "codebuild:startBuild",
        "CodeBuild stops a build after 60 minutes by default",
    ),
    (
        "emr-serverless:startJobRun",
        "EMR Serverless stops a job run after 720 minutes by default",
    ),
    (
        "athena:startQueryExecution",
        "Athena cancels a query that runs past its query timeout (30 minutes by default for \
         DML queries)",
    ),
];

/// A `.sync` call that ends something (`elasticmapreduce:terminateCluster`,
/// `emr-containers:deleteVirtualCluster`) waits for the service to finish
/// tearing it down, which the service does on its own: there is no job
/// that could hang and nothing is held while it waits.
fn ends_something(resource: &crate::model::Resource) -> bool {
    let action = resource
        .key
        .as_deref()
        .and_then(|k| k.rsplit(':').next())
        .unwrap_or("");
    ["terminate", "delete", "stop", "cancel"]
        .iter()
        .any(|verb| action.starts_with(verb))
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // An Express execution stops after 5 minutes whatever its tasks say
    // (`express-incompatible` reports the waits themselves).
    if cx.workflow_type == Some(crate::model::WorkflowType::Express) {
        return;
    }
    let m = cx.machine;
    let mut long_running = 0;
    // What each wait can take, retries included, for the backstop's value.
    let mut longest_total = 0.0;
    for s in m.states.iter().filter(|s| s.ty == StateType::Task) {
        let Some(resource) = &s.resource else {
            continue;
        };
        let Some(what) = what_it_waits_for(resource) else {
            continue;
        };
        longest_total += wait_with_retries(cx, s);
        if s.get("TimeoutSeconds").is_some() || s.get("TimeoutSecondsPath").is_some() {
            long_running += 1;
            continue;
        }
        let bound = what_bounds_it(m, s, resource);
        // A wait the service or a heartbeat ends needs no execution
        // timeout as its backstop.
        if what_bounds_it_itself(s, resource).is_none() {
            long_running += 1;
        }
        out.push(state_finding(cx, s, what, bound));
    }
    if long_running > 0 && m.root.get("TimeoutSeconds").is_none() {
        out.push(execution_backstop(longest_total));
    }
}

/// The timeout a wait has, or the one the state fix would give it.
fn task_timeout(cx: &Context<'_, '_>, s: &crate::model::State<'_>) -> f64 {
    if let Some(t) = s.get("TimeoutSeconds").and_then(|t| t.as_number()) {
        return t.as_f64();
    }
    let heartbeat = s
        .get("HeartbeatSeconds")
        .and_then(|h| h.as_number())
        .map_or(0.0, |h| h.as_f64());
    cx.number(&RULE, &FIX_TIMEOUT_SECONDS)
        .max(heartbeat * 2.0)
        .max(1.0)
}

/// How long one wait can hold the execution: every attempt its retriers
/// allow at its timeout, and the waits between them. The backstop must be
/// above the sum, or it ends executions the retries would have finished.
fn wait_with_retries(cx: &Context<'_, '_>, s: &crate::model::State<'_>) -> f64 {
    let attempts: f64 = s
        .retriers
        .iter()
        .map(|r| {
            r.node
                .get("MaxAttempts")
                .and_then(|n| n.as_number())
                .map_or(3.0, |n| n.as_f64().max(0.0))
        })
        .sum();
    let waits = crate::cost::retry_wait_seconds(s.retriers.iter().map(|r| r.node));
    task_timeout(cx, s) * (1.0 + attempts) + waits
}

/// How a long-running Task waits, said for the message; `None` for a
/// request-response call.
fn what_it_waits_for(resource: &crate::model::Resource) -> Option<&'static str> {
    match &resource.kind {
        ResourceKind::Integration { pattern, .. } if *pattern == Pattern::WaitForTaskToken => {
            Some("waits for a callback")
        }
        ResourceKind::Integration { pattern, .. }
            if pattern.is_long_running() && !ends_something(resource) =>
        {
            Some("waits for its job")
        }
        ResourceKind::Activity { .. } => Some("waits for an activity worker"),
        _ => None,
    }
}

/// What bounds the wait of a Task with no `TimeoutSeconds`, if anything: the
/// service's own cap on the job, a heartbeat, or the execution's timeout.
/// Then the "up to a year" of the message would be false.
fn what_bounds_it(
    m: &crate::model::Machine<'_>,
    s: &crate::model::State<'_>,
    resource: &crate::model::Resource,
) -> Option<String> {
    let execution = m
        .root
        .get("TimeoutSeconds")
        .and_then(|t| t.as_number())
        .map(|t| {
            format!(
                "the state machine's `TimeoutSeconds` ({} s) ends the whole execution, \
                 which bounds it",
                t.as_f64()
            )
        });
    what_bounds_it_itself(s, resource).or(execution)
}

/// What bounds the wait short of the execution's timeout: the service's
/// own cap on the job, or a heartbeat.
fn what_bounds_it_itself(
    s: &crate::model::State<'_>,
    resource: &crate::model::Resource,
) -> Option<String> {
    let batch_cap = (resource.key.as_deref() == Some("batch:submitJob"))
        .then(|| crate::catalog::parameters(s))
        .flatten()
        .and_then(|p| p.get("Timeout"))
        .and_then(|t| t.get("AttemptDurationSeconds"))
        .map(|_| {
            (
                "batch:submitJob",
                "Batch stops each attempt after its `AttemptDurationSeconds`",
            )
        });
    let capped = resource
        .key
        .as_deref()
        .and_then(|k| SELF_CAPPED.iter().find(|(key, _)| *key == k).copied())
        .or(batch_cap)
        .map(|(_, cap)| format!("{cap}, which bounds it"));
    let heartbeat = (s.get("HeartbeatSeconds").is_some()
        || s.get("HeartbeatSecondsPath").is_some())
    .then(|| {
        "its `HeartbeatSeconds` fails it when the worker stops reporting, which bounds a \
         stuck wait"
            .to_string()
    });
    capped.or(heartbeat)
}

/// The finding on one Task: a warning, or an info naming what bounds it,
/// with the fix that sets a `TimeoutSeconds` above any heartbeat.
fn state_finding(
    cx: &Context<'_, '_>,
    s: &crate::model::State<'_>,
    what: &str,
    bound: Option<String>,
) -> Diagnostic {
    let message = match &bound {
        None => format!(
            "`{}` {what} with no `TimeoutSeconds`: the default is 99,999,999 seconds, so a \
             stuck run holds the execution (and whatever it is waiting on) for up to a year",
            s.name
        ),
        Some(_) => format!("`{}` {what} with no `TimeoutSeconds` of its own", s.name),
    };
    let mut d = Diagnostic::new(&RULE, s.pointer.clone(), message)
        .on_key()
        .label("no timeout")
        .help(
            "set `TimeoutSeconds` to about twice the longest normal run, and catch \
         `States.Timeout` to notify someone",
        );
    // Above any heartbeat, which must stay below the timeout. Where only the
    // execution's timeout bounds the wait, the fix takes that value: a
    // guessed hour could end a long, healthy run (a restore that takes
    // hours in a machine allowed two days), and the Task's own timeout
    // makes the limit catchable where the execution's is not.
    let machine = cx
        .machine
        .root
        .get("TimeoutSeconds")
        .and_then(|t| t.as_number())
        .map(|t| t.as_f64());
    // Nine tenths of the execution's, so the Task's timeout fires first and
    // its Catch gets to run.
    let seconds =
        machine.map_or_else(|| task_timeout(cx, s), |t| (t * 0.9).floor().max(1.0)) as i64;
    // No fix where the wait bounds itself (the service's cap, a heartbeat):
    // the finding says so.
    let bounds_itself = what_bounds_it_itself(s, s.resource.as_ref().expect("a Task")).is_some();
    if s.get("TimeoutSecondsPath").is_none() && !bounds_itself {
        d = d.fix(Fix::unsafe_(
            format!("Set `TimeoutSeconds` to {seconds}"),
            vec![Edit::InsertMember {
                object: s.pointer.clone(),
                key: "TimeoutSeconds".into(),
                value: NewValue::Integer(seconds),
            }],
        ));
    }
    if let Some(bound) = bound {
        d.message.push_str(&format!("; {bound}"));
        d = d.severity(Severity::Info);
    }
    d
}

/// The info on a machine that waits on jobs with no top-level
/// `TimeoutSeconds`, with the fix that sets one above every wait in a row,
/// each at its timeout (or the one the state fix gives it) for every
/// attempt its retriers allow, plus the waits between attempts.
fn execution_backstop(longest_total: f64) -> Diagnostic {
    // A tenth above, rounded up to the minute: the states between the
    // waits take time too, and a wait's own timeout must fire first.
    let backstop = ((longest_total * 1.1 / 60.0).ceil() * 60.0)
        .clamp(1.0, crate::model::MAX_EXECUTION_SECONDS) as i64;
    Diagnostic::new(
        &RULE,
        pointer::push("", "StartAt"),
        "the state machine waits on jobs or callbacks but has no top-level \
         `TimeoutSeconds`, so nothing bounds a whole execution short of a year",
    )
    .on_key()
    .severity(Severity::Info)
    .label("no execution timeout")
    .help("add a top-level `TimeoutSeconds` as a backstop above the sum of the task timeouts")
    .fix(Fix::unsafe_(
        format!("Set the state machine's `TimeoutSeconds` to {backstop}"),
        vec![Edit::InsertMember {
            object: String::new(),
            key: "TimeoutSeconds".into(),
            value: NewValue::Integer(backstop),
        }],
    ))
}
