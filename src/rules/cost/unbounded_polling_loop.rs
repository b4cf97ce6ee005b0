use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Value, walk};
use crate::model::{Machine, StateId, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unbounded-polling-loop",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a loop of paid or waiting work that nothing bounds: a poll, an agent loop, a loop only a failure leaves",
    doc: include_str!("../../../rules/unbounded-polling-loop.md"),
    default_enabled: true,
    check: Some(check),
    options: &[MAX_POLL_SECONDS.declared()],
};

/// A top-level `TimeoutSeconds` up to this ends the loop soon enough: still
/// worth knowing, but an info.
const MAX_POLL_SECONDS: NumberOption = NumberOption::new("max-poll-seconds", 86_400.0);

/// What makes a loop a cost problem, in the words of the finding.
enum Shape {
    /// Wait -> status call -> back: a poll.
    Poll { wait: StateId },
    /// A model call on every round (an agent loop): each round is a paid call.
    Agent { call: StateId },
    /// Paid work with no Choice at all: only a failure leaves the loop.
    NoExit { task: StateId },
}

/// Resources that call a model: each round of an agent loop pays for one.
fn calls_a_model(st: &crate::model::State<'_>) -> bool {
    let Some(r) = &st.resource else { return false };
    let key = r.key.as_deref().unwrap_or(&r.raw).to_ascii_lowercase();
    [
        "bedrock:invokemodel",
        "bedrock:converse",
        "bedrockruntime:",
        "bedrockagentruntime:invokeagent",
    ]
    .iter()
    .any(|k| key.contains(k))
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let max_poll = cx.number(&RULE, &MAX_POLL_SECONDS);
    let execution_timeout = m
        .root
        .get("TimeoutSeconds")
        .and_then(|n| n.as_number())
        .map(|n| n.as_f64());
    for scope in &m.scopes {
        for states in cx.graph.loops(scope.id) {
            let of = |ty: StateType| states.iter().copied().find(|&s| m.states[s].ty == ty);
            let tasks: Vec<StateId> = states
                .iter()
                .copied()
                .filter(|&s| matches!(m.states[s].ty, StateType::Task))
                .collect();
            let model_call = tasks.iter().copied().find(|&t| calls_a_model(&m.states[t]));
            let shape = match (
                model_call,
                of(StateType::Wait),
                tasks.first(),
                of(StateType::Choice),
            ) {
                (Some(call), ..) => Shape::Agent { call },
                (None, Some(wait), Some(_), _) => Shape::Poll { wait },
                (None, None, Some(&task), None) => Shape::NoExit { task },
                _ => continue,
            };
            if bounded(m, &states, &tasks) {
                continue;
            }
            let (at, message) = describe(m, &shape, &states);
            let w = &m.states[at];
            let mut d = Diagnostic::new(&RULE, w.pointer.clone(), message)
                .on_key()
                .label("unbounded loop")
                .help(
                    "use the service's `.sync` integration or a `.waitForTaskToken` callback \
                     instead of polling; otherwise count the rounds and leave the loop at a \
                     maximum, or compare `$$.Execution.StartTime` in the Choice",
                );
            if let Shape::Poll { wait } = shape
                && polls_while_in_progress(m, scope.id, &states, &tasks)
            {
                d.message = format!(
                    "`{}` polls a service's own status and loops back only while the run is in \
                     progress, leaving on every other status: it lasts as long as the run, which \
                     the service ends; a run longer than about 2,700 rounds{} would still reach \
                     the 25,000-event history limit, so this is an info",
                    m.states[wait].name,
                    wait_seconds(&m.states[wait])
                        .map(|s| format!(" ({} at this Wait)", human_duration(s * 2_700.0)))
                        .unwrap_or_default(),
                );
                d = d.severity(Severity::Info);
            } else if execution_timeout.is_some_and(|t| t <= max_poll) {
                d.message.push_str(
                    "; the top-level `TimeoutSeconds` ends it soon enough, so this is an info",
                );
                d = d.severity(Severity::Info);
            }
            out.push(d);
        }
    }
}

/// Whether something in the loop bounds it: a counter compared with a
/// limit, an elapsed-time check, or a counter a Task of the loop keeps.
fn bounded(m: &Machine<'_>, states: &[StateId], tasks: &[StateId]) -> bool {
    let choices: Vec<StateId> = states
        .iter()
        .copied()
        .filter(|&s| m.states[s].ty == StateType::Choice)
        .collect();
    let counted = counts_rounds(m, states, &choices);
    let timed = choices
        .iter()
        .any(|&c| checks_elapsed_time(m.states[c].node));
    // A counter kept by a Lambda (AWS's "iterate a loop with a Lambda"
    // pattern): the Choice tests a field or the loop has a state
    // whose name says it counts.
    // The counter must be something a Task of the loop can write.
    let counter_like = states.iter().any(|&s| {
        let st = &m.states[s];
        (st.ty == StateType::Task && names_a_counter(st.name))
            || (st.ty == StateType::Choice
                && choice_variables(st.node).iter().any(|v| {
                    names_a_counter(v) && tasks.iter().any(|&t| may_write(&m.states[t], v))
                }))
    });
    // A status value that names a limit (`RETRY_LIMIT_REACHED`,
    // `MAX_ATTEMPTS_EXCEEDED`, `TIMED_OUT`): the Task the loop polls counts
    // the rounds itself and says when to stop, and the Choice listens.
    let limit_status = choices.iter().any(|&c| {
        compared_strings(m.states[c].node)
            .iter()
            .any(|v| names_a_limit(v))
    });
    counted || timed || counter_like || limit_status
}

/// Whether the poll reads a service's own status and stays in the loop only
/// on statuses that say the run is still going (`RUNNING`, `IN_PROGRESS`,
/// `CREATE_IN_PROGRESS`, `PENDING`, `SUBMITTED`, ...), every other branch and
/// the Default leaving the loop. Such a loop leaves on every terminal
/// status, whatever its name, and lasts as long as the service's run; a loop
/// that comes back by its Default (`exits only on SUCCEEDED`) spins on a
/// FAILED status forever and stays a warning. Every Task of the loop must be
/// a status read of an AWS service (`get...`, `describe...`, `list...`,
/// `batchGet...`), not a Lambda, whose answer the definition cannot know.
fn polls_while_in_progress(
    m: &Machine<'_>,
    scope: crate::model::ScopeId,
    states: &[StateId],
    tasks: &[StateId],
) -> bool {
    let status_read = |t: &StateId| {
        m.states[*t]
            .resource
            .as_ref()
            .and_then(|r| r.service_action())
            .is_some_and(|(service, action)| {
                let a = action.to_ascii_lowercase();
                service != "lambda"
                    && ["get", "describe", "list", "batchget"]
                        .iter()
                        .any(|p| a.starts_with(p))
            })
    };
    if tasks.is_empty() || !tasks.iter().all(status_read) {
        return false;
    }
    let in_loop = |name: Option<&str>| {
        name.and_then(|n| m.target(scope, n))
            .is_some_and(|id| states.contains(&id))
    };
    let mut any_choice = false;
    for &c in states {
        let st = &m.states[c];
        if st.ty != StateType::Choice {
            continue;
        }
        any_choice = true;
        if in_loop(st.get("Default").and_then(|d| d.as_str())) {
            return false;
        }
        let Some(choices) = st.get("Choices").and_then(|c| c.as_array()) else {
            return false;
        };
        for rule in choices {
            if in_loop(rule.get("Next").and_then(|n| n.as_str())) && !in_progress_rule(rule) {
                return false;
            }
        }
    }
    any_choice
}

/// A Choice rule true only on in-progress statuses: `StringEquals` with such
/// a value, or an `Or` of such rules.
fn in_progress_rule(rule: &crate::loader::tree::Node) -> bool {
    if let Some(value) = rule.get("StringEquals").and_then(|v| v.as_str()) {
        return names_progress(value);
    }
    match rule.get("Or").and_then(|o| o.as_array()) {
        Some(rules) => !rules.is_empty() && rules.iter().all(in_progress_rule),
        None => false,
    }
}

/// Whether a status value says the run is still going.
fn names_progress(value: &str) -> bool {
    let upper: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    (upper.len() > 4 && upper.ends_with("ING"))
        || upper.ends_with("INPROGRESS")
        || [
            "SUBMITTED",
            "QUEUED",
            "PICKED",
            "STARTED",
            "SCHEDULED",
            "RUNNABLE",
        ]
        .contains(&upper.as_str())
}

/// A Wait's literal `Seconds`.
fn wait_seconds(wait: &crate::model::State<'_>) -> Option<f64> {
    wait.get("Seconds")
        .and_then(|n| n.as_number())
        .map(|n| n.as_f64())
}

/// `7.5 hours`, `2.1 days`.
fn human_duration(seconds: f64) -> String {
    if seconds < 2.0 * 3600.0 {
        format!("{:.0} minutes", seconds / 60.0)
    } else if seconds < 2.0 * 86_400.0 {
        format!("{:.1} hours", seconds / 3600.0)
    } else {
        format!("{:.1} days", seconds / 86_400.0)
    }
}

/// Whether a compared status value names a limit reached.
fn names_a_limit(value: &str) -> bool {
    let upper: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    [
        "LIMIT",
        "MAXATTEMPT",
        "MAXRETR",
        "EXCEEDED",
        "EXHAUSTED",
        "TIMEDOUT",
        "GAVEUP",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// The string values a Choice compares with (`StringEquals`, `StringMatches`).
fn compared_strings(choice: &crate::loader::tree::Node) -> Vec<String> {
    let mut out = Vec::new();
    walk(choice, |_, key, node| {
        if let (Some("StringEquals" | "StringMatches"), Some(s)) = (key, node.as_str()) {
            out.push(s.to_string());
        }
        true
    });
    out
}

/// The state to report and the message, by the loop's shape.
fn describe(m: &Machine<'_>, shape: &Shape, states: &[StateId]) -> (StateId, String) {
    let first_choice = states
        .iter()
        .find(|&&s| m.states[s].ty == StateType::Choice);
    match *shape {
        Shape::Poll { wait } => {
            let exit = first_choice.map_or_else(
                || "a Catch alone".to_string(),
                |&c| format!("`{}`", m.states[c].name),
            );
            (
                wait,
                format!(
                    "`{}` polls in a loop, left through {exit}, with no bound: each round \
                     is at least 3 billed transitions and about 9 history events, so \
                     after about 2,700 rounds the 25,000-event history limit fails the \
                     execution and loses the work",
                    m.states[wait].name
                ),
            )
        }
        Shape::Agent { call } => (
            call,
            format!(
                "`{}` calls a model on every round of a loop with no iteration cap: each \
                 round is a paid model call, and nothing stops a model that never says \
                 it is done",
                m.states[call].name
            ),
        ),
        Shape::NoExit { task } => (
            task,
            format!(
                "`{}` runs in a loop that only a failure leaves: it is billed round after \
                 round until an error or the 25,000-event history limit ends the execution",
                m.states[task].name
            ),
        ),
    }
}

/// Whether a Choice of the loop compares a counter with a limit (a literal
/// or a path) and a state of the loop changes that counter by a literal
/// step: `States.MathAdd(<field>, <n>)`, or a JSONata `$v + n` / `$v - n`.
/// This is the lint's notion of a bound; the estimate proves more. One walk
/// over the Choices and one over the loop's states, whatever their number.
fn counts_rounds(m: &crate::model::Machine<'_>, states: &[StateId], choices: &[StateId]) -> bool {
    let mut compared: std::collections::BTreeSet<String> = Default::default();
    for &c in choices {
        walk(m.states[c].node, |_, key, node| {
            match (key, &node.value) {
                (Some("Condition"), Value::String(text)) => {
                    compared.extend(jsonata_compared_variables(text));
                }
                (_, Value::Object(o)) => {
                    let numeric = o.members.iter().any(|mem| mem.key.starts_with("Numeric"));
                    if numeric && let Some(v) = node.get("Variable").and_then(|v| v.as_str()) {
                        compared.insert(v.trim().to_string());
                    }
                }
                _ => {}
            }
            true
        });
    }
    if compared.is_empty() {
        return false;
    }
    states.iter().any(|&s| {
        let mut found = false;
        walk(m.states[s].node, |_, _, node| {
            if let Value::String(text) = &node.value
                && stepped_fields(text).iter().any(|f| compared.contains(*f))
            {
                found = true;
            }
            !found
        });
        found
    })
}

/// Variables (`$name`) a JSONata condition compares with `<`, `>`, `<=` or `>=`.
fn jsonata_compared_variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i;
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let name = &text[start..i];
            let rest = text[i..].trim_start();
            if name.len() > 1 && (rest.starts_with('<') || rest.starts_with('>')) {
                out.push(name.to_string());
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The fields `text` changes by a literal step: the field argument of
/// `States.MathAdd(<field>, <n>)` (either order, `n` not 0), or each `$v` of a
/// JSONata `$v + n` / `$v - n`.
fn stepped_fields(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some(inner) = text
        .trim()
        .strip_prefix("States.MathAdd(")
        .and_then(|t| t.strip_suffix(')'))
        && let Some((a, b)) = inner.split_once(',')
    {
        let (a, b) = (a.trim(), b.trim());
        let nonzero = |s: &str| s.parse::<i64>().is_ok_and(|n| n != 0);
        if nonzero(b) {
            out.push(a);
        } else if nonzero(a) {
            out.push(b);
        }
        return out;
    }
    if !text.trim_start().starts_with("{%") {
        return out;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let op = text[i..].trim_start();
        if i > start + 1
            && let Some(num) = op.strip_prefix('+').or_else(|| op.strip_prefix('-'))
            && num.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            out.push(&text[start..i]);
        }
    }
    out
}

/// Whether a Task's result can land on `variable` (its `ResultPath`, `$` by
/// default, is the field or above it); a variable or an expression that is
/// not a plain path may be written by anything.
fn may_write(task: &crate::model::State<'_>, variable: &str) -> bool {
    use crate::cost::counter::{Field, parse_field};
    let Some(Field::Path(field)) = parse_field(variable) else {
        return true;
    };
    match task.get("ResultPath") {
        None => true,
        Some(rp) => match rp.as_str().and_then(parse_field) {
            Some(Field::Path(p)) => field.len() >= p.len() && field[..p.len()] == p[..],
            Some(Field::Variable(_)) => false,
            None => rp.as_str().is_some(),
        },
    }
}

/// Whether a name says it counts rounds: `count`, `iterator`, `attempts`,
/// `retries`, `tries`.
fn names_a_counter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["count", "iterat", "attempt", "retries", "tries"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The `Variable` paths (and JSONata conditions) a Choice tests.
fn choice_variables(choice: &crate::loader::tree::Node) -> Vec<String> {
    let mut out = Vec::new();
    walk(choice, |_, key, node| {
        if let (Some("Variable" | "Condition"), Some(s)) = (key, node.as_str()) {
            out.push(s.to_string());
        }
        true
    });
    out
}

/// Whether a Choice compares against the execution's start time or the
/// current time (an elapsed-time bound).
fn checks_elapsed_time(choice: &crate::loader::tree::Node) -> bool {
    let mut found = false;
    walk(choice, |_, _, node| {
        if let Value::String(s) = &node.value
            && (s.contains("Execution.StartTime")
                || s.contains("$now()")
                || s.contains("EnteredTime"))
        {
            found = true;
        }
        !found
    });
    found
}
