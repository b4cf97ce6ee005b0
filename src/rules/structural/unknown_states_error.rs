use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::model::schema::ObjectKind;
use crate::rules::{Context, Group, Rule, suggest, unique_correction};

pub static RULE: Rule = Rule {
    name: "unknown-states-error",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "an `ErrorEquals` entry names a `States.` error that does not exist",
    doc: include_str!("../../../rules/unknown-states-error.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// The predefined error names (Amazon States Language, "Errors").
pub const STATES_ERRORS: &[&str] = &[
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // Names this machine throws itself (Fail states): catching those works,
    // even with the reserved prefix.
    let thrown: Vec<&str> = cx
        .machine
        .states
        .iter()
        .filter(|s| s.ty == crate::model::StateType::Fail)
        .filter_map(|s| s.get("Error").and_then(Node::as_str))
        .collect();
    // Every Retry and Catch entry, from the shared object table.
    for obj in cx.objects() {
        if !matches!(obj.kind, ObjectKind::Retrier | ObjectKind::Catcher) {
            continue;
        }
        let Some(errors) = obj.node.get("ErrorEquals").and_then(Node::as_array) else {
            continue;
        };
        for (j, e) in errors.iter().enumerate() {
            let Some(name) = e.as_str() else { continue };
            if !name.starts_with("States.") || STATES_ERRORS.contains(&name) {
                continue;
            }
            // Compare what follows the shared prefix, which would make
            // every `States.` name look close.
            let bare = |n: &'static str| n.strip_prefix("States.").unwrap_or(n);
            let close = suggest(
                &name["States.".len()..],
                STATES_ERRORS.iter().map(|&n| bare(n)),
            )
            .map(|c| format!("States.{c}"));
            let self_thrown = thrown.contains(&name) && close.is_none();
            let ptr = pointer::push_index(&pointer::push(&obj.pointer, "ErrorEquals"), j);
            let d = if self_thrown {
                Diagnostic::new(&RULE, ptr, format!("`{name}` uses the reserved `States.` prefix"))
                    .severity(Severity::Warning)
                    .label("reserved prefix")
                    .help("this machine's own Fail state throws it, so it matches, but `States.` names are reserved for Step Functions; rename it (for example `Quorum.Met`) in both places")
            } else {
                let help = match &close {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "nothing raises it: `States.` names are Step Functions' own errors; use your own prefix for custom errors".to_string(),
                };
                let correction = close.as_ref().and_then(|_| {
                    unique_correction(
                        &name["States.".len()..],
                        STATES_ERRORS.iter().map(|&n| bare(n)),
                    )
                });
                let mut d = Diagnostic::new(
                    &RULE,
                    ptr.clone(),
                    format!("`{name}` is not a Step Functions error, so this never matches"),
                )
                .label("unknown error name")
                .help(help);
                if let Some(correct) = correction {
                    d = d.fix(Fix::safe(
                        format!("Change `{name}` to `States.{correct}`"),
                        vec![Edit::ReplaceValue {
                            pointer: ptr,
                            value: NewValue::string(format!("States.{correct}")),
                        }],
                    ));
                }
                d
            };
            out.push(d);
        }
    }
}
