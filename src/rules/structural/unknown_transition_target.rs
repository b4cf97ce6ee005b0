use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::model::{ScopeId, ScopeKind, Transition};
use crate::rules::{Context, Group, Rule, SUGGESTIONS_PER_DEFINITION, suggest, unique_correction};

pub static RULE: Rule = Rule {
    name: "unknown-transition-target",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "`StartAt`, `Next`, `Default` or a Catch names a state that does not exist",
    doc: include_str!("../../../rules/unknown-transition-target.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Scopes small enough to list their states in the help.
const LIST_LIMIT: usize = 8;

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let mut suggestions = SUGGESTIONS_PER_DEFINITION;
    for scope in &m.scopes {
        // `States` known only at deploy time (a Terraform `merge()`, an
        // intrinsic): no name can be checked against it.
        if scope
            .node
            .get("States")
            .is_some_and(|s| matches!(s.value, crate::loader::tree::Value::Opaque(_)))
        {
            continue;
        }
        // Built once per scope, not once per finding.
        let names: std::cell::OnceCell<Vec<&str>> = std::cell::OnceCell::new();
        for t in m.transitions_in(scope.id) {
            if m.target(scope.id, t.target).is_some() {
                continue;
            }
            // A name that is a deploy-time value (Terraform `StartAt =
            // module.x.first_state`, `!Ref`): unknown, not wrong. A quoted
            // `"${Name}"` in a file linted alone is still a name.
            if deploy_time_target(m, t) {
                continue;
            }
            // A name that exists in another scope is `transition-out-of-scope`.
            if !m.scopes_with_state(t.target).is_empty() {
                continue;
            }
            let names =
                names.get_or_init(|| scope.states.iter().map(|&s| m.states[s].name).collect());
            out.push(diagnostic(cx, scope.id, t, names, &mut suggestions));
        }
    }
}

/// Whether the transition's target is written as an opaque value.
fn deploy_time_target(m: &crate::model::Machine<'_>, t: &crate::model::Transition<'_>) -> bool {
    use crate::model::{Owner, TransitionKind};
    let holder = match (t.kind, t.owner) {
        (TransitionKind::StartAt, Owner::Scope(scope)) => m.scopes[scope].node.get("StartAt"),
        (TransitionKind::Next, Owner::State(state)) => m.states[state].node.get("Next"),
        (TransitionKind::Default, Owner::State(state)) => m.states[state].node.get("Default"),
        _ => None,
    };
    holder.is_some_and(|n| matches!(n.value, crate::loader::tree::Value::Opaque(_)))
}

fn diagnostic(
    cx: &Context<'_, '_>,
    scope: ScopeId,
    t: &Transition<'_>,
    names: &[&str],
    suggestions: &mut usize,
) -> Diagnostic {
    let m = cx.machine;
    let place = match m.scopes[scope].kind {
        ScopeKind::Root => "the state machine",
        ScopeKind::Branch(_) => "this Parallel branch",
        ScopeKind::MapProcessor => "this Map processor",
    };
    let message = format!(
        "`{}` names state `{}`, which does not exist in {place}",
        t.kind.field(),
        t.target
    );
    let close = if *suggestions > 0 {
        *suggestions -= 1;
        suggest(t.target, names.iter().copied())
    } else {
        None
    };
    let help = if let Some(close) = close {
        format!("did you mean `{close}`?")
    } else if names.is_empty() {
        format!("{place} has no states; add them under `States`")
    } else if names.len() <= LIST_LIMIT {
        let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        format!("states here: {}", list.join(", "))
    } else {
        "check the spelling: state names are case-sensitive".to_string()
    };
    let pointer = m.transition_pointer(t);
    let mut d = Diagnostic::new(&RULE, pointer.clone(), message)
        .label("no such state")
        .help(help);
    if close.is_some()
        && let Some(correct) = unique_correction(t.target, names.iter().copied())
    {
        d = d.fix(Fix::safe(
            format!("Change `{}` to `{correct}`", t.target),
            vec![Edit::ReplaceValue {
                pointer,
                value: NewValue::string(correct),
            }],
        ));
    }
    d
}
