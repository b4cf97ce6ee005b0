use crate::catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::model::resource::Pattern;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "retry-duplicates-billable-start",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a Retry on a call that starts paid work, with no idempotency token, can start it twice",
    doc: include_str!("../../../rules/retry-duplicates-billable-start.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Calls that start paid work and are not unique by name: (catalogue key,
/// the idempotency token's key in `Parameters`, if the API has one).
const STARTS: &[(&str, Option<&str>)] = &[
    ("glue:startJobRun", None),
    ("aws-sdk:glue:startJobRun", None),
    ("batch:submitJob", None),
    ("aws-sdk:batch:submitJob", None),
    ("elasticmapreduce:createCluster", None),
    ("aws-sdk:emr:runJobFlow", None),
    ("sns:publish", None),
    ("ecs:runTask", Some("ClientToken")),
    ("aws-sdk:ecs:runTask", Some("ClientToken")),
    ("aws-sdk:ec2:runInstances", Some("ClientToken")),
    ("emr-serverless:startJobRun", Some("ClientToken")),
    ("aws-sdk:emrserverless:startJobRun", Some("ClientToken")),
    ("codebuild:startBuild", Some("IdempotencyToken")),
    ("aws-sdk:codebuild:startBuild", Some("IdempotencyToken")),
    ("athena:startQueryExecution", Some("ClientRequestToken")),
    (
        "aws-sdk:athena:startQueryExecution",
        Some("ClientRequestToken"),
    ),
];

/// Errors that can follow the service accepting the request.
const AFTER_ACCEPTANCE: &[&str] = &["States.ALL", "States.TaskFailed", "States.Timeout"];

/// Errors that say nothing of whether the service accepted the start: a
/// lost response or a timeout. A retry on these can run the work twice at
/// once; on `States.TaskFailed` alone it re-runs work that failed.
const AMBIGUOUS: &[&str] = &["States.ALL", "States.Timeout"];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let Some(key) = s.resource.as_ref().and_then(|r| r.key.as_deref()) else {
            continue;
        };
        let Some(&(_, token)) = STARTS.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        // The retrier on the most ambiguous error: `States.ALL` or a timeout
        // may hide a start the service accepted; `States.TaskFailed` alone
        // is a failure the service reported, and retrying it re-runs the
        // work on purpose.
        let Some((i, error)) = s
            .retriers
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.errors.iter().map(move |e| (i, *e)))
            .filter(|(_, e)| AFTER_ACCEPTANCE.contains(e))
            .min_by_key(|(_, e)| usize::from(!AMBIGUOUS.contains(e)))
        else {
            continue;
        };
        // A `.sync` Task waits for the job to end before its Retry runs: a
        // retry there re-runs a job that ran and failed (what `retry-storm`
        // and the estimate weigh), and a start the service accepted without
        // saying so is rare. Not a duplicate start: not reported.
        if s.resource
            .as_ref()
            .and_then(|r| r.pattern())
            .is_some_and(|p| matches!(p, Pattern::Sync | Pattern::Sync2))
        {
            continue;
        }
        let ambiguous = AMBIGUOUS.contains(&error);
        let params = catalog::parameters(s);
        let has_token = token.is_some_and(|t| {
            params.is_some_and(|p| {
                p.as_object().is_some_and(|o| {
                    o.members
                        .iter()
                        .any(|m| m.key.trim_end_matches(".$").eq_ignore_ascii_case(t))
                })
            })
        });
        if has_token {
            continue;
        }
        let help = match token {
            Some(t) => format!(
                "pass a token that is the same on every attempt, e.g. \"{t}.$\": \
                 \"States.Hash(States.Format('{{}}/{{}}', $$.Execution.Id, $$.State.Name), 'MD5')\" \
                 (add the Map item index inside a Map), or retry only errors raised before the \
                 request is accepted (throttling)"
            ),
            None => "this API has no idempotency token: retry only errors raised before the \
                     request is accepted (`*.ThrottlingException`, `*.TooManyRequestsException`), \
                     or check for a running job before starting another"
                .to_string(),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                format!("{}/Retry/{i}/ErrorEquals", s.pointer),
                if ambiguous {
                    format!(
                        "`{}` retries `{key}` on `{error}`: if the service accepted the first \
                         request before the error, the retry starts a second paid run{}",
                        s.name,
                        if token.is_some() {
                            " (no idempotency token is passed)"
                        } else {
                            ""
                        }
                    )
                } else {
                    format!(
                        "`{}` retries `{key}` on `{error}`: each retry runs the paid work again \
                         after it failed; a retry on `States.ALL` or `States.Timeout` could also \
                         run it twice at once",
                        s.name
                    )
                },
            )
            .label("retry can start it twice")
            .help(help)
            .severity(if ambiguous {
                Severity::Warning
            } else {
                Severity::Info
            }),
        );
    }
}
