use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::Value;
use crate::model::{MapMode, QueryLanguage, ResourceKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "large-payload-risk",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a large result kept whole in the state's data, which fails hard past 256 KiB",
    doc: include_str!("../../../rules/large-payload-risk.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Calls whose result can be large: (catalogue key, what comes back).
const LARGE_RESULTS: &[(&str, &str)] = &[
    ("aws-sdk:s3:getObject", "the object's whole body"),
    ("athena:getQueryResults", "a page of query results"),
    ("aws-sdk:athena:getQueryResults", "a page of query results"),
    ("aws-sdk:dynamodb:scan", "a page of items"),
    ("aws-sdk:dynamodb:query", "a page of items"),
    ("http:invoke", "the whole response body"),
];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        if s.ty == StateType::Map && s.map_mode == Some(MapMode::Distributed) {
            let discarded = matches!(s.get("ResultPath").map(|n| &n.value), Some(Value::Null));
            if s.get("ResultWriter").is_none() && !discarded {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.pointer.clone(),
                        format!(
                            "Distributed Map `{}` has no `ResultWriter`: the results of every child \
                             come back into the state's data, and past 256 KiB the execution fails \
                             with `States.DataLimitExceeded`, which no Catch can handle",
                            s.name
                        ),
                    )
                    .on_key()
                    .label("results kept in the payload")
                    .help("write the results to S3 with `ResultWriter`, or discard them with `ResultPath: null`"),
                );
            }
            continue;
        }
        if s.ty != StateType::Task {
            continue;
        }
        let Some(resource) = &s.resource else {
            continue;
        };
        // Lambda is left out on purpose: its result is whatever the
        // function returns, which its authors size, and flagging every
        // unselected invoke would bury the findings that matter.
        if matches!(resource.kind, ResourceKind::LambdaFunction { .. }) {
            continue;
        }
        let Some(key) = resource.key.clone() else {
            continue;
        };
        let listing = key.starts_with("aws-sdk:")
            && key
                .rsplit(':')
                .next()
                .is_some_and(|a| a.starts_with("list"))
            && !crate::catalog::parameters(s)
                .and_then(|p| p.as_object())
                .is_some_and(|o| o.members.iter().any(|m| m.key.starts_with("Max")));
        let what = match LARGE_RESULTS.iter().find(|(k, _)| *k == key) {
            Some((_, what)) => *what,
            None if listing => "a page of a listing with no `Max*` limit",
            None => continue,
        };
        let narrowed = ["ResultSelector", "OutputPath", "Output"]
            .iter()
            .any(|f| s.get(f).is_some())
            || matches!(s.get("ResultPath").map(|n| &n.value), Some(Value::Null))
            || (s.query_language == QueryLanguage::Jsonata && s.get("Assign").is_some());
        if narrowed {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!(
                    "`{}` keeps {what} from `{key}` in the state's data: past 256 KiB the execution \
                     fails with `States.DataLimitExceeded`, which no Catch can handle",
                    s.name
                ),
            )
            .on_key()
            .severity(Severity::Info)
            .label("result kept whole")
            .help("keep only what the next states need with `ResultSelector` (or JSONata `Output`), or pass an S3 location instead of the data"),
        );
    }
}
