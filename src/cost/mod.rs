//! The static cost estimate (`--cost`): state transitions per execution and
//! dollars per million executions, Standard and Express.
//!
//! Every path question is a dynamic program over the strongly connected
//! components of a scope graph (or a shortest-path search), so 2,000
//! chained Choice diamonds cost no more than 2,000 states. Nested scopes are
//! estimated first and enter their Parallel or Map state as its weight.

use serde::{Deserialize, Serialize};

pub mod counter;

use crate::graph::MachineGraph;
use crate::loader::tree::Node;
use crate::model::{Machine, MapMode, ResourceKind, ScopeId, State, StateId, StateType};

/// Prices, from `prices.toml` or `--prices FILE`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub source: String,
    pub read: String,
    pub standard_usd_per_1000_transitions: f64,
    pub express_usd_per_million_requests: f64,
    /// The first tier's price; [`Prices::express_gb_hour_tiers`] has all.
    pub express_usd_per_gb_hour: f64,
    /// Duration tiers by GB-hours a month: each tier's price applies up to
    /// its `up_to_gb_hours` (the last tier has none).
    #[serde(default)]
    pub express_gb_hour_tiers: Vec<Tier>,
    pub express_memory_mb: f64,
    pub express_duration_step_ms: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(default)]
    pub up_to_gb_hours: Option<f64>,
    pub usd_per_gb_hour: f64,
}

const BUILT_IN_PRICES: &str = include_str!("prices.toml");

impl Default for Prices {
    fn default() -> Self {
        toml::from_str(BUILT_IN_PRICES).expect("the built-in price file parses")
    }
}

impl Prices {
    /// A price file over the built-in prices: keys it leaves out keep their
    /// built-in values.
    pub fn with_overrides(text: &str) -> Result<Prices, String> {
        let mut table: toml::Table = toml::from_str(BUILT_IN_PRICES).map_err(|e| e.to_string())?;
        let given: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        for (k, v) in given {
            if !table.contains_key(&k) && k != "express_gb_hour_tiers" {
                return Err(format!("unknown key `{k}`"));
            }
            table.insert(k, v);
        }
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())
    }

    /// Dollars for `gb_hours` of Express duration, tier by tier.
    fn express_duration_usd(&self, gb_hours: f64) -> f64 {
        if self.express_gb_hour_tiers.is_empty() {
            return gb_hours * self.express_usd_per_gb_hour;
        }
        let mut left = gb_hours;
        let mut below = 0.0;
        let mut usd = 0.0;
        for t in &self.express_gb_hour_tiers {
            let size = t
                .up_to_gb_hours
                .map_or(f64::INFINITY, |u| (u - below).max(0.0));
            let here = left.min(size);
            usd += here * t.usd_per_gb_hour;
            left -= here;
            below = t.up_to_gb_hours.unwrap_or(f64::INFINITY);
            if left <= 0.0 {
                break;
            }
        }
        usd
    }
}

/// What the estimate assumes about things a definition does not say.
#[derive(Debug, Clone)]
pub struct Assumptions {
    /// Items each Map iterates over (`--items`).
    pub items: u64,
    /// Per Map state name, from the configuration's `[cost.map-items]`.
    pub map_items: std::collections::BTreeMap<String, u64>,
    /// Seconds one request-response Task takes (`--task-seconds`).
    pub task_seconds: f64,
    /// Memory an Express execution is billed for (`--express-memory-mb`;
    /// the price file's `express_memory_mb` when unset).
    pub express_memory_mb: Option<f64>,
    pub prices: Prices,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            items: 1,
            map_items: Default::default(),
            task_seconds: 1.0,
            express_memory_mb: None,
            prices: Prices::default(),
        }
    }
}

impl Assumptions {
    /// The item count of the Map named `state`.
    pub fn items_of(&self, state: &str) -> u64 {
        self.map_items.get(state).copied().unwrap_or(self.items)
    }

    /// Billed Express memory: AWS bills about 50 MB plus the definition and
    /// payload sizes, rounded up to 64 MB steps; the estimate assumes the
    /// price file's figure (64 MB, the smallest step) unless told otherwise.
    pub fn memory_mb(&self) -> f64 {
        self.express_memory_mb
            .unwrap_or(self.prices.express_memory_mb)
    }

    /// Dollars for `executions` Express executions of `seconds` each.
    fn express_usd(&self, executions: f64, seconds: f64) -> f64 {
        let p = &self.prices;
        let step = p.express_duration_step_ms / 1000.0;
        let billed = if step > 0.0 {
            (seconds / step).ceil() * step
        } else {
            seconds
        };
        let memory_step = 64.0;
        let gb = (self.memory_mb() / memory_step).ceil() * memory_step / 1024.0;
        executions / 1e6 * p.express_usd_per_million_requests
            + p.express_duration_usd(executions * billed * gb / 3600.0)
    }
}

/// How a Map runs its items: inline in the execution, or as child
/// executions of a Distributed Map.
enum MapRun {
    Inline,
    /// Child executions, and whether they are Express.
    Children {
        express: bool,
    },
}

fn map_run(s: &crate::model::State<'_>) -> MapRun {
    if s.map_mode != Some(MapMode::Distributed) {
        return MapRun::Inline;
    }
    let express = ["ItemProcessor", "Iterator"].iter().any(|k| {
        s.get(k)
            .and_then(|p| p.get("ProcessorConfig"))
            .and_then(|c| c.get("ExecutionType"))
            .and_then(Node::as_str)
            == Some("EXPRESS")
    });
    MapRun::Children { express }
}

/// How many child executions a Distributed Map starts for `items` items:
/// one per batch when `ItemBatcher` fixes the batch size in items alone,
/// otherwise one per item (a byte limit can make every batch one item).
fn child_executions(s: &crate::model::State<'_>, items: u64) -> u64 {
    let Some(batcher) = s.get("ItemBatcher") else {
        return items;
    };
    if batcher.get("MaxInputBytesPerBatch").is_some()
        || batcher.get("MaxInputBytesPerBatchPath").is_some()
    {
        return items;
    }
    match batcher
        .get("MaxItemsPerBatch")
        .and_then(Node::as_number)
        .map(|n| n.as_f64())
    {
        Some(n) if n >= 1.0 => (items as f64 / n.floor()).ceil() as u64,
        _ => items,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range<T> {
    pub min: T,
    pub max: Option<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopState {
    pub state: String,
    /// Transitions on the most expensive path; `null` inside an unbounded loop.
    pub transitions: Option<u64>,
}

/// The estimate for one definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub transitions: Range<u64>,
    pub unbounded: bool,
    /// Loops bounded by a counter: the Choice that bounds each, and how many
    /// times at most the loop runs.
    pub bounded_loops: Vec<(String, u64)>,
    pub standard_usd_per_million: Range<f64>,
    pub express_possible: bool,
    /// Why Express is not possible, when it is not.
    pub express_blockers: Vec<String>,
    pub express_usd_per_million: Option<Range<f64>>,
    /// Seconds per execution, when every step's duration is known.
    pub duration_seconds: Option<Range<f64>>,
    pub top_states: Vec<TopState>,
}

/// `max` for a cycle nobody bounds.
const ENDLESS: f64 = f64::INFINITY;

/// Per-scope results, in the units of one weight function.
#[derive(Clone, Copy, Debug)]
struct Extremes {
    min: f64,
    max: f64,
}

/// Estimates one definition.
pub fn estimate(machine: &Machine<'_>, graph: &MachineGraph, a: &Assumptions) -> Estimate {
    let loops = bounded_loops(machine, graph);
    let transitions = scope_extremes(machine, graph, &loops, &|s, children, worst| {
        state_transitions(&machine.states[s], children, worst, a)
    });
    let duration = scope_extremes(machine, graph, &loops, &|s, children, worst| {
        state_seconds(&machine.states[s], children, worst, a)
    });
    let root = transitions.root;
    let unbounded = root.max.is_infinite();
    let t_min = root.min.round() as u64;
    let t_max = (!unbounded).then(|| root.max.round() as u64);
    let per_transition = a.prices.standard_usd_per_1000_transitions / 1000.0 * 1_000_000.0;
    let children_usd = scope_extremes(machine, graph, &loops, &|s, children, worst| {
        express_children_usd(&machine.states[s], children, &duration.scopes, worst, a)
    })
    .root;
    let standard = Range {
        min: cents(t_min as f64 * per_transition + children_usd.min.max(0.0)),
        max: t_max
            .filter(|_| children_usd.max.is_finite())
            .map(|t| cents(t as f64 * per_transition + children_usd.max)),
    };
    let d = duration.root;
    let duration_seconds = (!d.min.is_nan() && !d.max.is_nan()).then(|| Range {
        min: d.min,
        max: d.max.is_finite().then_some(d.max),
    });
    let (express_blockers, express) = express_price(machine, duration_seconds.as_ref(), a);
    Estimate {
        transitions: Range {
            min: t_min,
            max: t_max,
        },
        unbounded,
        bounded_loops: loops
            .iter()
            .map(|l| (machine.states[l.choice].name.to_string(), l.iterations))
            .collect(),
        standard_usd_per_million: standard,
        express_possible: express_blockers.is_empty(),
        express_blockers,
        express_usd_per_million: express,
        duration_seconds,
        top_states: transitions.top,
    }
}

/// Transitions of entering `m` once: one, plus a Parallel's branches, an
/// inline Map's item count times its processor, and a Distributed Map's one
/// transition per child execution plus each Standard child's own (Express
/// children are priced by [`express_children_usd`]). The worst case adds
/// retries.
fn state_transitions(m: &State<'_>, children: &[Extremes], worst: bool, a: &Assumptions) -> f64 {
    let inner = match m.ty {
        StateType::Parallel => children.iter().map(|c| pick(c, worst)).sum::<f64>(),
        StateType::Map => {
            let items = a.items_of(m.name);
            let child = children.first().map_or(0.0, |c| pick(c, worst));
            match map_run(m) {
                MapRun::Inline => items as f64 * child,
                MapRun::Children { express: false } => {
                    child_executions(m, items) as f64 * (1.0 + child)
                }
                MapRun::Children { express: true } => child_executions(m, items) as f64,
            }
        }
        _ => 0.0,
    };
    let once = 1.0 + inner;
    if worst {
        once * (1.0 + retry_attempts(m.retriers.iter().map(|r| r.node)) as f64)
    } else {
        once
    }
}

/// Seconds `m` takes: request-response Tasks `task_seconds` (every attempt,
/// and the waits between them, in the worst case), static Waits their
/// seconds, branches side by side; NaN when unknown.
fn state_seconds(m: &State<'_>, children: &[Extremes], worst: bool, a: &Assumptions) -> f64 {
    match m.ty {
        StateType::Task => match m.resource.as_ref().map(|r| &r.kind) {
            Some(ResourceKind::Integration { pattern, .. }) if pattern.is_long_running() => {
                f64::NAN
            }
            Some(ResourceKind::Activity { .. }) => f64::NAN,
            _ => {
                let once = a.task_seconds;
                if worst {
                    // Every attempt runs, and Express bills the waits
                    // between them too.
                    once * (1.0 + retry_attempts(m.retriers.iter().map(|r| r.node)) as f64)
                        + retry_wait_seconds(m.retriers.iter().map(|r| r.node))
                } else {
                    once
                }
            }
        },
        StateType::Wait => m
            .get("Seconds")
            .and_then(Node::as_number)
            .map_or(f64::NAN, |n| n.as_f64()),
        StateType::Parallel => children
            .iter()
            .map(|c| pick(c, worst))
            .fold(0.0, |x: f64, y| {
                if x.is_nan() || y.is_nan() {
                    f64::NAN
                } else {
                    x.max(y)
                }
            }),
        StateType::Map => {
            let one = children.first().map_or(0.0, |c| pick(c, worst));
            if worst {
                one * a.items_of(m.name) as f64
            } else {
                one
            }
        }
        _ => 0.0,
    }
}

/// Dollars per million parent executions for the Express children of
/// Distributed Maps in `m`, priced as Express requests and duration; an
/// unknown child duration leaves the maximum unknown (NaN).
fn express_children_usd(
    m: &State<'_>,
    children: &[Extremes],
    durations: &[Extremes],
    worst: bool,
    a: &Assumptions,
) -> f64 {
    let child = children.first().map_or(0.0, |c| pick(c, worst));
    match m.ty {
        StateType::Parallel => children.iter().map(|c| pick(c, worst)).sum::<f64>(),
        StateType::Map => {
            let items = a.items_of(m.name);
            match map_run(m) {
                MapRun::Inline => items as f64 * child,
                MapRun::Children { express: false } => child_executions(m, items) as f64 * child,
                MapRun::Children { express: true } => {
                    let seconds = m
                        .children
                        .first()
                        .map_or(0.0, |&c| pick(&durations[c], worst));
                    let n = child_executions(m, items) as f64;
                    if seconds.is_nan() {
                        if worst {
                            f64::NAN
                        } else {
                            a.express_usd(n * 1e6, 0.0)
                        }
                    } else {
                        a.express_usd(n * 1e6, seconds)
                    }
                }
            }
        }
        _ => 0.0,
    }
}

/// Why the definition cannot run as Express, and its Express price per
/// million executions when it can and its duration is known.
fn express_price(
    machine: &Machine<'_>,
    duration: Option<&Range<f64>>,
    a: &Assumptions,
) -> (Vec<String>, Option<Range<f64>>) {
    let mut blockers = express_blockers(machine);
    if let Some(Range { max, .. }) = duration {
        match max {
            Some(max) if *max > 300.0 => blockers.push(format!(
                "the longest path takes about {max} s, over Express's 5 minutes"
            )),
            None => blockers.push("a loop makes the duration unbounded".to_string()),
            _ => {}
        }
    }
    let price = match duration {
        Some(Range {
            min,
            max: Some(max),
        }) if blockers.is_empty() => Some(Range {
            min: cents(a.express_usd(1e6, *min)),
            max: Some(cents(a.express_usd(1e6, *max))),
        }),
        _ => None,
    };
    (blockers, price)
}

fn pick(e: &Extremes, worst: bool) -> f64 {
    if worst { e.max } else { e.min }
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Worst-case retries of one state: each retrier counts its own attempts
/// (`MaxAttempts`, default 3).
fn retry_attempts<'a>(retriers: impl Iterator<Item = &'a Node>) -> u64 {
    retriers
        .map(|r| {
            r.get("MaxAttempts")
                .and_then(Node::as_number)
                .map_or(3, |n| n.as_f64().max(0.0) as u64)
        })
        .sum()
}

/// Worst-case seconds spent waiting between attempts: each retrier waits
/// `IntervalSeconds` (default 1) times `BackoffRate` (default 2) to the
/// attempt's power, capped by `MaxDelaySeconds`, for each of its
/// `MaxAttempts` (default 3). Jitter only shortens the waits.
pub fn retry_wait_seconds<'a>(retriers: impl Iterator<Item = &'a Node>) -> f64 {
    retriers
        .map(|r| {
            let number = |f: &str| r.get(f).and_then(Node::as_number).map(|n| n.as_f64());
            let attempts = number("MaxAttempts").unwrap_or(3.0).max(0.0).floor();
            let interval = number("IntervalSeconds").unwrap_or(1.0);
            let rate = number("BackoffRate").unwrap_or(2.0);
            let cap = number("MaxDelaySeconds");
            // Every attempt is counted (MaxAttempts goes to 99,999,999): the
            // delays grow until they stop growing, flat or at the cap, and
            // the attempts left all wait that last delay.
            let mut delay = interval;
            let mut total = 0.0;
            let mut left = attempts;
            while left >= 1.0 && total <= 1e12 {
                let capped = cap.is_some_and(|c| delay >= c);
                if rate <= 1.0 || capped {
                    total += cap.map_or(delay, |c| delay.min(c)) * left;
                    break;
                }
                total += delay;
                delay *= rate;
                left -= 1.0;
            }
            total
        })
        .sum()
}

/// What rules out Express for this definition.
fn express_blockers(m: &Machine<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for s in &m.states {
        match s.resource.as_ref().map(|r| &r.kind) {
            Some(ResourceKind::Integration { pattern, .. }) if pattern.is_long_running() => {
                out.push(format!("`{}` waits for a job or callback", s.name));
            }
            Some(ResourceKind::Activity { .. }) => {
                out.push(format!("`{}` runs an activity", s.name))
            }
            _ => {}
        }
        if s.ty == StateType::Map && s.map_mode == Some(MapMode::Distributed) {
            out.push(format!("`{}` is a Distributed Map", s.name));
        }
    }
    out
}

/// A loop that a counter provably bounds (see [`counter`]).
#[derive(Debug, Clone)]
pub struct BoundedLoop {
    pub scope: ScopeId,
    /// The states of the loop (one strongly connected component), sorted.
    pub states: Vec<StateId>,
    pub choice: StateId,
    /// How many times at most the Choice runs: once per round, plus the
    /// check that leaves.
    pub iterations: u64,
    /// Full rounds (the Choice back to itself) at most.
    pub rounds: u64,
    /// The states the execution can pass from where it enters the loop up
    /// to the first check (the Choice included).
    pub first_round: Vec<StateId>,
}

/// The loops of every scope whose counter bound [`counter::prove`] proves.
pub fn bounded_loops(m: &Machine<'_>, g: &MachineGraph) -> Vec<BoundedLoop> {
    let mut out = Vec::new();
    for scope in &m.scopes {
        for states in g.loops(scope.id) {
            if let Some(p) = counter::prove(m, g, &states) {
                out.push(BoundedLoop {
                    scope: scope.id,
                    states,
                    choice: p.choice,
                    iterations: p.rounds.saturating_add(1),
                    rounds: p.rounds,
                    first_round: p.first_round,
                });
            }
        }
    }
    out
}

/// Results of one weight function over the whole machine.
struct MachineExtremes {
    root: Extremes,
    /// Every scope's result, by scope id.
    scopes: Vec<Extremes>,
    top: Vec<TopState>,
}

/// Min and max of a per-state weight over the paths of every scope, inner
/// scopes first. `weight(state, children, worst)` gets the extremes of the
/// state's child scopes. NaN marks an unknown weight and spreads.
fn scope_extremes(
    m: &Machine<'_>,
    g: &MachineGraph,
    loops: &[BoundedLoop],
    weight: &dyn Fn(StateId, &[Extremes], bool) -> f64,
) -> MachineExtremes {
    let mut results: Vec<Option<Extremes>> = vec![None; m.scopes.len()];
    let mut top = Vec::new();
    // Scopes are listed parents first, so reverse order sees children first.
    for scope in m.scopes.iter().rev() {
        let sg = &g.scopes[scope.id];
        let children_of = |s: StateId| -> Vec<Extremes> {
            m.states[s]
                .children
                .iter()
                .map(|&c| results[c].unwrap_or(Extremes { min: 0.0, max: 0.0 }))
                .collect()
        };
        let wmin = sg.weights(|s| weight(s, &children_of(s), false));
        let wmax = sg.weights(|s| weight(s, &children_of(s), true));
        // An unknown weight anywhere (a `.sync` task's duration) makes the
        // scope's answer unknown.
        let min = if wmin.has_unknown() {
            f64::NAN
        } else {
            sg.lightest_exit(&wmin)
        };
        let scope_loops: Vec<&BoundedLoop> = loops.iter().filter(|l| l.scope == scope.id).collect();
        let (max, path) = if wmax.has_unknown() {
            (f64::NAN, Vec::new())
        } else {
            // A cycle is endless unless a counter bounds it; then every full
            // round enters each of its states at most once, and the first,
            // partial round reaches the first check.
            let cycle = |states: &[StateId], one_round: f64| {
                let bounded = scope_loops
                    .iter()
                    .find(|l| l.states.first().is_some_and(|s| states.contains(s)));
                match bounded {
                    Some(l) => {
                        let first: f64 = l
                            .first_round
                            .iter()
                            .map(|&s| weight(s, &children_of(s), true))
                            .sum();
                        one_round * l.rounds as f64 + first
                    }
                    None => ENDLESS,
                }
            };
            sg.heaviest_path(&wmax, &cycle)
        };
        if scope.parent.is_none() {
            let mut states: Vec<TopState> = path
                .iter()
                .map(|&(s, w)| TopState {
                    state: m.states[s].name.to_string(),
                    transitions: w.is_finite().then(|| w.round() as u64),
                })
                .collect();
            states.sort_by(|a, b| {
                b.transitions
                    .unwrap_or(u64::MAX)
                    .cmp(&a.transitions.unwrap_or(u64::MAX))
                    .then(a.state.cmp(&b.state))
            });
            states.truncate(5);
            top = states;
        }
        results[scope.id] = Some(Extremes { min, max });
    }
    let zero = Extremes { min: 0.0, max: 0.0 };
    MachineExtremes {
        root: results.first().copied().flatten().unwrap_or(zero),
        scopes: results.iter().map(|r| r.unwrap_or(zero)).collect(),
        top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::json;

    fn wait(retrier: &str) -> f64 {
        let parsed = json::parse(retrier, 0).unwrap();
        retry_wait_seconds(std::iter::once(&parsed.root))
    }

    /// Every attempt counts, however many: the estimate never under-counts.
    #[test]
    fn retry_waits_count_every_attempt() {
        assert_eq!(
            wait(r#"{"IntervalSeconds": 60, "MaxAttempts": 3000, "BackoffRate": 1}"#),
            180_000.0
        );
        assert_eq!(
            wait(
                r#"{"IntervalSeconds": 1, "MaxAttempts": 5000, "BackoffRate": 2, "MaxDelaySeconds": 10}"#
            ),
            1.0 + 2.0 + 4.0 + 8.0 + 10.0 * 4996.0
        );
        // The defaults: 3 attempts, 1 s, backoff 2.
        assert_eq!(wait("{}"), 1.0 + 2.0 + 4.0);
        assert_eq!(wait(r#"{"MaxAttempts": 0}"#), 0.0);
        // Uncapped growth stops counting once it is past any execution.
        assert!(
            wait(r#"{"IntervalSeconds": 5, "MaxAttempts": 99999999, "BackoffRate": 5}"#) > 1e12
        );
    }
}
