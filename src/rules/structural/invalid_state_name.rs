use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-state-name",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a state name is longer than 80 characters or contains control characters",
    doc: include_str!("../../../rules/invalid-state-name.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// AWS's limit on state names, in characters.
pub const MAX_NAME_CHARS: usize = 80;

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        let chars = s.name.chars().count();
        let problem = if chars > MAX_NAME_CHARS {
            format!("state name is {chars} characters long; the limit is {MAX_NAME_CHARS}")
        } else if chars == 0 {
            "state name is empty".to_string()
        } else if let Some(c) = s.name.chars().find(|c| c.is_control()) {
            format!(
                "state name contains the control character U+{:04X}",
                c as u32
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(&RULE, s.pointer.clone(), problem)
                .on_key()
                .label("invalid name")
                .help("use a name of at most 80 characters without control characters (tabs, line breaks)"),
        );
    }
}
