use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Machine, ScopeId, ScopeKind, StateId};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "transition-out-of-scope",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a transition enters or leaves a Parallel branch or Map processor",
    doc: include_str!("../../../rules/transition-out-of-scope.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for scope in &m.scopes {
        for t in m.transitions_in(scope.id) {
            if m.target(scope.id, t.target).is_some() {
                continue;
            }
            let elsewhere = m.scopes_with_state(t.target);
            let Some(&other) = elsewhere.first() else {
                continue; // `unknown-transition-target`
            };
            let target_state: StateId = m
                .target(other, t.target)
                .expect("listed scope has the state");
            let here = describe(m, scope.id);
            let there = describe(m, other);
            let message = format!(
                "`{}` names state `{}`, which is in {there}, not in {here}",
                t.kind.field(),
                t.target
            );
            out.push(
                Diagnostic::new(&RULE, m.transition_pointer(t), message)
                    .label("target is in another scope")
                    .related(m.states[target_state].pointer.clone(), crate::diagnostic::Target::Key, "defined here")
                    .help(
                        "a Parallel branch or Map processor is a closed scope: end it (`End: true`) \
                         and continue from the Parallel or Map state's own `Next` or `Catch`",
                    ),
            );
        }
    }
}

fn describe(m: &Machine<'_>, scope: ScopeId) -> String {
    let owner = |s: ScopeId| m.scopes[s].parent.map_or("", |p| m.states[p].name);
    match m.scopes[scope].kind {
        ScopeKind::Root => "the top level".to_string(),
        ScopeKind::Branch(i) => format!("branch {} of Parallel `{}`", i + 1, owner(scope)),
        ScopeKind::MapProcessor => format!("the item processor of Map `{}`", owner(scope)),
    }
}
