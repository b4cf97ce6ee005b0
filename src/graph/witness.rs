//! Witness paths in words, for messages.

use crate::diagnostic::FlowPath;
use crate::graph::{Edge, Escape, MachineExit};
use crate::model::Machine;

/// "A -> B -> (Catch) C -> D (fails)", shortened in the middle when long.
pub fn describe(machine: &Machine<'_>, from: usize, escape: &Escape) -> String {
    let path = flow_path(machine, from, escape, 3);
    let mut parts: Vec<String> = Vec::with_capacity(path.states.len() + 1);
    for (i, (name, via_catch)) in path.states.iter().enumerate() {
        if path.gap_before == Some(i) {
            parts.push("…".to_string());
        }
        parts.push(if *via_catch {
            format!("(Catch) `{name}`")
        } else {
            format!("`{name}`")
        });
    }
    let ending = match path.exit.as_str() {
        "" => String::new(),
        exit => format!(" ({exit})"),
    };
    format!("{}{ending}", parts.join(" -> "))
}

/// The path from `from` along `escape`, keeping the first and last `keep`
/// states of the steps when it is longer.
pub fn flow_path(machine: &Machine<'_>, from: usize, escape: &Escape, keep: usize) -> FlowPath {
    let mut states = vec![(machine.states[from].name.to_string(), false)];
    for step in &escape.steps {
        states.push((
            machine.states[step.state].name.to_string(),
            matches!(step.via, Edge::Catch(_)),
        ));
    }
    let exit = match (escape.last, escape.exit) {
        (Edge::ImplicitFailure, _) => "fails",
        (Edge::Catch(_), _) => "caught outside",
        (_, MachineExit::Success) => "ends",
        (_, MachineExit::Failure) => "",
    };
    let mut gap_before = None;
    if states.len() > 2 * keep + 1 {
        let tail = states.split_off(states.len() - keep);
        states.truncate(keep);
        gap_before = Some(states.len());
        states.extend(tail);
    }
    FlowPath {
        states,
        gap_before,
        exit: exit.to_string(),
        missing: None,
        never_run: Vec::new(),
    }
}
