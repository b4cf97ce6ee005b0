use crate::catalog::{Catalog, catalog, parameters};
use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::Edge;
use crate::loader::tree::Node;
use crate::model::{Machine, State, StateId, StateType, dataflow};
use crate::rule_options::TextOption;
use crate::rules::{Context, Group, Rule};

/// Word beginnings, separated by `|`, that make a Lambda a lookup; unset,
/// the catalogue's own list applies.
const LOOKUP_LAMBDA_PATTERN: TextOption = TextOption::new(
    "lookup-lambda-pattern",
    "the catalogue's `lambda_name_words`",
);

pub static RULE: Rule = Rule {
    name: "unguarded-expensive-ingest",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a paid call that writes data runs on every execution, with no check whether the data already exists",
    doc: include_str!("../../../rules/unguarded-expensive-ingest.md"),
    default_enabled: true,
    check: Some(check),
    options: &[LOOKUP_LAMBDA_PATTERN.declared()],
};

/// Why a task counts as an ingest.
enum Evidence<'t> {
    /// Its parameters name an output location.
    OutputParameter(&'t str),
    /// A write-sink task consumes its result.
    Sink(&'t str),
    /// Only its name suggests it (info).
    Name,
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cat = catalog();
    let m = cx.machine;
    let lambda_words: Option<Vec<String>> = cx.text(&RULE, &LOOKUP_LAMBDA_PATTERN).map(|p| {
        p.split('|')
            .map(|w| w.trim().to_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    });
    let guards = Guards {
        cx,
        cat,
        lambda_words: lambda_words.as_deref(),
    };
    for t in m.states.iter().filter(|s| s.ty == StateType::Task) {
        // Cheapest test first: only calls that can fetch are candidates.
        if !cat.is_ingest_call(t) {
            continue;
        }
        let Some(evidence) = evidence(cx, cat, t) else {
            continue;
        };
        // A lookup is not an ingest, except an HTTP GET: when its response is
        // stored, it is the paid-API ingest itself.
        let http = t
            .resource
            .as_ref()
            .and_then(|r| r.service_action())
            .is_some_and(|(s, _)| s == "http" || s == "apigateway");
        if !cat.is_expensive(t)
            || (cat.is_lookup_with(t, guards.lambda_words) && !http)
            || cat.is_stop(t)
        {
            continue;
        }
        if guards.guarded(t.id) {
            continue;
        }
        let (severity, why) = match evidence {
            Evidence::OutputParameter(key) => {
                (Severity::Warning, format!("writes its result (`{key}`)"))
            }
            Evidence::Sink(sink) => (
                Severity::Warning,
                format!("its result is written by `{sink}`"),
            ),
            Evidence::Name => (Severity::Info, "its name says it fetches data".to_string()),
        };
        // A write by upsert or merge keys makes a re-run overwrite what the
        // last one wrote instead of piling it up: what is left is the cost
        // of the run, worth an info, not the warning for duplicated data.
        let (severity, why) = match upsert_key(t) {
            Some(key) if severity == Severity::Warning => (
                Severity::Info,
                format!(
                    "{why}, by upsert (`{key}`), so a re-run overwrites rather than duplicates"
                ),
            ),
            _ => (severity, why),
        };
        let validation = guards.validation_choice(t.id);
        let mut help = "check first: an `arn:aws:states:::aws-sdk:s3:listObjectsV2` Task (`Prefix` = the output key, \
                        `MaxKeys` 1), then a Choice that runs the ingest only when `KeyCount` is 0 and otherwise \
                        skips to a Succeed"
            .to_string();
        if let Some(choice) = validation {
            help.push_str(&format!(
                "; the Choice `{choice}` checks the input, which is not an existence check"
            ));
        }
        out.push(
            Diagnostic::new(
                &RULE,
                t.pointer.clone(),
                format!(
                    "`{}` is a paid call and {why}, but nothing checks whether the data already exists: every run fetches and writes it again",
                    t.name
                ),
            )
            .on_key()
            .severity(severity)
            .label("runs on every execution")
            .help(help),
        );
    }
}

/// A parameter or job argument that names the upsert or merge keys of the
/// write (`--upsert_keys`, `MergeKeys`, `upsertKey`).
fn upsert_key<'t>(t: &State<'t>) -> Option<&'t str> {
    let params = crate::catalog::parameters(t)?;
    let mut found = None;
    let mut stack = vec![params];
    while let Some(node) = stack.pop() {
        let Some(members) = node.as_object() else {
            continue;
        };
        for m in &members.members {
            let key = m.key.trim_start_matches('-').trim_end_matches(".$");
            let lower = key.to_ascii_lowercase().replace(['_', '-'], "");
            if lower.contains("upsert") || lower.starts_with("mergekey") {
                found = Some(m.key.as_ref());
            }
            stack.push(&m.value);
        }
    }
    found
}

/// An ingest fetches and persists. A warning needs both a sign of fetching
/// (its name, or an HTTP GET) and write evidence; a strong fetch word alone
/// is info. A paid call that writes but shows no sign of fetching (a Lambda
/// that copies, transforms or records) is not an ingest.
fn evidence<'t>(cx: &Context<'_, 't>, cat: &Catalog, t: &State<'t>) -> Option<Evidence<'t>> {
    if !cat.is_ingest_call(t) {
        return None;
    }
    let strong = cat.has_fetch_name(t);
    let fetches = strong || cat.has_weak_fetch_name(t) || is_http_get(t);
    if fetches {
        if let Some(key) = cat.output_parameter(t) {
            return Some(Evidence::OutputParameter(key));
        }
        if let Some(sink) = consuming_sink(cx, cat, t) {
            return Some(Evidence::Sink(sink));
        }
    }
    // A name alone is weak: only for API calls, where the guard-before-ingest pattern (a
    // paid API behind a Lambda or HTTP task) lives, not for data jobs.
    (strong && is_api_call(t)).then_some(Evidence::Name)
}

fn is_api_call(t: &State<'_>) -> bool {
    t.resource
        .as_ref()
        .and_then(crate::catalog::key)
        .is_some_and(|k| {
            [
                "lambda:invoke",
                "aws-sdk:lambda:invoke",
                "http:invoke",
                "apigateway:invoke",
            ]
            .contains(&k)
        })
}

fn is_http_get(t: &State<'_>) -> bool {
    let is_http = t
        .resource
        .as_ref()
        .and_then(|r| r.service_action())
        .is_some_and(|(s, a)| (s, a) == ("http", "invoke") || (s, a) == ("apigateway", "invoke"));
    let method = parameters(t)
        .and_then(|p| p.get("Method"))
        .and_then(Node::as_str);
    is_http && method.is_none_or(|m| m.eq_ignore_ascii_case("GET"))
}

/// A write-sink task after `t` in its scope (no other paid call between)
/// that reads `t`'s result.
fn consuming_sink<'t>(cx: &Context<'_, 't>, cat: &Catalog, t: &State<'t>) -> Option<&'t str> {
    let m = cx.machine;
    let roots = dataflow::result_roots(t);
    if roots.is_empty() {
        return None;
    }
    let is_sink = |s: StateId| cat.is_write_sink(&m.states[s]);
    // Up to the next paid call: past it, the data comes from that call.
    let passes = |s: StateId| !cat.is_expensive(&m.states[s]);
    cx.graph
        .next_states_matching(t.id, Edge::is_success, passes, is_sink, SINK_SEARCH_LIMIT)
        .into_iter()
        .map(|s| &m.states[s])
        .find(|s| {
            dataflow::reads_any(s, "Parameters", &roots)
                || dataflow::reads_any(s, "Arguments", &roots)
        })
        .map(|s| s.name)
}

/// How many states the search for a write sink after an ingest visits.
const SINK_SEARCH_LIMIT: usize = 4096;

struct Guards<'a, 'c, 't> {
    cx: &'a Context<'c, 't>,
    cat: &'a Catalog,
    lambda_words: Option<&'a [String]>,
}

impl Guards<'_, '_, '_> {
    fn machine(&self) -> &Machine<'_> {
        self.cx.machine
    }

    /// The state's dominators from nearest to the scope's start, itself
    /// excluded.
    fn dominators_of(&self, id: StateId) -> Vec<StateId> {
        self.cx.graph.dominating_states(id)
    }

    /// Whether every path to `t` passes an existence check, in its own scope
    /// or, for a state in a branch or processor, around the enclosing state.
    fn guarded(&self, t: StateId) -> bool {
        let m = self.machine();
        let mut target = t;
        loop {
            let doms = self.dominators_of(target);
            for &d in &doms {
                let s = &m.states[d];
                let guard = match s.ty {
                    StateType::Choice => self.choice_guard(d, target, &doms),
                    StateType::Task => self.catch_guard(d, target) || self.lock_guard(d, target),
                    _ => false,
                };
                if guard {
                    return true;
                }
            }
            let scope = m.states[target].scope;
            let Some(parent) = self.cx.graph.parent_of(scope) else {
                return false;
            };
            if self.map_fed_by_lookup(parent) {
                return true;
            }
            target = parent;
        }
    }

    /// A Choice that reads the result of a lookup before it, with a branch
    /// that does not lead to the target.
    fn choice_guard(&self, choice: StateId, target: StateId, doms: &[StateId]) -> bool {
        let m = self.machine();
        let c = &m.states[choice];
        let Some(rules) = c.get("Choices") else {
            return false;
        };
        // Lookups that dominate the Choice are the ones after it in `doms`.
        let at = doms.iter().position(|&d| d == choice).unwrap_or(doms.len());
        let reads_lookup = doms[at..].iter().any(|&l| {
            let lookup = &m.states[l];
            lookup.ty == StateType::Task && self.cat.is_lookup_with(lookup, self.lambda_words) && {
                let roots = dataflow::result_roots(lookup);
                dataflow::reads_roots(rules, &roots)
            }
        });
        reads_lookup && self.some_branch_avoids(choice, target)
    }

    fn some_branch_avoids(&self, choice: StateId, target: StateId) -> bool {
        let branch = |e: Edge| matches!(e, Edge::Choice(_) | Edge::Default);
        self.cx.graph.some_edge_avoids(choice, branch, target)
    }

    /// A lookup whose Catch on "not found" leads to the target while its
    /// success path does not.
    fn catch_guard(&self, lookup: StateId, target: StateId) -> bool {
        let m = self.machine();
        let l = &m.states[lookup];
        if !self.cat.is_lookup_with(l, self.lambda_words) {
            return false;
        }
        let catch_reaches = l.catchers.iter().enumerate().any(|(i, c)| {
            c.errors.iter().any(|e| self.cat.is_not_found_error(e))
                && self
                    .cx
                    .graph
                    .leads_to(lookup, |e| e == Edge::Catch(i), target)
        });
        catch_reaches && !self.cx.graph.leads_to(lookup, Edge::is_success, target)
    }

    /// A conditional write (`attribute_not_exists`) whose Catch on the failed
    /// condition leads away from the target: the idempotency lock.
    fn lock_guard(&self, lock: StateId, target: StateId) -> bool {
        let m = self.machine();
        let l = &m.states[lock];
        let conditional = parameters(l)
            .and_then(|p| p.get("ConditionExpression"))
            .and_then(Node::as_str)
            .is_some_and(|c| c.contains("attribute_not_exists"));
        if !conditional || !self.cat.is_write_sink(l) {
            return false;
        }
        l.catchers.iter().enumerate().any(|(i, c)| {
            c.errors
                .iter()
                .any(|e| e.ends_with("ConditionalCheckFailedException") || *e == "States.ALL")
                && self
                    .cx
                    .graph
                    .some_edge_avoids(lock, |e| e == Edge::Catch(i), target)
        })
    }

    /// A Map reading its items from S3 (`ItemReader`) or from a lookup's
    /// result has only items that were found: its iterations are guarded.
    fn map_fed_by_lookup(&self, map: StateId) -> bool {
        let m = self.machine();
        let s = &m.states[map];
        if s.ty != StateType::Map {
            return false;
        }
        if s.get("ItemReader").is_some() {
            return true;
        }
        let Some(items) = s.get("ItemsPath").or_else(|| s.get("Items")) else {
            return false;
        };
        self.dominators_of(map).iter().any(|&l| {
            let lookup = &m.states[l];
            lookup.ty == StateType::Task && self.cat.is_lookup_with(lookup, self.lambda_words) && {
                let roots = dataflow::result_roots(lookup);
                dataflow::reads_roots(items, &roots)
            }
        })
    }

    /// A Choice before the target that reads only the input: validation,
    /// which users often mistake for a guard.
    fn validation_choice(&self, t: StateId) -> Option<&str> {
        let m = self.cx.machine;
        self.dominators_of(t)
            .into_iter()
            .find(|&d| m.states[d].ty == StateType::Choice)
            .map(|d| m.states[d].name)
    }
}
