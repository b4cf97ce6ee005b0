use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::edit::{Edit, Fix};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "retry-catch-order",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "`States.ALL` is not alone in its `ErrorEquals`, or not in the last Retry or Catch entry",
    doc: include_str!("../../../rules/retry-catch-order.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        for field in ["Retry", "Catch"] {
            let Some(entries) = s.get(field).and_then(Node::as_array) else {
                continue;
            };
            let base = pointer::push(&s.pointer, field);
            for (i, entry) in entries.iter().enumerate() {
                let Some(errors) = entry.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                let Some(at) = errors.iter().position(|e| e.as_str() == Some("States.ALL")) else {
                    continue;
                };
                let entry_ptr = pointer::push_index(&base, i);
                let errors_ptr = pointer::push(&entry_ptr, "ErrorEquals");
                if errors.len() > 1 {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            pointer::push_index(&errors_ptr, at),
                            "`States.ALL` must be the only error in its `ErrorEquals`",
                        )
                        .label("not alone")
                        .help("`States.ALL` already matches every error; remove the others, or move them to an earlier entry"),
                    );
                }
                if i + 1 < entries.len() {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            pointer::push_index(&errors_ptr, at),
                            format!("the {field} entry on `States.ALL` must be the last one: the entries after it never match"),
                        )
                        .label("matches everything")
                        .related(pointer::push_index(&base, i + 1), Target::Value, "never reached")
                        .help(format!("move this entry to the end of `{field}`"))
                        .fix(move_last(&base, entries.len(), i, field)),
                    );
                }
            }
        }
    }
}

/// Moves the catch-all entry to the end; the others keep their order, so
/// each now gets the errors it names, as its author meant.
fn move_last(array: &str, len: usize, at: usize, field: &str) -> Fix {
    let order = (0..len).filter(|&j| j != at).chain([at]).collect();
    Fix::safe(
        format!("Move the `States.ALL` entry to the end of `{field}`"),
        vec![Edit::Reorder {
            array: array.to_string(),
            order,
        }],
    )
}
