use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::schema::ObjectKind;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "empty-error-equals",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a Retry or Catch entry has an empty `ErrorEquals`, so it matches nothing",
    doc: include_str!("../../../rules/empty-error-equals.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for obj in cx.objects() {
        if !matches!(obj.kind, ObjectKind::Retrier | ObjectKind::Catcher) {
            continue;
        }
        if obj
            .node
            .get("ErrorEquals")
            .and_then(|n| n.as_array())
            .is_some_and(<[_]>::is_empty)
        {
            let what = if obj.kind == ObjectKind::Retrier {
                "Retry"
            } else {
                "Catch"
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&obj.pointer, "ErrorEquals"),
                    format!("this {what} entry has an empty `ErrorEquals` and matches no error"),
                )
                .label("empty")
                .help("list the errors it handles, for example `[\"States.ALL\"]` or `[\"States.TaskFailed\"]`"),
            );
        }
    }
}
