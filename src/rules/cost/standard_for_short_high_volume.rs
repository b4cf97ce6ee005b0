use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::WorkflowType;
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "standard-for-short-high-volume",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "a short, request-response-only Standard workflow that Express would run far cheaper",
    doc: include_str!("../../../rules/standard-for-short-high-volume.md"),
    default_enabled: false,
    check: Some(check),
    options: &[MIN_TRANSITIONS.declared(), MAX_WAIT_SECONDS.declared()],
};

/// The fewest transitions on the longest path worth reporting: shorter paths
/// are cheap either way.
const MIN_TRANSITIONS: NumberOption = NumberOption::new("min-transitions", 5.0);
/// The most static waiting on a path before Express's duration billing adds
/// up.
const MAX_WAIT_SECONDS: NumberOption = NumberOption::new("max-wait-seconds", 60.0);

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    if cx.workflow_type != Some(WorkflowType::Standard) {
        return;
    }
    // The same estimator as `--cost`, with its default assumptions, so the
    // numbers here and there agree.
    let estimate =
        crate::cost::estimate(cx.machine, cx.graph, &crate::cost::Assumptions::default());
    if !estimate.express_possible || estimate.unbounded {
        return;
    }
    let waits: f64 = cx
        .machine
        .states
        .iter()
        .filter(|s| s.ty == crate::model::StateType::Wait)
        .map(|s| {
            s.get("Seconds")
                .and_then(|n| n.as_number())
                .map_or(f64::INFINITY, |n| n.as_f64())
        })
        .sum();
    // A figure too large to count exactly is no short workflow.
    let Some(max) = estimate.transitions.max.and_then(|m| m.exact()) else {
        return;
    };
    let (Some(standard), Some(express)) = (
        estimate
            .standard_usd_per_million
            .max
            .filter(|d| !d.more_than)
            .map(|d| d.value),
        estimate.express_usd_per_million.and_then(|e| e.max),
    ) else {
        return;
    };
    let min_transitions = cx.number(&RULE, &MIN_TRANSITIONS);
    let max_wait = cx.number(&RULE, &MAX_WAIT_SECONDS);
    if waits > max_wait || (max as f64) < min_transitions || express >= standard {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            pointer::push("", "StartAt"),
            format!(
                "this Standard workflow is short and uses only request-response calls: up to {max} \
                 transitions cost ${standard:.2} per million executions, against about \
                 ${express:.2} as Express (1 s per task assumed; see `asl-lint --cost`)"
            ),
        )
        .on_key()
        .label("could be Express")
        .help(
            "if every step is safe to run twice (asynchronous Express is at-least-once), make it \
             EXPRESS, or run its hot section as an Express child of this workflow",
        ),
    );
}
