use crate::diagnostic::{Diagnostic, Severity};

use crate::model::{ScopeKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "no-terminal-state",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a scope has no terminal state, or none is reachable from its `StartAt`",
    doc: include_str!("../../../rules/no-terminal-state.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for scope in &m.scopes {
        if scope.states.is_empty() {
            continue; // an empty `States` is `missing-required-field` territory
        }
        // A transition to a missing state is reported already, and that
        // state may well be the missing end.
        let dangling = scope
            .states
            .iter()
            .flat_map(|&s| &m.states[s].transitions)
            .any(|t| scope.state_named(t.target).is_none());
        if dangling {
            continue;
        }
        let terminal = |id: usize| {
            let s = &m.states[id];
            s.end || matches!(s.ty, StateType::Succeed | StateType::Fail)
        };
        let place = match scope.kind {
            ScopeKind::Root => "the state machine".to_string(),
            ScopeKind::Branch(i) => format!(
                "branch {} of `{}`",
                i + 1,
                scope.parent.map_or("", |p| m.states[p].name)
            ),
            ScopeKind::MapProcessor => format!(
                "the processor of `{}`",
                scope.parent.map_or("", |p| m.states[p].name)
            ),
        };
        let help = "end a path with `\"End\": true`, or a Succeed or Fail state";
        if !scope.states.iter().any(|&s| terminal(s)) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    crate::loader::pointer::push(&scope.pointer, "States"),
                    format!("{place} has no terminal state"),
                )
                .on_key()
                .label("no state here ends the execution")
                .help(help),
            );
            continue;
        }
        // Terminals exist, but none is reachable: the execution can never end.
        if cx.graph.scope_can_end(scope.id, |_| false) == Some(false) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    scope
                        .start_at
                        .as_ref()
                        .map_or(scope.pointer.clone(), |t| m.transition_pointer(t)),
                    format!("no terminal state of {place} is reachable from `StartAt`"),
                )
                .label("no path from here ends")
                .help(help),
            );
        }
    }
}
