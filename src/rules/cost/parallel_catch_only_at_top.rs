use crate::catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Pattern, ResourceKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "parallel-catch-only-at-top",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "a Parallel whose paid branches catch nothing themselves, so one failure aborts the healthy ones",
    doc: include_str!("../../../rules/parallel-catch-only-at-top.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let cat = catalog::catalog();
    for s in m.states.iter().filter(|s| s.ty == StateType::Parallel) {
        if s.children.len() < 2 {
            continue;
        }
        let mut paid = false;
        let mut jobs = false;
        let mut escaping: Option<usize> = None;
        for &branch in &s.children {
            for st in m.states.iter().filter(|st| m.is_within(st.scope, branch)) {
                if st.ty != StateType::Task {
                    continue;
                }
                let long = match st.resource.as_ref().map(|r| &r.kind) {
                    Some(ResourceKind::Integration { pattern, .. }) => {
                        jobs |= matches!(pattern, Pattern::Sync | Pattern::Sync2);
                        pattern.is_long_running()
                    }
                    Some(ResourceKind::Activity { .. }) => true,
                    _ => false,
                };
                paid |= long || cat.is_expensive(st);
            }
            // A Task directly in the branch whose error leaves the branch.
            if escaping.is_none() {
                escaping =
                    m.scopes[branch].states.iter().copied().find(|&id| {
                        m.states[id].ty == StateType::Task && cx.graph.fails_uncaught(id)
                    });
            }
        }
        let Some(task) = escaping.filter(|_| paid) else {
            continue;
        };
        // The usual fix for job chains is a Parallel with a Catch, so
        // this refinement stays an info even with `.sync` jobs in the
        // branches; the message says what the jobs add.
        let jobs_note = if jobs {
            ", and `.sync` jobs only get a best-effort cancel"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!(
                    "if `{}` fails, the whole Parallel `{}` fails and its other branches are \
                     stopped mid-way: their work so far is wasted{jobs_note}",
                    m.states[task].name, s.name
                ),
            )
            .on_key()
            .label("branches catch nothing")
            .help(
                "add a Catch inside each branch that records the error in a Pass state, then \
                 decide after the Parallel whether to fail or notify; keep the Parallel's own \
                 Catch as a backstop",
            ),
        );
    }
}
