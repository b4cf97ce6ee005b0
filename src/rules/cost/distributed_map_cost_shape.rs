use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::pointer;
use crate::model::{Machine, MapMode, ResourceKind, ScopeId, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "distributed-map-cost-shape",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "a Distributed Map set up to cost more than it needs: Standard children for short work, one child per object, no failure tolerance",
    doc: include_str!("../../../rules/distributed-map-cost-shape.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for s in m
        .states
        .iter()
        .filter(|s| s.map_mode == Some(MapMode::Distributed))
    {
        let Some(&processor) = s.children.first() else {
            continue;
        };
        let config = s
            .get("ItemProcessor")
            .or_else(|| s.get("Iterator"))
            .and_then(|p| p.get("ProcessorConfig"));
        let execution_type = config
            .and_then(|c| c.get("ExecutionType"))
            .and_then(|t| t.as_str())
            .unwrap_or("STANDARD");
        let base = |what: String, at: &str| {
            Diagnostic::new(&RULE, pointer::push(&s.pointer, at), what).on_key()
        };
        if execution_type == "STANDARD" && short(m, processor) {
            out.push(
                base(
                    format!(
                        "Distributed Map `{}` runs short work in Standard children: every item pays \
                         $25 per million transitions, where Express children pay $1 per million \
                         plus a few seconds of duration",
                        s.name
                    ),
                    "ItemProcessor",
                )
                .label("Standard children")
                .help("set `ProcessorConfig.ExecutionType` to `EXPRESS` (and batch items with `ItemBatcher`)"),
            );
        }
        let reads_s3 = s
            .get("ItemReader")
            .and_then(|r| r.get("Resource"))
            .and_then(|r| r.as_str())
            .is_some_and(|r| r.contains(":s3:"));
        if reads_s3 && s.get("ItemBatcher").is_none() {
            out.push(
                base(
                    format!(
                        "Distributed Map `{}` reads from S3 with no `ItemBatcher`: one child execution \
                         per object or line, each with its own start and transitions",
                        s.name
                    ),
                    "ItemReader",
                )
                .label("one child per item")
                .help("add `ItemBatcher` with `MaxItemsPerBatch` (or `MaxInputBytesPerBatch`) so each child handles many items"),
            );
        }
        let tolerates = [
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCountPath",
        ]
        .iter()
        .any(|f| s.get(f).is_some());
        if !tolerates {
            out.push(
                Diagnostic::new(
                    &RULE,
                    s.pointer.clone(),
                    format!(
                        "Distributed Map `{}` tolerates no failed item: one bad item fails the whole \
                         Map Run after the rest were paid for",
                        s.name
                    ),
                )
                .on_key()
                .severity(Severity::Info)
                .label("no failure tolerance")
                .help("set `ToleratedFailurePercentage` or `ToleratedFailureCount` to what the job can accept, and redrive the failed items"),
            );
        }
    }
}

/// Whether a processor (and what it nests) does only short work: no jobs,
/// callbacks or activities, and no Wait over a minute.
fn short(m: &Machine<'_>, processor: ScopeId) -> bool {
    let inside = |mut scope: ScopeId| loop {
        if scope == processor {
            return true;
        }
        match m.scopes[scope].parent {
            Some(parent) => scope = m.states[parent].scope,
            None => return false,
        }
    };
    m.states
        .iter()
        .filter(|s| inside(s.scope))
        .all(|s| match s.ty {
            StateType::Task => match s.resource.as_ref().map(|r| &r.kind) {
                Some(ResourceKind::Integration { pattern, .. }) => !pattern.is_long_running(),
                Some(ResourceKind::Activity { .. }) => false,
                _ => true,
            },
            StateType::Wait => s
                .get("Seconds")
                .and_then(|n| n.as_number())
                .is_some_and(|n| n.as_f64() <= 60.0),
            StateType::Map => s.map_mode != Some(MapMode::Distributed),
            _ => true,
        })
}
