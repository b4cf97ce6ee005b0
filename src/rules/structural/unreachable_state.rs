use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unreachable-state",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a state cannot be reached from its scope's `StartAt`",
    doc: include_str!("../../../rules/unreachable-state.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for scope in &m.scopes {
        // Without a valid StartAt every state would be "unreachable"; the
        // missing start is reported once instead.
        let Some(unreached) = cx.graph.unreached_states(scope.id) else {
            continue;
        };
        for id in unreached {
            let state = &m.states[id];
            // A non-object entry in `States` is not a state (`invalid-value`).
            if state.node.as_object().is_none() {
                continue;
            }
            // The checks that mirror the service count references: a state
            // that another state names passes them even when those states are
            // unreachable too (an island). Dead either way, but only the
            // unnamed one is known to be refused.
            let named = cx.graph.ways_in(id) > 0;
            let (severity, help) = if named {
                (
                    Severity::Warning,
                    "add a transition to it from a state that runs, or delete it; other \
                     unreachable states name it, so name-based checks pass it, but it never runs",
                )
            } else {
                (
                    Severity::Error,
                    "add a transition to it, or delete it; Step Functions rejects a state no \
                     transition names",
                )
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    state.pointer.clone(),
                    format!("state `{}` is never reached from `StartAt`", state.name),
                )
                .on_key()
                .severity(severity)
                .label("unreachable")
                .help(help),
            );
        }
    }
}
