use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::model::schema::{self, ObjectKind};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "missing-required-field",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a required field is missing (`Type`, `Resource`, `Next` or `End`, `StartAt`, ...)",
    doc: include_str!("../../../rules/missing-required-field.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let report = |out: &mut Vec<Diagnostic>, ptr: &str, what: String, help: String| {
        out.push(
            Diagnostic::new(&RULE, ptr, what)
                .on_key()
                .label("missing here")
                .help(help),
        );
    };
    // A state without a valid `Type` has no schema; only its `Type` is checked.
    for s in &m.states {
        if s.node.as_object().is_some() && s.get("Type").is_none() {
            report(
                out,
                &s.pointer,
                format!("state `{}` has no `Type`", s.name),
                format!("add `\"Type\"`: one of {}", schema::STATE_TYPES.join(", ")),
            );
        }
    }
    for obj in cx.objects() {
        let Some(members) = obj.node.as_object() else {
            continue;
        };
        let has = |k: &str| members.get(k).is_some();
        let name = obj.state.map(|s| m.states[s].name);
        let subject = match (name, obj.kind) {
            (Some(n), ObjectKind::State(_)) => format!("state `{n}`"),
            (Some(n), kind) => format!("{} of state `{n}`", kind.describe()),
            (None, kind) => kind.describe(),
        };
        for field in schema::fields(obj.kind) {
            if field.required && !has(field.name) && field.name != "Type" {
                report(
                    out,
                    &obj.pointer,
                    format!("{subject} is missing `{}`", field.name),
                    format!("{} requires `{}`", obj.kind.describe(), field.name),
                );
            }
        }
        let ObjectKind::State(ty) = obj.kind else {
            continue;
        };
        match ty {
            StateType::Task
            | StateType::Pass
            | StateType::Wait
            | StateType::Parallel
            | StateType::Map
                if !has("Next") && !has("End") =>
            {
                report(
                    out,
                    &obj.pointer,
                    format!("{subject} has neither `Next` nor `End`"),
                    "add `\"Next\": \"<state>\"`, or `\"End\": true` if the execution (or branch) ends here".to_string(),
                );
            }
            _ => {}
        }
        if ty == StateType::Map && !has("Iterator") && !has("ItemProcessor") {
            report(
                out,
                &obj.pointer,
                format!("{subject} has no `ItemProcessor`"),
                "a Map state needs an `ItemProcessor` (or the older `Iterator`) with `StartAt` and `States`".to_string(),
            );
        }
        if ty == StateType::Wait
            && !["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
                .iter()
                .any(|k| has(k))
        {
            report(
                out,
                &obj.pointer,
                format!("{subject} does not say how long to wait"),
                "add one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`".to_string(),
            );
        }
    }
}
