use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::Edge;
use crate::loader::tree::Node;
use crate::model::{MapMode, ResourceKind, State, StateId, StateType};
use crate::rule_options::{ListOption, NumberOption};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "job-chain-missing-catch",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a link in a chain of long-running jobs has no Catch, so one failure stops the rest",
    doc: include_str!("../../../rules/job-chain-missing-catch.md"),
    default_enabled: true,
    check: Some(check),
    options: &[MIN_CHAIN.declared(), LONG_RUNNING.declared()],
};

/// How many long-running jobs make a chain.
const MIN_CHAIN: NumberOption = NumberOption::new("min-chain", 2.0);

/// Which tasks are long-running jobs: any of "sync", "sync:2",
/// "waitForTaskToken" and "activity". Shared with
/// `sequential-independent-jobs`, which declares it too.
pub(crate) const LONG_RUNNING: ListOption = ListOption::new(
    "long-running",
    &["sync", "sync:2", "waitForTaskToken", "activity"],
);

/// How far the search for the next jobs looks, for the message only.
const NAME_SEARCH_LIMIT: usize = 256;

/// A long-running job of one of the kinds option `long-running` names.
pub(crate) fn is_member(state: &State<'_>, kinds: &[&str]) -> bool {
    state
        .long_running_kind()
        .is_some_and(|kind| kinds.contains(&kind))
}

/// The kinds option `long-running` selects (all four by default).
pub(crate) fn long_running_kinds<'a>(cx: &'a Context<'_, '_>, rule: &Rule) -> Vec<&'a str> {
    match cx.list(rule, &LONG_RUNNING) {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => LONG_RUNNING.default().to_vec(),
    }
}

/// Pass, Wait and Choice states between jobs do not break a chain.
fn is_transparent(state: &State<'_>) -> bool {
    matches!(
        state.ty,
        StateType::Pass | StateType::Wait | StateType::Choice
    )
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let min_chain = cx.number(&RULE, &MIN_CHAIN).max(1.0) as usize;
    let kinds = long_running_kinds(cx, &RULE);
    let job = |s: StateId| is_member(&m.states[s], &kinds);
    let transparent = |s: StateId| is_transparent(&m.states[s]);
    for scope in &m.scopes {
        // The longest chain of jobs through each job, along success edges
        // through Pass, Wait and Choice states.
        let chains = cx.graph.heaviest_chains(
            scope.id,
            |s| job(s) || transparent(s),
            Edge::is_success,
            |s| usize::from(job(s)),
        );
        for (id, len) in chains {
            if !job(id) || len < min_chain {
                continue;
            }
            let next: Vec<&str> = cx
                .graph
                .next_states_matching(id, Edge::is_success, transparent, job, NAME_SEARCH_LIMIT)
                .into_iter()
                .map(|s| m.states[s].name)
                .collect();
            if let Some(d) = diagnose(cx, id, &next) {
                out.push(d);
            }
        }
    }
}

#[derive(PartialEq, Eq)]
enum Coverage {
    /// `States.ALL`, or `States.TaskFailed` with `States.Timeout` (and
    /// `States.HeartbeatTimeout` for callbacks).
    Full,
    /// `States.TaskFailed` without the timeouts.
    TaskFailedOnly,
    None,
}

fn coverage(state: &State<'_>) -> Coverage {
    let errors: Vec<&str> = state
        .catchers
        .iter()
        .flat_map(|c| c.errors.iter().copied())
        .collect();
    let has = |e: &str| errors.contains(&e);
    if has("States.ALL") {
        return Coverage::Full;
    }
    let callback = is_callback(state);
    if has("States.TaskFailed")
        && has("States.Timeout")
        && (!callback || has("States.HeartbeatTimeout"))
    {
        return Coverage::Full;
    }
    if has("States.TaskFailed") {
        return Coverage::TaskFailedOnly;
    }
    Coverage::None
}

fn is_callback(state: &State<'_>) -> bool {
    state.resource.as_ref().is_some_and(|r| {
        r.pattern() == Some(crate::model::Pattern::WaitForTaskToken)
            || matches!(r.kind, ResourceKind::Activity { .. })
    })
}

fn has_field(state: &State<'_>, names: &[&str]) -> bool {
    names.iter().any(|n| state.get(n).is_some())
}

/// Whether an enclosing Parallel or Map catches the failure, and whether a
/// Distributed Map tolerates it.
enum Enclosing {
    Caught,
    Tolerated(String),
    Escapes,
}

fn enclosing(cx: &Context<'_, '_>, state: &State<'_>) -> Enclosing {
    let m = cx.machine;
    let mut scope = state.scope;
    while let Some(parent) = cx.graph.parent_of(scope) {
        let p = &m.states[parent];
        if p.map_mode == Some(MapMode::Distributed)
            && let Some(field) = tolerated_failure(p)
        {
            return Enclosing::Tolerated(format!(
                "Map `{}` tolerates failed items (`{field}`)",
                p.name
            ));
        }
        if coverage(p) == Coverage::Full {
            return Enclosing::Caught;
        }
        scope = p.scope;
    }
    Enclosing::Escapes
}

fn tolerated_failure(map: &State<'_>) -> Option<&'static str> {
    let above_zero = |n: &Node| n.as_number().is_some_and(|v| v.as_f64() > 0.0);
    for field in ["ToleratedFailurePercentage", "ToleratedFailureCount"] {
        if map.get(field).is_some_and(above_zero) {
            return Some(field);
        }
    }
    [
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    ]
    .into_iter()
    .find(|&field| map.get(field).is_some())
}

/// The next job that reads `state`'s result, if one does: the result
/// replaces the input (no `ResultPath`), or lands at a path that the next
/// job's parameters read. `ResultPath: null` keeps the input as it was, so
/// the jobs after it cannot be working on its output.
fn next_reads_result<'a>(
    cx: &Context<'_, '_>,
    state: &State<'_>,
    next: &[&'a str],
) -> Option<&'a str> {
    let result_path = match state.get("ResultPath") {
        None => "$",
        Some(node) if matches!(node.value, crate::loader::tree::Value::Null) => return None,
        Some(node) => node.as_str()?,
    };
    let m = cx.machine;
    next.iter().copied().find(|name| {
        m.states
            .iter()
            .find(|s| s.scope == state.scope && s.name == *name)
            .is_some_and(|s| reads_path(s.node, result_path))
    })
}

/// Whether a state reads `path` of its input: a path (`InputPath`, a `.$`
/// value, an intrinsic's argument) or JSONata text that mentions it; for
/// `$`, whether it reads its input at all. `$.crawl` is read by
/// `$.crawl.Status` and by `States.Format('{}', $.crawl)`.
fn reads_path(node: &Node, path: &str) -> bool {
    let whole = path == "$";
    // Without `Parameters` or `Arguments` a Task sends its whole input.
    if whole && node.get("Parameters").is_none() && node.get("Arguments").is_none() {
        return true;
    }
    let jsonata = path
        .strip_prefix("$.")
        .map_or("$states.input".to_string(), |p| {
            format!("$states.input.{p}")
        });
    let mut stack = vec![(node, false)];
    while let Some((n, is_path)) = stack.pop() {
        match &n.value {
            crate::loader::tree::Value::String(s) => {
                let jsonata_text = s.contains("{%");
                if (is_path && (whole || s.contains(path)))
                    || (jsonata_text && s.contains(&jsonata))
                {
                    return true;
                }
            }
            crate::loader::tree::Value::Object(o) => {
                stack.extend(o.members.iter().map(|m| {
                    let key: &str = &m.key;
                    let reads = key.ends_with(".$")
                        || matches!(key, "InputPath" | "ItemsPath" | "Variable");
                    (&m.value, reads)
                }));
            }
            crate::loader::tree::Value::Array(items) => {
                stack.extend(items.iter().map(|i| (i, is_path)));
            }
            _ => {}
        }
    }
    false
}

fn diagnose(cx: &Context<'_, '_>, id: StateId, next: &[&str]) -> Option<Diagnostic> {
    let m = cx.machine;
    let state = &m.states[id];
    let covered = coverage(state);
    if covered == Coverage::Full {
        return None;
    }
    let tolerated = match enclosing(cx, state) {
        Enclosing::Caught => return None,
        Enclosing::Tolerated(why) => Some(why),
        Enclosing::Escapes => None,
    };
    let consequence = if next.is_empty() {
        "the execution fails with nothing to notify anyone or clean up".to_string()
    } else {
        let verb = if next.len() == 1 {
            "never runs"
        } else {
            "never run"
        };
        format!(
            "{} {verb}",
            crate::diagnostic::quoted_list(&next[..next.len().min(2)], next.len())
        )
    };
    let timeout_set = has_field(state, &["TimeoutSeconds", "TimeoutSecondsPath"]);
    let heartbeat_set = has_field(state, &["HeartbeatSeconds", "HeartbeatSecondsPath"]);
    let mut d = if covered == Coverage::TaskFailedOnly {
        // `catch-misses-timeout`: only a timeout escapes, and only if one is set.
        if !(timeout_set || heartbeat_set) {
            return None;
        }
        let which = if timeout_set {
            "`States.Timeout`"
        } else {
            "`States.HeartbeatTimeout`"
        };
        let field = if timeout_set {
            "TimeoutSeconds"
        } else {
            "HeartbeatSeconds"
        };
        let catch_ptr = crate::loader::pointer::push(&state.pointer, "Catch");
        Diagnostic::new(
            &RULE,
            catch_ptr,
            format!(
                "`{}` sets `{field}`, but its Catch does not list {which}: if it times out, {consequence}",
                state.name
            ),
        )
        .on_key()
        .label(format!("catches `States.TaskFailed`, which does not match {which}"))
        .help(format!("add {which} to the `ErrorEquals` list, or catch `States.ALL`"))
    } else {
        let retry_note = if state.retriers.is_empty() {
            ""
        } else {
            "; Retry alone is not enough, because the failure still ends the execution once the retries are used up"
        };
        Diagnostic::new(
            &RULE,
            state.pointer.clone(),
            format!(
                "if job `{}` fails, {consequence}: no Catch handles its failure",
                state.name
            ),
        )
        .on_key()
        .label("no Catch")
        .help(format!(
            "add a Catch on `States.ALL` that goes to a notify state ending in a Fail state \
             (the execution stays failed, so it can be redriven from this job), or run independent \
             jobs in a Parallel with a Catch{retry_note}"
        ))
    };
    if let Some(why) = tolerated {
        d = d.severity(Severity::Info).help(format!(
            "{why}, so a failure here only fails this item; add a Catch to record it"
        ));
    } else if covered == Coverage::None && next.is_empty() {
        // The last job: no job after it is skipped, and the execution
        // fails visibly, as a plain pipeline does.
        d = d.severity(Severity::Info);
    } else if covered == Coverage::None
        && let Some(reader) = next_reads_result(cx, state, next)
    {
        // A chain where the next job works on this one's result: without
        // it there is nothing for the rest to do, and failing the
        // execution is the normal design. Independent jobs are the case
        // where one failure needlessly stops the others.
        d.message = format!(
            "if job `{}` fails, the execution fails: the jobs after it depend on its result (`{reader}` reads it), so this is a plain pipeline; a Catch would only notify",
            state.name
        );
        d = d.severity(Severity::Info);
    } else if covered == Coverage::None {
        // No Catch at all, and the next job does not read this one's result
        // from the state data. That is no evidence the jobs are independent:
        // the jobs of a pipeline mostly hand their data over through storage
        // (a crawler fills the catalogue a query reads, a job writes the S3
        // prefix the next one reads), and then failing the execution is the
        // normal design. Worth knowing, not a warning; a Catch that misses a
        // timeout its author set is one.
        d.message.push_str(
            "; the jobs may still depend on each other through storage, so this is an info",
        );
        d = d.severity(Severity::Info);
    }
    Some(d.path(crate::diagnostic::FlowPath {
        states: vec![(state.name.to_string(), false)],
        exit: "fails".to_string(),
        missing: Some("no Catch".to_string()),
        never_run: next.iter().map(|n| n.to_string()).collect(),
        ..Default::default()
    }))
}
