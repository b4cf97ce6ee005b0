use crate::catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::model::{Machine, MapMode, ResourceKind, ScopeId, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "map-unbounded-concurrency",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a Map that fans out paid or rate-limited work with no `MaxConcurrency`",
    doc: include_str!("../../../rules/map-unbounded-concurrency.md"),
    default_enabled: true,
    check: Some(check),
    options: &[DISTRIBUTED_HIGH.declared(), FIX_MAX_CONCURRENCY.declared()],
};

/// A Distributed Map `MaxConcurrency` at or above this over paid work is an
/// info: its children run 10,000 at a time unless told otherwise, and this
/// many is still worth knowing.
const DISTRIBUTED_HIGH: NumberOption = NumberOption::new("high-concurrency", 1000.0);

/// The `MaxConcurrency` that `--fix --unsafe-fixes` sets: a cautious start
/// that most downstream quotas take; the user raises it knowing their
/// service.
const FIX_MAX_CONCURRENCY: NumberOption = NumberOption::new("fix-max-concurrency", 10.0);

/// A literal item list this short cannot fan out far (Inline Map runs up to
/// 40 at a time anyway).
const SMALL_LIST: usize = 40;

/// The length of a Map's item list when it is written in the definition
/// (a literal `Items` array). An `ItemsPath` is not followed: the data may
/// change on the way.
fn literal_items(s: &crate::model::State<'_>) -> Option<usize> {
    s.get("Items").and_then(|i| i.as_array()).map(|a| a.len())
}

/// Targets that throttle or bill per call whatever the integration.
const RATE_LIMITED: &[&str] = &["http:invoke", "apigateway:invoke"];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let high = cx.number(&RULE, &DISTRIBUTED_HIGH);
    for s in m.states.iter().filter(|s| s.ty == StateType::Map) {
        let Some(&processor) = s.children.first() else {
            continue;
        };
        let limit = s
            .get("MaxConcurrency")
            .and_then(|n| n.as_number())
            .map(|n| n.as_f64());
        let dynamic = s.get("MaxConcurrencyPath").is_some()
            || s.get("MaxConcurrency")
                .is_some_and(|n| n.as_str().is_some());
        let unset = !dynamic && limit.is_none_or(|l| l == 0.0);
        let distributed = s.map_mode == Some(MapMode::Distributed);
        let costly = costly_call(m, processor);
        // A handful of items from a literal list cannot fan out far.
        let few = literal_items(s).is_some_and(|n| n <= SMALL_LIST);
        if few {
            continue;
        }
        let (severity, why) = match (distributed, unset, &costly) {
            // Children that do no paid or rate-limited work (Pass, Choice,
            // Wait) hurt no downstream service, whatever their number.
            (true, true, None) => (
                Severity::Info,
                "a Distributed Map starts up to 10,000 child executions at once, though its \
                 children call no paid or rate-limited service"
                    .to_string(),
            ),
            (true, true, _) => (
                Severity::Warning,
                "a Distributed Map starts up to 10,000 child executions at once".to_string(),
            ),
            (true, false, _) if limit.is_some_and(|l| l >= high) => (
                Severity::Info,
                format!(
                    "{} child executions may run at once",
                    limit.unwrap_or_default()
                ),
            ),
            (false, true, Some(call)) => (
                // 40 Lambda calls at once rarely hurt; 40 jobs or 40 calls to a
                // third-party API often do.
                if call.heavy {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                format!(
                    "every item runs `{}`, up to 40 at a time (Inline Map's cap)",
                    call.key
                ),
            ),
            _ => continue,
        };
        let what = match &costly {
            Some(call) if distributed => format!(", each calling `{}`", call.key),
            _ => String::new(),
        };
        let mut d = Diagnostic::new(
            &RULE,
            s.pointer.clone(),
            format!(
                "Map `{}` sets no useful `MaxConcurrency`: {why}{what}; throttled calls turn \
                 into retries and bursts of paid work",
                s.name
            ),
        )
        .on_key()
        .severity(severity)
        .label("unbounded fan-out")
        .help(
            "set `MaxConcurrency` to what the downstream service or account quota can take; \
             for a Distributed Map also batch items (`ItemBatcher`)",
        );
        if unset {
            let n = cx.number(&RULE, &FIX_MAX_CONCURRENCY).max(1.0) as i64;
            let value = NewValue::Integer(n);
            let edit = if s.get("MaxConcurrency").is_some() {
                Edit::ReplaceValue {
                    pointer: crate::loader::pointer::push(&s.pointer, "MaxConcurrency"),
                    value,
                }
            } else {
                Edit::InsertMember {
                    object: s.pointer.clone(),
                    key: "MaxConcurrency".into(),
                    value,
                }
            };
            d = d.fix(Fix::unsafe_(
                format!("Set `MaxConcurrency` to {n}"),
                vec![edit],
            ));
        }
        out.push(d);
    }
}

/// A paid call inside a Map's processor.
struct Costly {
    key: String,
    /// A job, child execution, activity or rate-limited target, not just a
    /// paid request.
    heavy: bool,
}

/// The heaviest paid, long-running or rate-limited call in a processor or
/// in the scopes nested in it (the first heavy one, else the first paid).
/// Waiting work whose pace is not the Map's fan-out: an activity (its
/// workers pull tasks at their own rate), a callback through a queue, topic,
/// event bus or Lambda function (the message waits; the function is an
/// ordinary Lambda call), or a child execution (its own states are linted
/// on their own, and 40 starts are far below the StartExecution quota). 40
/// of these at once start no jobs.
fn paced_elsewhere(kind: &ResourceKind) -> bool {
    match kind {
        ResourceKind::Activity { .. } => true,
        ResourceKind::Integration { service, .. } => {
            matches!(
                service.as_str(),
                "lambda" | "sqs" | "sns" | "events" | "states"
            )
        }
        _ => false,
    }
}

fn costly_call(m: &Machine<'_>, processor: ScopeId) -> Option<Costly> {
    let cat = catalog::catalog();
    // The processor's states and those of the scopes nested in it, in
    // state order: walking only them keeps many Maps linear (every state of
    // the machine per Map was quadratic).
    let mut scopes = vec![processor];
    let mut i = 0;
    while i < scopes.len() {
        for &st in &m.scopes[scopes[i]].states {
            scopes.extend(m.states[st].children.iter().copied());
        }
        i += 1;
    }
    let mut inside: Vec<usize> = scopes
        .iter()
        .flat_map(|&sc| m.scopes[sc].states.iter().copied())
        .collect();
    inside.sort_unstable();
    let calls: Vec<Costly> = inside
        .into_iter()
        .map(|id| &m.states[id])
        .filter(|s| s.ty == StateType::Task)
        .filter_map(|s| {
            let r = s.resource.as_ref()?;
            let long = s.waits_on_work();
            let mut key = r.key.clone().unwrap_or_else(|| r.raw.clone());
            let heavy = (long && !paced_elsewhere(&r.kind)) || RATE_LIMITED.contains(&key.as_str());
            if let ResourceKind::Integration { pattern, .. } = &r.kind
                && pattern.is_long_running()
                && let Some((_, suffix)) = r.raw.rsplit_once('.')
            {
                key = format!("{key}.{suffix}");
            }
            (heavy || cat.is_expensive(s)).then_some(Costly { key, heavy })
        })
        .collect();
    let first_heavy = calls.iter().position(|c| c.heavy).unwrap_or(0);
    calls.into_iter().nth(first_heavy)
}
