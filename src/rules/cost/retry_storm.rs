use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::{ResourceKind, Retrier, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "retry-storm",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a Retry that hammers (many attempts, no backoff, hours of delay) or retries what cannot succeed",
    doc: include_str!("../../../rules/retry-storm.md"),
    default_enabled: true,
    check: Some(check),
    options: &[MAX_ATTEMPTS.declared(), MAX_RETRY_WINDOW.declared()],
};

/// More attempts than this on `States.ALL` or `States.TaskFailed` is a storm.
const MAX_ATTEMPTS: NumberOption = NumberOption::new("max-attempts", 5.0);
/// Total worst-case delay above this keeps an execution retrying for hours.
const MAX_RETRY_WINDOW: NumberOption = NumberOption::new("max-retry-window-seconds", 3600.0);
/// A flat retry interval below this many seconds hammers the service.
const FLAT_HAMMER_BELOW_SECONDS: f64 = 60.0;
/// The longest a flat retrier of named errors may wait in all and still be
/// a deliberate poll: a day. A wait meant to last longer belongs in a
/// callback or a counted Wait loop; thousands of attempts also fill the
/// execution's 25,000-event history.
const DELIBERATE_POLL_MAX_SECONDS: f64 = 86_400.0;

/// Errors that come back the same on every attempt.
fn never_succeeds_on_retry(error: &str) -> bool {
    matches!(
        error,
        "States.Permissions" | "States.DataLimitExceeded" | "States.Runtime"
    ) || [
        ".ValidationException",
        ".InvalidParameterValueException",
        ".AccessDeniedException",
    ]
    .iter()
    .any(|suffix| error.ends_with(suffix))
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let limits = Limits {
        max_attempts: cx.number(&RULE, &MAX_ATTEMPTS),
        max_window: cx.number(&RULE, &MAX_RETRY_WINDOW),
    };
    for s in &cx.machine.states {
        let job = s.ty == StateType::Task
            && matches!(
                s.resource.as_ref().map(|r| &r.kind),
                Some(ResourceKind::Integration { pattern, .. })
                    if matches!(pattern, crate::model::Pattern::Sync | crate::model::Pattern::Sync2)
            );
        for (i, r) in s.retriers.iter().enumerate() {
            let base = pointer::push_index(&pointer::push(&s.pointer, "Retry"), i);
            let problems = storm_problems(r, job, &limits);
            if !problems.is_empty() {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        base.clone(),
                        format!("`{}` retries hard: {}", s.name, problems.join("; ")),
                    )
                    .label("retry storm")
                    .help(
                        "retry only transient errors, a few times, with `BackoffRate` 2, a \
                         `MaxDelaySeconds` cap and `JitterStrategy: \"FULL\"`; each attempt is a \
                         billed transition and another call to the service",
                    ),
                );
            }
            out.extend(hopeless_retry(s.name, r, &base));
        }
    }
}

/// The thresholds the options set.
struct Limits {
    max_attempts: f64,
    max_window: f64,
}

/// What makes one retrier a storm, each said as a clause of the message.
fn storm_problems(r: &Retrier<'_>, job: bool, limits: &Limits) -> Vec<String> {
    let number = |f: &str| {
        r.node
            .get(f)
            .and_then(|n| n.as_number())
            .map(|n| n.as_f64())
    };
    let attempts = number("MaxAttempts").unwrap_or(3.0);
    // `MaxAttempts: 0` never retries (the States Language says so): a
    // retrier written to turn retries off is no storm.
    if attempts <= 0.0 {
        return Vec::new();
    }
    let interval = number("IntervalSeconds").unwrap_or(1.0);
    let rate = number("BackoffRate").unwrap_or(2.0);
    let max_delay = number("MaxDelaySeconds");
    let broad = r
        .errors
        .iter()
        .any(|e| matches!(*e, "States.ALL" | "States.TaskFailed"));
    let max_attempts = limits.max_attempts;
    let mut problems: Vec<String> = Vec::new();
    if broad && attempts > max_attempts {
        problems.push(format!(
            "{attempts} attempts on any failure (more than {max_attempts})"
        ));
    }
    let flat = rate <= 1.0;
    // A flat interval of a minute or more calls the service at most
    // once a minute: no service throttles that, so it is no hammer.
    if flat && attempts > 3.0 && interval < FLAT_HAMMER_BELOW_SECONDS {
        problems.push(format!(
            "{attempts} attempts every {interval} s with no backoff (`BackoffRate` 1)"
        ));
    }
    // Worst-case total wait, capped per attempt by MaxDelaySeconds; the
    // same figure the cost estimate bills for Express. A flat retrier of
    // errors named one by one waits exactly the interval times the
    // attempts its author wrote down: a deliberate poll on a "still
    // running" error, not a surprise of exponential growth, up to a day.
    let window = crate::cost::retry_wait_seconds(std::iter::once(r.node));
    let deliberate_poll = flat && !broad && window <= DELIBERATE_POLL_MAX_SECONDS;
    if window > limits.max_window && !deliberate_poll {
        // No execution runs longer than a year, so a larger sum never elapses.
        problems.push(if window > crate::model::MAX_EXECUTION_SECONDS {
            "more waiting in all, summed over the attempts, than the year an execution may run"
                .to_string()
        } else {
            format!(
                "up to {} of waiting in all, summed over the attempts",
                human_seconds(window)
            )
        });
    }
    // Many backed-off attempts at errors chosen one by one (throttling, a
    // resource still changing state) within the window are a deliberate
    // wait: the total, checked above, is what matters. Uncapped growth is
    // a storm on broad error lists only.
    if attempts >= 10.0 && max_delay.is_none() && rate > 1.0 && broad {
        problems.push("10 or more attempts with no `MaxDelaySeconds` cap".to_string());
    }
    if job
        && r.errors
            .iter()
            .any(|e| matches!(*e, "States.ALL" | "States.Timeout"))
    {
        problems.push("each retry of this `.sync` job runs the whole job again".to_string());
    }
    problems
}

/// The info on a retrier that lists errors which fail the same way on
/// every attempt.
fn hopeless_retry(state: &str, r: &Retrier<'_>, base: &str) -> Option<Diagnostic> {
    let hopeless: Vec<&str> = r
        .errors
        .iter()
        .copied()
        .filter(|e| never_succeeds_on_retry(e))
        .collect();
    if hopeless.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            &RULE,
            pointer::push(base, "ErrorEquals"),
            format!(
                "`{state}` retries {}, which fail the same way every time",
                hopeless
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .severity(Severity::Info)
        .label("retrying cannot help")
        .help("move these errors to a Catch that reports them"),
    )
}

fn human_seconds(s: f64) -> String {
    if s >= 86_400.0 {
        format!("{:.0} days", s / 86_400.0)
    } else if s >= 3600.0 {
        format!("{:.1} hours", s / 3600.0)
    } else {
        format!("{s:.0} seconds")
    }
}
