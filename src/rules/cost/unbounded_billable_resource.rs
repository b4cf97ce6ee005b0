use crate::catalog::{self, Billable, catalog};
use crate::diagnostic::{Diagnostic, FlowPath, Severity, Target};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::model::{Machine, QueryLanguage, StateId, StateType};
use crate::rule_options::ListOption;
use crate::rules::{Context, Group, Rule, add_state, new_state_name};

/// Start actions meant to outlive the execution (an endpoint, a long-lived
/// cluster), e.g. "aws-sdk:sagemaker:createEndpoint".
const PERSISTENT_RESOURCES: ListOption = ListOption::new("persistent-resources", &[]);

pub static RULE: Rule = Rule {
    name: "unbounded-billable-resource",
    severity: Severity::Error,
    group: Group::Cost,
    summary: "a task starts something that bills until stopped, and some path never stops it",
    doc: include_str!("../../../rules/unbounded-billable-resource.md"),
    default_enabled: true,
    check: Some(check),
    options: &[PERSISTENT_RESOURCES.declared()],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cat = catalog();
    let m = cx.machine;
    for start in m.states.iter().filter(|s| s.ty == StateType::Task) {
        let Some(billable) = cat.billable_started_by(start) else {
            continue;
        };
        let key = start
            .resource
            .as_ref()
            .and_then(catalog::key)
            .unwrap_or_default();
        if cx
            .list(&RULE, &PERSISTENT_RESOURCES)
            .is_some_and(|keep| keep.iter().any(|k| k == key))
        {
            continue;
        }
        let stops_inside = parallel_or_map_always_stops(cx, billable);
        let is_stop = |id: StateId| cat.stops(billable, &m.states[id]) || stops_inside[id];
        if billable.leaks_when_wait_fails {
            out.extend(wait_fails(cx, start, billable, &is_stop));
            continue;
        }
        let Some(escape) = cx.graph.escape(start.id, &is_stop) else {
            continue;
        };
        let some_path_stops = cx.graph.reaches(start.id, &is_stop);
        let path = crate::graph::witness::describe(m, start.id, &escape);
        let (mut severity, mut message) = if some_path_stops {
            (
                Severity::Warning,
                format!(
                    "`{}` starts {}, and not every path stops it: {path}",
                    start.name, billable.name
                ),
            )
        } else {
            (
                Severity::Error,
                format!(
                    "`{}` starts {} that no path stops: {path}",
                    start.name, billable.name
                ),
            )
        };
        if billable.auto_stops() {
            severity = lower(severity);
        }
        // Creating long-lived infrastructure with no stop anywhere in the
        // machine is most likely provisioning: weaker evidence.
        let provisions = billable.may_outlive.iter().any(|k| k == key);
        if provisions && !some_path_stops {
            severity = Severity::Info;
            message = format!(
                "`{}` creates {} and nothing in this state machine deletes it: {path}",
                start.name, billable.name
            );
        }
        let stop = billable.stop[0].as_str();
        let help = if provisions && !some_path_stops {
            format!(
                "if it is meant to outlive the execution, suppress this finding; otherwise delete it \
                 on every path with `arn:aws:states:::{stop}`; {}",
                billable.cost
            )
        } else {
            format!(
                "stop it on every path, failure paths included: route each Catch through a cleanup Task \
                 (`arn:aws:states:::{stop}`, with its own Catch) before the Fail state, or deploy an \
                 event-triggered Wait-then-stop reaper; {}",
                billable.cost
            )
        };
        let mut d = Diagnostic::new(&RULE, start.pointer.clone(), message)
            .on_key()
            .severity(severity)
            .label(format!("starts {}", billable.name))
            .help(help);
        d = d.path(FlowPath {
            missing: Some(format!("no stop of {}", billable.name)),
            ..crate::graph::witness::flow_path(m, start.id, &escape, DRAWN_STATES)
        });
        if let Some(fix) = cleanup_fix(cx, start, billable, &is_stop) {
            d = d.fix(fix);
        }
        if let Some(last) = escape.steps.last() {
            let label = if some_path_stops {
                "this path ends without a stop"
            } else {
                "ends without a stop"
            };
            d = d.related(m.states[last.state].pointer.clone(), Target::Key, label);
        }
        out.push(d);
    }
}

/// How many states at each end of a long path the step summary draws.
const DRAWN_STATES: usize = 8;

/// For a resource left running when the Task that waits for it fails (a
/// container whose callback times out): whether every Catch of a timeout
/// leads through a stop. Without a timeout or heartbeat the wait only ends
/// when the container answers, so there is nothing to report.
fn wait_fails(
    cx: &Context<'_, '_>,
    start: &crate::model::State<'_>,
    billable: &Billable,
    is_stop: &dyn Fn(StateId) -> bool,
) -> Option<Diagnostic> {
    let m = cx.machine;
    let bounded = [
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
    ]
    .iter()
    .any(|f| start.get(f).is_some());
    if !bounded {
        return None;
    }
    let timeouts = ["States.ALL", "States.Timeout", "States.HeartbeatTimeout"];
    let catchers: Vec<_> = start
        .catchers
        .iter()
        .filter(|c| c.errors.iter().any(|e| timeouts.contains(e)))
        .collect();
    let stop = billable.stop[0].as_str();
    let help = format!(
        "catch `States.Timeout` and `States.HeartbeatTimeout` and route them through a cleanup \
         Task (`arn:aws:states:::{stop}` with the task ARN, and its own Catch) before the Fail \
         state; {}",
        billable.cost
    );
    // A resource that usually ends by itself (class D) is one level lower.
    let uncaught = if billable.auto_stops() {
        Severity::Warning
    } else {
        Severity::Error
    };
    if catchers.is_empty() {
        return Some(
            Diagnostic::new(
                &RULE,
                start.pointer.clone(),
                format!(
                    "`{}` starts {}: when the wait times out, nothing catches it and the \
                     execution fails with the container still running",
                    start.name, billable.name
                ),
            )
            .on_key()
            .severity(uncaught)
            .label(format!("starts {}", billable.name))
            .help(help),
        );
    }
    let scope = start.scope;
    for c in catchers {
        let Some(target) = c.next.and_then(|n| m.target(scope, n)) else {
            continue;
        };
        if is_stop(target) {
            continue;
        }
        if let Some(escape) = cx.graph.escape(target, is_stop) {
            let path = crate::graph::witness::describe(m, target, &escape);
            let mut d = Diagnostic::new(
                &RULE,
                start.pointer.clone(),
                format!(
                    "`{}` starts {}: when the wait times out, its Catch goes to `{}` and on \
                     without stopping the container: {path}",
                    start.name, billable.name, m.states[target].name
                ),
            )
            .on_key()
            .severity(uncaught)
            .label(format!("starts {}", billable.name))
            .help(help.clone());
            if let Some(last) = escape.steps.last() {
                d = d.related(
                    m.states[last.state].pointer.clone(),
                    Target::Key,
                    "this path ends without a stop",
                );
            }
            // The drawn path starts at the waiting Task, through its Catch.
            let mut drawn = crate::graph::witness::flow_path(m, target, &escape, DRAWN_STATES);
            drawn.states[0].1 = true;
            drawn.states.insert(0, (start.name.to_string(), false));
            drawn.gap_before = drawn.gap_before.map(|i| i + 1);
            drawn.missing = Some(format!("no stop of {}", billable.name));
            return Some(d.path(drawn));
        }
    }
    None
}

fn lower(severity: Severity) -> Severity {
    match severity {
        Severity::Error => Severity::Warning,
        _ => Severity::Info,
    }
}

/// Parallel and Map states with a branch or processor in which every path
/// passes a stop: entering them counts as stopping. Scopes are built parents
/// first, so walking them backwards sees children before their parents.
fn parallel_or_map_always_stops(cx: &Context<'_, '_>, billable: &Billable) -> Vec<bool> {
    let m: &Machine<'_> = cx.machine;
    let cat = catalog();
    let mut stops = vec![false; m.states.len()];
    for scope in m.scopes.iter().rev() {
        let Some(parent) = scope.parent else { continue };
        let blocked = |s: StateId| cat.stops(billable, &m.states[s]) || stops[s];
        if cx.graph.scope_can_end(scope.id, blocked) == Some(false) {
            stops[parent] = true;
        }
    }
    stops
}

/// The fix for a leak, a stop on every path failure paths included: every
/// Catch that leaves the region where the resource runs goes through a new
/// cleanup Task that calls the catalogue's stop
/// action, then on to where it went before; the cleanup has its own Catch,
/// so a failed stop still reaches that target. Offered when the resource's
/// id is known at the catch (a literal in the start's parameters, or the
/// start's `ResultPath`) and a Catch is where it leaks.
fn cleanup_fix(
    cx: &Context<'_, '_>,
    start: &crate::model::State<'_>,
    billable: &Billable,
    is_stop: &dyn Fn(StateId) -> bool,
) -> Option<Fix> {
    let m = cx.machine;
    let cleanup = billable.cleanup.as_ref()?;
    if start.query_language == QueryLanguage::Jsonata {
        return None;
    }
    let ids = id_parameter(start, cleanup)?;
    // The states that run while the resource does: from the start's
    // successes to the first stop. A failure of the start itself leaves
    // nothing running.
    let region = cx
        .graph
        .states_reached_along(start.id, |e| !e.is_failure(), is_stop);
    // One cleanup state per (target, whether the error replaced the input).
    let mut cleanups: Vec<(StateId, bool, String)> = Vec::new();
    let mut edits = Vec::new();
    let mut reroutes = 0;
    for id in region {
        let state = &m.states[id];
        if state.query_language == QueryLanguage::Jsonata {
            continue;
        }
        let Some(catches) = state.get("Catch").and_then(Node::as_array) else {
            continue;
        };
        for (i, catcher) in catches.iter().enumerate() {
            let Some(target) = catcher
                .get("Next")
                .and_then(Node::as_str)
                .and_then(|n| m.target(state.scope, n))
            else {
                continue;
            };
            if is_stop(target) || cx.graph.escape(target, is_stop).is_none() {
                continue;
            }
            let catch_ptr = pointer::push_index(&pointer::push(&state.pointer, "Catch"), i);
            // The id is in the state's input; a Catch without `ResultPath`
            // would replace it by the error, so the error goes beside it and
            // the cleanup passes on just the error, as before.
            let replaces_input = catcher
                .get("ResultPath")
                .is_none_or(|p| p.as_str() == Some("$"));
            if replaces_input {
                let value = NewValue::string(CAUGHT_ERROR_PATH);
                edits.push(match catcher.get("ResultPath") {
                    Some(_) => Edit::ReplaceValue {
                        pointer: pointer::push(&catch_ptr, "ResultPath"),
                        value,
                    },
                    None => Edit::InsertMember {
                        object: catch_ptr.clone(),
                        key: "ResultPath".into(),
                        value,
                    },
                });
            }
            let name = cleanup_name(m, start, &mut cleanups, target, replaces_input);
            edits.push(Edit::ReplaceValue {
                pointer: pointer::push(&catch_ptr, "Next"),
                value: NewValue::string(name),
            });
            reroutes += 1;
        }
    }
    if reroutes == 0 {
        return None;
    }
    for (target, replaces_input, name) in &cleanups {
        let state = cleanup_state(
            start.name,
            &cleanup.action,
            &ids,
            m.states[*target].name,
            *replaces_input,
        );
        edits.push(add_state(m, start.scope, name, state));
    }
    Some(Fix::unsafe_(
        format!(
            "Route {reroutes} Catch{} through a cleanup Task that calls `{}`",
            if reroutes == 1 { "" } else { "es" },
            cleanup.action
        ),
        edits,
    ))
}

/// Where a rerouted Catch puts the error, beside the state's data.
const CAUGHT_ERROR_PATH: &str = "$.caughtError";

/// The cleanup state for Catches that lead to `target` (one per target and
/// per whether the error replaced the input), named on first use:
/// `Stop <start>`, then `Stop <start> before <target>`, unique in the scope.
fn cleanup_name(
    m: &crate::model::Machine<'_>,
    start: &crate::model::State<'_>,
    cleanups: &mut Vec<(StateId, bool, String)>,
    target: StateId,
    replaces_input: bool,
) -> String {
    if let Some((_, _, name)) = cleanups
        .iter()
        .find(|(t, r, _)| *t == target && *r == replaces_input)
    {
        return name.clone();
    }
    let base = if cleanups.is_empty() {
        format!("Stop {}", start.name)
    } else {
        format!("Stop {} before {}", start.name, m.states[target].name)
    };
    let mut name = new_state_name(m, start.scope, &base);
    while cleanups.iter().any(|(_, _, n)| *n == name) {
        name.push('\'');
    }
    cleanups.push((target, replaces_input, name.clone()));
    name
}

/// A Task that calls the stop `action` with the resource's id, passes on
/// the original input (or, when the Catch replaced it, just the error) and
/// goes on to `target`, even when the stop itself fails.
fn cleanup_state(
    start: &str,
    action: &str,
    ids: &(String, NewValue),
    target: &str,
    replaces_input: bool,
) -> NewValue {
    let mut state = vec![
        ("Type".to_string(), NewValue::string("Task")),
        (
            "Comment".to_string(),
            NewValue::string(format!(
                "Stops what `{start}` started when a later state fails"
            )),
        ),
        (
            "Resource".to_string(),
            NewValue::string(format!("arn:aws:states:::{action}")),
        ),
        (
            "Parameters".to_string(),
            NewValue::Object(vec![ids.clone()]),
        ),
        ("ResultPath".to_string(), NewValue::Null),
    ];
    if replaces_input {
        state.push((
            "OutputPath".to_string(),
            NewValue::string(CAUGHT_ERROR_PATH),
        ));
    }
    state.push((
        "Catch".to_string(),
        NewValue::Array(vec![NewValue::object([
            (
                "ErrorEquals",
                NewValue::Array(vec![NewValue::string("States.ALL")]),
            ),
            ("ResultPath", NewValue::Null),
            ("Next", NewValue::string(target)),
        ])]),
    ));
    state.push(("Next".to_string(), NewValue::string(target)));
    NewValue::Object(state)
}

/// The stop call's id parameter: the literal the start was given, or the
/// id read from where the start put its result.
fn id_parameter(
    start: &crate::model::State<'_>,
    cleanup: &crate::catalog::Cleanup,
) -> Option<(String, NewValue)> {
    let params = start.get("Parameters");
    if let Some(literal) = cleanup
        .request_id
        .as_deref()
        .and_then(|name| params?.get(name))
    {
        let value = match &literal.value {
            crate::loader::tree::Value::String(s) => NewValue::string(s.to_string()),
            crate::loader::tree::Value::Array(items) => NewValue::Array(
                items
                    .iter()
                    .map(|i| i.as_str().map(|s| NewValue::string(s.to_string())))
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        };
        let value = match value {
            NewValue::String(_) if cleanup.list => NewValue::Array(vec![value]),
            other => other,
        };
        return Some((cleanup.parameter.clone(), value));
    }
    let key = start.resource.as_ref().and_then(catalog::key)?;
    let below = cleanup.result_ids.get(key)?;
    let result_path = start.get("ResultPath")?.as_str()?;
    if result_path == "$" || start.get("ResultSelector").is_some() {
        return None;
    }
    let path = format!("{result_path}.{below}");
    let value = if cleanup.list && !below.contains("[*]") {
        format!("States.Array({path})")
    } else {
        path
    };
    Some((format!("{}.$", cleanup.parameter), NewValue::string(value)))
}
