use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "duplicate-state-name",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "two states in different scopes share a name; names must be unique in the whole state machine",
    doc: include_str!("../../../rules/duplicate-state-name.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let mut first: HashMap<&str, usize> = HashMap::new();
    // States are built scope by scope; report in source order of the repeat.
    let mut repeats = Vec::new();
    for s in &m.states {
        match first.get(s.name) {
            // Same scope duplicates are `duplicate-key`.
            Some(&f) if m.states[f].scope != s.scope => repeats.push((f, s.id)),
            Some(_) => {}
            None => {
                first.insert(s.name, s.id);
            }
        }
    }
    for (f, r) in repeats {
        let (f, r) = (&m.states[f], &m.states[r]);
        out.push(
            Diagnostic::new(&RULE, r.pointer.clone(), format!("state name `{}` is used twice", r.name))
                .on_key()
                .label("used again here")
                .related(f.pointer.clone(), Target::Key, "first used here")
                .help("state names must be unique across the whole state machine, Parallel branches and Map processors included; rename one"),
        );
    }
}
