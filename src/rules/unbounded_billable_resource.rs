use crate::catalog::{self, Billable, catalog};
use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::graph::{Direction, failure_exit, success_exit};
use crate::model::{Machine, StateId, StateType};
use crate::rule_options::{OptionKind, RuleOption};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unbounded-billable-resource",
    severity: Severity::Error,
    group: Group::Cost,
    summary: "a task starts something that bills until stopped, and some path never stops it",
    doc: include_str!("../../rules/unbounded-billable-resource.md"),
    default_enabled: true,
    check: Some(check),
    options: &[RuleOption {
        name: "persistent-resources",
        kind: OptionKind::List,
        help: "start actions meant to outlive the execution, e.g. \"aws-sdk:sagemaker:createEndpoint\"",
    }],
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
        // Option `persistent-resources`: starts meant to outlive the execution.
        if cx
            .list_option(&RULE, "persistent-resources")
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
            return Some(d);
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
        let sg = &cx.graph.scopes[scope.id];
        let Some(start) = sg.start else { continue };
        let blocked = |n| {
            sg.state(n)
                .is_some_and(|s| cat.stops(billable, &m.states[s]) || stops[s])
        };
        if blocked(start) {
            stops[parent] = true;
            continue;
        }
        let reach = sg.reachable(&[start], Direction::Outgoing, blocked);
        if !reach[success_exit().index()] && !reach[failure_exit().index()] {
            stops[parent] = true;
        }
    }
    stops
}
