use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "trap-cycle",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "states that can be reached but can never reach an end: the execution loops until it times out",
    doc: include_str!("../../../rules/trap-cycle.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for scope in &m.scopes {
        // No reachable end at all is `no-terminal-state`.
        if cx.graph.scope_can_end(scope.id, |_| false) != Some(true) {
            continue;
        }
        // Report each trapped loop once, at its first state in source order
        // (only the cycle itself, not states that merely lead into it).
        for trapped in cx.graph.trapped_loops(scope.id) {
            let first = &m.states[*trapped.iter().min().expect("non-empty")];
            let names: Vec<&str> = trapped.iter().map(|&s| m.states[s].name).collect();
            out.push(
                Diagnostic::new(
                    &RULE,
                    first.pointer.clone(),
                    if names.len() == 1 {
                        format!("`{}` loops forever: no path from it reaches an end", names[0])
                    } else {
                        format!(
                            "{} loop forever: no path from them reaches an end",
                            crate::diagnostic::quoted_list(&names[..names.len().min(3)], names.len())
                        )
                    },
                )
                .on_key()
                .label("the loop starts here")
                .help("give the loop an exit: a Choice branch or Catch that leads to a terminal state, or a counter that ends it")
                .state(first.name),
            );
        }
    }
}
