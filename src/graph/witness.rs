//! Witness paths in words, for messages.

use crate::graph::{Edge, Escape, MachineExit};
use crate::model::Machine;

/// "A -> B -> (Catch) C -> D (fails)", shortened in the middle when long.
pub fn describe(machine: &Machine<'_>, from: usize, escape: &Escape) -> String {
    let mut parts = vec![format!("`{}`", machine.states[from].name)];
    for step in &escape.steps {
        let name = format!("`{}`", machine.states[step.state].name);
        parts.push(match step.via {
            Edge::Catch(_) => format!("(Catch) {name}"),
            _ => name,
        });
    }
    let ending = match (escape.last, escape.exit) {
        (Edge::ImplicitFailure, _) => " (fails)",
        (Edge::Catch(_), _) => " (caught outside)",
        (_, MachineExit::Success) => " (ends)",
        (_, MachineExit::Failure) => "",
    };
    const KEEP_HEAD: usize = 3;
    const KEEP_TAIL: usize = 3;
    if parts.len() > KEEP_HEAD + KEEP_TAIL + 1 {
        let tail = parts.split_off(parts.len() - KEEP_TAIL);
        parts.truncate(KEEP_HEAD);
        parts.push("…".to_string());
        parts.extend(tail);
    }
    format!("{}{ending}", parts.join(" -> "))
}
