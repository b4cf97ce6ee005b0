use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::{Machine, State, StateId, StateType, TransitionKind};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "redundant-transitions",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "states that only cost a transition: reshaping Pass chains, a Pass after a Task, `Seconds: 0` Waits, one-rule Choices that go one way",
    doc: include_str!("../../../rules/redundant-transitions.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Fields that only reshape data; a Pass with anything else does more.
const RESHAPING: &[&str] = &[
    "Type",
    "Next",
    "End",
    "Comment",
    "Parameters",
    "Result",
    "ResultPath",
    "InputPath",
    "OutputPath",
    "Assign",
    "Output",
    "QueryLanguage",
];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let (incoming, caught) = incoming(m);
    let next_of = |s: StateId| {
        let st = &m.states[s];
        st.next().and_then(|t| m.target(st.scope, t.target))
    };
    let only_reshapes = |s: StateId| {
        let st = &m.states[s];
        st.ty == StateType::Pass
            && st
                .node
                .as_object()
                .is_some_and(|o| o.members.iter().all(|mm| RESHAPING.contains(&&*mm.key)))
    };
    // A state reached from exactly one place, and not as a Catch landing
    // pad (which records an error), can be merged into that place.
    let mergeable = |s: StateId| incoming[s] == 1 && !caught[s];
    for s in &m.states {
        let finding = match s.ty {
            // Variables a Pass assigns are visible only from the next state
            // on, so a Pass that reads them cannot merge into it.
            StateType::Pass if only_reshapes(s.id) && s.get("Assign").is_none() => next_of(s.id)
                .filter(|&n| only_reshapes(n) && mergeable(n))
                .map(|n| pass_after_pass(s, &m.states[n])),
            // A JSONPath `Parameters` sees the Task's input and result
            // together, which `ResultSelector` cannot: only the other
            // reshaping fields move into the Task as they are.
            StateType::Task => next_of(s.id)
                .filter(|&n| {
                    only_reshapes(n)
                        && mergeable(n)
                        && m.states[n].get("Result").is_none()
                        && m.states[n].get("Parameters").is_none()
                })
                .map(|n| pass_after_task(s, &m.states[n])),
            StateType::Wait => zero_wait(s),
            StateType::Choice => choice_without_choice(s),
            _ => None,
        };
        out.extend(finding);
    }
}

fn pass_after_pass(first: &State<'_>, second: &State<'_>) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        second.pointer.clone(),
        format!(
            "Pass `{}` only reshapes data right after Pass `{}`: one state can do both and save \
             a transition per execution",
            second.name, first.name
        ),
    )
    .on_key()
    .label("second reshaping Pass")
    .help("merge the two Pass states, or use intrinsics or JSONata in one")
}

fn pass_after_task(task: &State<'_>, pass: &State<'_>) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        pass.pointer.clone(),
        format!(
            "Pass `{}` only reshapes the output of Task `{}`: the Task's own `ResultPath`, \
             `OutputPath`, `Output` or `Assign` can do it without the extra transition",
            pass.name, task.name
        ),
    )
    .on_key()
    .label("reshaping Pass after a Task")
    .help("move the reshaping into the Task and drop the Pass")
}

/// A Wait of 0 seconds.
fn zero_wait(s: &State<'_>) -> Option<Diagnostic> {
    s.get("Seconds")
        .and_then(|n| n.as_number())
        .is_some_and(|n| n.as_f64() == 0.0)
        .then(|| {
            Diagnostic::new(
                &RULE,
                pointer::push(&s.pointer, "Seconds"),
                format!(
                    "Wait `{}` waits 0 seconds: it only costs a transition",
                    s.name
                ),
            )
            .label("waits for nothing")
            .help("remove it, pointing its predecessors at its `Next`")
        })
}

/// A Choice whose one rule and `Default` go to the same state.
fn choice_without_choice(s: &State<'_>) -> Option<Diagnostic> {
    let rules: Vec<&str> = s
        .transitions
        .iter()
        .filter(|t| matches!(t.kind, TransitionKind::Choice(_)))
        .map(|t| t.target)
        .collect();
    let default = s
        .transitions
        .iter()
        .find(|t| t.kind == TransitionKind::Default)
        .map(|t| t.target)?;
    let [only] = rules.as_slice() else {
        return None;
    };
    (*only == default).then(|| {
        Diagnostic::new(
            &RULE,
            pointer::push(&s.pointer, "Default"),
            format!(
                "Choice `{}` goes to `{default}` whatever its rule says: it only costs a transition",
                s.name
            ),
        )
        .label("same as the rule's Next")
        .help("remove the Choice, or route the rule somewhere else if that was meant")
    })
}

/// How many transitions lead to each state, and which are Catch targets.
fn incoming(m: &Machine<'_>) -> (Vec<usize>, Vec<bool>) {
    let mut count = vec![0usize; m.states.len()];
    let mut caught = vec![false; m.states.len()];
    for s in &m.states {
        for t in &s.transitions {
            if let Some(target) = m.target(s.scope, t.target) {
                count[target] += 1;
                if matches!(t.kind, TransitionKind::Catch(_)) {
                    caught[target] = true;
                }
            }
        }
    }
    for scope in &m.scopes {
        if let Some(start) = scope
            .start_at
            .as_ref()
            .and_then(|t| m.target(scope.id, t.target))
        {
            count[start] += 1;
        }
    }
    (count, caught)
}
