use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "choice-without-default",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a Choice state has no `Default`, so unmatched input fails the execution",
    doc: include_str!("../../rules/choice-without-default.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        if s.ty != StateType::Choice || s.get("Default").is_some() || s.get("Choices").is_none() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!("Choice `{}` has no `Default`: input that matches no rule fails with `States.NoChoiceMatched`", s.name),
            )
            .on_key()
            .label("no Default")
            .help("add `\"Default\"` naming the state for everything else, even if it is a Fail state with a clear error"),
        );
    }
}
