use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::ENDLESS;
use crate::loader::pointer;
use crate::model::WorkflowType;
use crate::model::{MapMode, ResourceKind, ScopeKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "express-incompatible",
    severity: Severity::Error,
    group: Group::Cost,
    summary: "an Express workflow (or Express Map child) uses what Express does not support or cannot finish in 5 minutes",
    doc: include_str!("../../../rules/express-incompatible.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Express executions are stopped after 5 minutes.
const EXPRESS_LIMIT_SECONDS: f64 = 300.0;

/// What to do instead, for every finding of this rule.
const HELP_NEST: &str = "make the workflow Standard, or keep a Standard parent for the jobs and \
                         waits and start Express children (`states:startExecution.sync:2`) for \
                         the short bursts";

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let express = express_scopes(m, cx.workflow_type == Some(WorkflowType::Express));
    for s in &m.states {
        if let Some(what) = express[s.scope] {
            check_state(s, what, out);
        }
    }
    // Waits that add up past the limit on one path, and polling loops.
    for scope in &m.scopes {
        if let Some(what) = express[scope.id] {
            check_scope_waits(cx, scope, what, out);
        }
    }
}

/// Which scopes run as Express, said as the messages name them: the whole
/// machine when its type is Express, and the processor of a Distributed Map
/// with `ExecutionType: EXPRESS` (scopes are listed parents first, so one
/// pass suffices).
fn express_scopes(m: &crate::model::Machine<'_>, root_express: bool) -> Vec<Option<&'static str>> {
    let mut express: Vec<Option<&'static str>> = vec![None; m.scopes.len()];
    for scope in &m.scopes {
        express[scope.id] = match scope.parent {
            None => root_express.then_some("this Express workflow"),
            Some(parent) => {
                let p = &m.states[parent];
                let express_child = scope.kind == ScopeKind::MapProcessor
                    && p.map_mode == Some(MapMode::Distributed)
                    && p.get("ItemProcessor")
                        .or_else(|| p.get("Iterator"))
                        .and_then(|i| i.get("ProcessorConfig"))
                        .and_then(|c| c.get("ExecutionType"))
                        .and_then(|t| t.as_str())
                        == Some("EXPRESS");
                if express_child {
                    Some("an Express child workflow of a Distributed Map")
                } else {
                    express[p.scope]
                }
            }
        };
    }
    express
}

/// What one state of an Express scope does that Express cannot.
fn check_state(s: &crate::model::State<'_>, what: &str, out: &mut Vec<Diagnostic>) {
    match (&s.ty, s.resource.as_ref().map(|r| &r.kind)) {
        (StateType::Task, Some(ResourceKind::Integration { pattern, .. }))
            if pattern.is_long_running() =>
        {
            let suffix = s
                .resource
                .as_ref()
                .and_then(|r| r.raw.rsplit_once('.').map(|(_, p)| format!(".{p}")))
                .unwrap_or_default();
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&s.pointer, "Resource"),
                    format!(
                        "`{}` waits for {} (`{suffix}`), which {what} cannot do: Express \
                         supports only request-response integrations",
                        s.name,
                        if suffix == ".waitForTaskToken" {
                            "a callback"
                        } else {
                            "its job"
                        }
                    ),
                )
                .label("not supported in Express")
                .help(HELP_NEST),
            );
        }
        (StateType::Task, Some(ResourceKind::Activity { .. })) => out.push(
            Diagnostic::new(
                &RULE,
                pointer::push(&s.pointer, "Resource"),
                format!("`{}` runs an activity, which {what} cannot do", s.name),
            )
            .label("activities are Standard-only")
            .help(HELP_NEST),
        ),
        (StateType::Map, _) if s.map_mode == Some(MapMode::Distributed) => out.push(
            Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!(
                    "`{}` is a Distributed Map, which only a Standard workflow can run; {what} \
                     cannot",
                    s.name
                ),
            )
            .label("Distributed Map in Express")
            .help(HELP_NEST),
        ),
        _ => {}
    }
    check_durations(s, what, out);
}

/// Waits and task timeouts longer than an Express execution may run.
fn check_durations(s: &crate::model::State<'_>, what: &str, out: &mut Vec<Diagnostic>) {
    let number = |f: &str| s.get(f).and_then(|n| n.as_number()).map(|n| n.as_f64());
    if s.ty == StateType::Wait {
        if let Some(seconds) = number("Seconds").filter(|&x| x > EXPRESS_LIMIT_SECONDS) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&s.pointer, "Seconds"),
                    format!(
                        "`{}` waits {seconds} seconds, but {what} is stopped after 5 minutes",
                        s.name
                    ),
                )
                .label("longer than 300 s")
                .help(HELP_NEST),
            );
        } else if let Some(field) = ["SecondsPath", "Timestamp", "TimestampPath"]
            .into_iter()
            .find(|f| s.get(f).is_some())
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&s.pointer, field),
                    format!(
                        "`{}` waits for a time set by `{field}`; in {what} anything past 5 \
                         minutes fails with `States.Timeout`, and every second waited is billed",
                        s.name
                    ),
                )
                .severity(Severity::Warning)
                .label("may wait past 5 minutes")
                .help(HELP_NEST),
            );
        }
    }
    if s.ty == StateType::Task
        && let Some(timeout) = number("TimeoutSeconds").filter(|&x| x > EXPRESS_LIMIT_SECONDS)
    {
        out.push(
            Diagnostic::new(
                &RULE,
                pointer::push(&s.pointer, "TimeoutSeconds"),
                format!(
                    "`{}` allows {timeout} seconds, but {what} is stopped after 5 minutes: the \
                     task can never use that time",
                    s.name
                ),
            )
            .label("longer than 300 s")
            .help(HELP_NEST),
        );
    }
}

/// Wait states in an Express scope that loop, or that add up past the
/// limit on one path.
fn check_scope_waits(
    cx: &Context<'_, '_>,
    scope: &crate::model::Scope<'_>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let m = cx.machine;
    let wait_seconds = |state: usize| {
        let s = &m.states[state];
        (s.ty == StateType::Wait)
            .then(|| s.get("Seconds").and_then(|n| n.as_number()))
            .flatten()
            .map_or(0, |n| n.as_f64().max(0.0).ceil() as usize)
    };
    let weights: std::collections::HashMap<crate::model::StateId, usize> = cx
        .graph
        .heaviest_chains(scope.id, |_| true, |_| true, wait_seconds)
        .into_iter()
        .collect();
    let in_cycle: std::collections::HashSet<crate::model::StateId> =
        cx.graph.states_in_cycles(scope.id).into_iter().collect();
    let mut reported_sum = false;
    for &id in &scope.states {
        let s = &m.states[id];
        if s.ty != StateType::Wait {
            continue;
        }
        if in_cycle.contains(&id) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.pointer.clone(),
                    format!(
                        "`{}` waits inside a loop; a polling loop in {what} fails with \
                         `States.Timeout` once it runs past 5 minutes, and bills every second",
                        s.name
                    ),
                )
                .on_key()
                .severity(Severity::Warning)
                .label("polling loop")
                .help(HELP_NEST),
            );
            continue;
        }
        let total = weights.get(&id).copied().unwrap_or(0);
        let own = wait_seconds(id);
        if !reported_sum
            && total != ENDLESS
            && total as f64 > EXPRESS_LIMIT_SECONDS
            && own as f64 <= EXPRESS_LIMIT_SECONDS
            && own > 0
        {
            reported_sum = true;
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.pointer.clone(),
                    format!(
                        "the Wait states on a path through `{}` add up to {total} seconds, but \
                         {what} is stopped after 5 minutes",
                        s.name
                    ),
                )
                .on_key()
                .label("waits add up past 300 s")
                .help(HELP_NEST),
            );
        }
    }
}
