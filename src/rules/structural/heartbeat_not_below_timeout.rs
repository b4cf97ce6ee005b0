use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::loader::pointer;
use crate::model::StateType;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "heartbeat-not-below-timeout",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a Task's `HeartbeatSeconds` is not smaller than its `TimeoutSeconds`",
    doc: include_str!("../../../rules/heartbeat-not-below-timeout.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let number = |f: &str| s.get(f).and_then(|n| n.as_number()).map(|n| n.as_f64());
        let (Some(heartbeat), Some(timeout)) =
            (number("HeartbeatSeconds"), number("TimeoutSeconds"))
        else {
            continue;
        };
        if heartbeat >= timeout {
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&s.pointer, "HeartbeatSeconds"),
                    format!("`HeartbeatSeconds` ({heartbeat}) must be smaller than `TimeoutSeconds` ({timeout})"),
                )
                .label("not below the timeout")
                .related(pointer::push(&s.pointer, "TimeoutSeconds"), Target::Value, "the timeout")
                .help("a heartbeat only helps if it can fire before the task times out; make it a fraction of the timeout"),
            );
        }
    }
}
