use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{Direction, failure_exit, success_exit};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "trap-cycle",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "states that can be reached but can never reach an end: the execution loops until it times out",
    doc: include_str!("../../rules/trap-cycle.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for (scope, sg) in m.scopes.iter().zip(&cx.graph.scopes) {
        let Some(start) = sg.start else { continue };
        let reached = sg.reachable(&[start], Direction::Outgoing, |_| false);
        // No reachable end at all is `no-terminal-state`.
        if !reached[success_exit().index()] && !reached[failure_exit().index()] {
            continue;
        }
        let ends = sg.reaches_exit();
        // Report each trapped SCC once, at its first state in source order.
        for scc in sg.sccs() {
            let trapped: Vec<usize> = scc
                .iter()
                .filter(|n| reached[n.index()] && !ends[n.index()])
                .filter_map(|&n| sg.state(n))
                .collect();
            if trapped.is_empty() {
                continue;
            }
            // Only the cycle itself, not states that merely lead into it.
            if !crate::graph::is_cycle(&sg.graph, scc) {
                continue;
            }
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
            let _ = scope;
        }
    }
}
