use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::loader::pointer;
use crate::model::StateType;
use crate::model::schema::ObjectKind;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "conflicting-fields",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "fields that exclude each other: `Next` with `End`, a value with its `...Path` twin, two Wait durations",
    doc: include_str!("../../../rules/conflicting-fields.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Pairs of which at most one may be set.
const PAIRS: &[(&str, &str)] = &[
    ("Next", "End"),
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    (
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
    ),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("MaxItems", "MaxItemsPath"),
    ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
    ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
    ("Iterator", "ItemProcessor"),
];

const WAIT_DURATIONS: &[&str] = &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for obj in cx.objects() {
        let Some(members) = obj.node.as_object() else {
            continue;
        };
        let has = |k: &str| members.get(k).is_some();
        let mut conflict = |first: &str, second: &str, help: String| {
            out.push(
                Diagnostic::new(
                    &RULE,
                    pointer::push(&obj.pointer, second),
                    format!("`{first}` and `{second}` cannot both be set"),
                )
                .on_key()
                .label(format!("conflicts with `{first}`"))
                .related(
                    pointer::push(&obj.pointer, first),
                    Target::Key,
                    "also set here",
                )
                .help(help),
            );
        };
        for &(a, b) in PAIRS {
            if has(a) && has(b) {
                let help = if (a, b) == ("Next", "End") {
                    "keep `Next` to continue, or `End: true` to stop here, not both".to_string()
                } else if (a, b) == ("Iterator", "ItemProcessor") {
                    "`Iterator` is the older name of `ItemProcessor`; keep only `ItemProcessor`"
                        .to_string()
                } else {
                    format!(
                        "use `{a}` for a fixed value or `{b}` to read it from the input, not both"
                    )
                };
                conflict(a, b, help);
            }
        }
        if obj.kind == ObjectKind::State(StateType::Map) && has("Parameters") && has("ItemSelector")
        {
            conflict(
                "Parameters",
                "ItemSelector",
                "`ItemSelector` replaces `Parameters` on a Map state; keep only `ItemSelector`"
                    .to_string(),
            );
        }
        if obj.kind == ObjectKind::State(StateType::Wait) {
            let set: Vec<&str> = WAIT_DURATIONS.iter().copied().filter(|k| has(k)).collect();
            if set.len() > 1 {
                conflict(set[0], set[1], "a Wait state takes exactly one of `Seconds`, `SecondsPath`, `Timestamp` and `TimestampPath`".to_string());
            }
        }
    }
}
