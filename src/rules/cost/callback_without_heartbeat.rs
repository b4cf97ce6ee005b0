use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::edit::{Edit, Fix, NewValue};
use crate::model::{Pattern, ResourceKind, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "callback-without-heartbeat",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a callback (`.waitForTaskToken`) or activity Task has no `HeartbeatSeconds`",
    doc: include_str!("../../../rules/callback-without-heartbeat.md"),
    default_enabled: true,
    check: Some(check),
    options: &[FIX_HEARTBEAT_SECONDS.declared()],
};

/// The `HeartbeatSeconds` that `--fix --unsafe-fixes` sets: five minutes
/// between heartbeats.
const FIX_HEARTBEAT_SECONDS: NumberOption = NumberOption::new("fix-heartbeat-seconds", 300.0);

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let what = match s.resource.as_ref().map(|r| &r.kind) {
            Some(ResourceKind::Integration { pattern, .. })
                if *pattern == Pattern::WaitForTaskToken =>
            {
                "waits for a task token"
            }
            Some(ResourceKind::Activity { .. }) => "waits for an activity worker",
            _ => continue,
        };
        if s.get("HeartbeatSeconds").is_some() || s.get("HeartbeatSecondsPath").is_some() {
            continue;
        }
        if let Some(why) = waits_for_a_person(s).or_else(|| decided_by_a_person(cx, s)) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.pointer.clone(),
                    format!(
                        "`{}` waits for a person ({why}) with no `HeartbeatSeconds`: no worker \
                         exists to send heartbeats, so bound the wait with `TimeoutSeconds` \
                         instead",
                        s.name
                    ),
                )
                .on_key()
                .severity(Severity::Info)
                .label("human approval")
                .help(
                    "set `TimeoutSeconds` to how long a person may take, and catch \
                     `States.Timeout` to remind someone or reject the request",
                ),
            );
            continue;
        }
        // Below the timeout, which a heartbeat must stay under.
        let timeout = s
            .get("TimeoutSeconds")
            .and_then(|t| t.as_number())
            .map(|t| t.as_f64());
        let mut seconds = cx.number(&RULE, &FIX_HEARTBEAT_SECONDS);
        if let Some(timeout) = timeout {
            seconds = seconds.min((timeout / 2.0).floor());
        }
        // What ends the wait when the worker dies: its own timeout, the
        // machine's, or the year an execution may run.
        let machine_timeout = cx
            .machine
            .root
            .get("TimeoutSeconds")
            .and_then(|t| t.as_number())
            .map(|t| t.as_f64());
        let until = match (timeout, s.get("TimeoutSecondsPath"), machine_timeout) {
            (Some(t), _, _) => format!("its `TimeoutSeconds` ({t} s)"),
            (None, Some(_), _) => "its `TimeoutSecondsPath`".to_string(),
            (None, None, Some(t)) => format!("the state machine's `TimeoutSeconds` ({t} s)"),
            (None, None, None) => "a year, when the execution itself times out".to_string(),
        };
        let bounded = timeout.is_some_and(|t| t <= SHORT_TIMEOUT_SECONDS);
        let holder = token_holder(s);
        let mut d = Diagnostic::new(
            &RULE,
            s.pointer.clone(),
            format!(
                "`{}` {what} with no `HeartbeatSeconds`: if the worker dies, nothing notices \
                 until {until}",
                s.name
            ),
        )
        .on_key()
        .label("no heartbeat")
        .help(
            "set `HeartbeatSeconds` and have the worker call `SendTaskHeartbeat`; catch \
             `States.HeartbeatTimeout` to clean up",
        );
        // A wait with its own timeout is bounded: a heartbeat only notices a
        // dead worker sooner. A token parked in a queue or handed to a
        // child execution has no one worker that could send heartbeats.
        if bounded {
            d = d.severity(Severity::Info);
        } else if let Some(holder) = holder {
            let missing = if timeout.is_some() || s.get("TimeoutSecondsPath").is_some() {
                "`HeartbeatSeconds`"
            } else {
                "`HeartbeatSeconds` or `TimeoutSeconds`"
            };
            d.message = format!(
                "`{}` {what} held by {holder}, with no {missing}: if its consumer never \
                 answers, nothing notices until {until}",
                s.name
            );
            d = d.severity(Severity::Info).help(
                "a heartbeat is rarely practical for a token in a queue or a child execution: \
                 set `TimeoutSeconds` to the longest the answer may take, and catch \
                 `States.Timeout`",
            );
        }
        // Unsafe: the worker must then send heartbeats, or the task fails.
        // None where a timeout (the Task's or the machine's) already
        // bounds the wait: a guessed heartbeat could fail a healthy worker
        // that never sends one (a restore that takes hours).
        if seconds >= 1.0 && timeout.is_none() && machine_timeout.is_none() {
            let seconds = seconds as i64;
            d = d.fix(Fix::unsafe_(
                format!("Set `HeartbeatSeconds` to {seconds} (the worker must send heartbeats)"),
                vec![Edit::InsertMember {
                    object: s.pointer.clone(),
                    key: "HeartbeatSeconds".into(),
                    value: NewValue::Integer(seconds),
                }],
            ));
        }
        out.push(d);
    }
}

/// A Task timeout this short already notices a dead worker about as soon as
/// a heartbeat would be worth it: an hour.
const SHORT_TIMEOUT_SECONDS: f64 = 3600.0;

/// Where the token waits when it is not handed to one worker: a queue or a
/// child execution.
fn token_holder(s: &crate::model::State<'_>) -> Option<&'static str> {
    let (service, action) = s.resource.as_ref()?.service_action()?;
    match (service, action) {
        ("sqs", "sendMessage") => Some("a queue (SQS)"),
        ("states", "startExecution") => Some("a child execution"),
        ("events", "putEvents") => Some("an EventBridge event"),
        _ => None,
    }
}

/// Words that mark a step as waiting for a human decision.
const HUMAN_WORDS: &[&str] = &[
    "approv", "review", "manual", "human", "sign-off", "signoff", "consent", "confirm",
];

/// Why a callback's token goes to a person, if it does: the token is sent
/// as an e-mail or SNS message (people read those; programs use queues), or
/// the state, its comment or its function says it asks for an approval.
fn waits_for_a_person(s: &crate::model::State<'_>) -> Option<&'static str> {
    let r = s.resource.as_ref()?;
    let key = r.key.as_deref().unwrap_or(&r.raw).to_ascii_lowercase();
    if key.starts_with("sns:publish")
        || key.contains("ses:sendemail")
        || key.contains("sesv2:sendemail")
    {
        return Some("the token goes out by SNS or e-mail");
    }
    let function = crate::catalog::parameters(s)
        .and_then(|p| p.get("FunctionName"))
        .and_then(|f| f.as_str())
        .unwrap_or("");
    let comment = s.get("Comment").and_then(|c| c.as_str()).unwrap_or("");
    let text = format!("{} {function} {comment}", s.name).to_ascii_lowercase();
    HUMAN_WORDS
        .iter()
        .any(|w| text.contains(w))
        .then_some("an approval step")
}

/// Outcomes only a person's decision returns. A callback whose result the
/// next Choice compares with one of these is an approval, whatever the
/// state is called: a program reports done or failed, not "approved".
const DECISIONS: &[&str] = &[
    "approve", "approved", "reject", "rejected", "deny", "denied", "decline", "declined",
];

/// Why a callback waits for a person, read from what follows it: the next
/// state is a Choice that tests the result against a decision word.
fn decided_by_a_person(cx: &Context<'_, '_>, s: &crate::model::State<'_>) -> Option<&'static str> {
    let next = cx.machine.target(s.scope, s.next()?.target)?;
    let choice = &cx.machine.states[next];
    if choice.ty != StateType::Choice {
        return None;
    }
    let rules = choice.get("Choices")?;
    let mut found = false;
    crate::loader::tree::walk(rules, |_, key, node| {
        if key == Some("StringEquals") {
            found |= node
                .as_str()
                .is_some_and(|v| DECISIONS.contains(&v.trim().to_ascii_lowercase().as_str()));
        }
        !found
    });
    found.then_some("the next Choice tests its result for an approval or a rejection")
}
