use crate::catalog;
use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::model::StateType;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "catch-swallows-failure",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "a Catch after a paid job leads to success, so the failed run cannot be redriven",
    doc: include_str!("../../../rules/catch-swallows-failure.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let cat = catalog::catalog();
    // Only the top level: a branch that "succeeds" after a Catch may still
    // fail the execution further out.
    let Some(root) = m.scopes.iter().find(|s| s.parent.is_none()) else {
        return;
    };
    let is_choice = |s: crate::model::StateId| m.states[s].ty == StateType::Choice;
    for &id in &root.states {
        let s = &m.states[id];
        let paid = s.ty == StateType::Task && (cat.is_expensive(s) || s.waits_on_work());
        if !paid {
            continue;
        }
        for (i, catcher) in s.catchers.iter().enumerate() {
            let Some(target) = catcher.next.and_then(|n| root.state_named(n)) else {
                continue;
            };
            // A Choice on the way may decide the failure is fine: a
            // deliberate skip, so only paths without one count.
            if !cx.graph.succeeds_avoiding(target, is_choice) {
                continue;
            }
            let catch_ptr = format!("{}/Catch/{i}/Next", s.pointer);
            out.push(
                Diagnostic::new(
                    &RULE,
                    catch_ptr,
                    format!(
                        "when `{}` fails, its Catch leads through `{}` to a successful end: the \
                         execution reports SUCCEEDED, so it cannot be redriven from the failed \
                         step, and alarms on failed executions stay silent",
                        s.name, m.states[target].name
                    ),
                )
                .label("failure handled as success")
                .related(m.states[target].pointer.clone(), Target::Key, "ends in success from here")
                .help("after notifying, end the Catch path in a Fail state, so the execution can be redriven and counted"),
            );
        }
    }
}
