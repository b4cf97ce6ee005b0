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
use crate::model::{
    MAX_EXECUTION_SECONDS, Machine, MapMode, ResourceKind, ScopeId, State, StateId, StateType,
};

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
        let prices: Prices = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        // The built-in prices pass, so a bad value is the file's: say where.
        prices
            .check()
            .map_err(|(key, message)| match locate(text, &key) {
                Some((line, column)) => format!("line {line}, column {column}: {message}"),
                None => message,
            })?;
        Ok(prices)
    }

    /// Every price is a finite number, 0 or more, and the memory is above 0:
    /// otherwise the key (a path: a table key, then an array index and a
    /// key) and why.
    fn check(&self) -> Result<(), (Vec<String>, String)> {
        let price = |key: &[&str], x: f64, what: &str| {
            if x.is_finite() && x >= 0.0 {
                Ok(())
            } else {
                let name = key.join(".");
                Err((
                    key.iter().map(|k| k.to_string()).collect(),
                    format!("`{name}` must be a finite number of {what}, 0 or more, not {x}"),
                ))
            }
        };
        price(
            &["standard_usd_per_1000_transitions"],
            self.standard_usd_per_1000_transitions,
            "dollars",
        )?;
        price(
            &["express_usd_per_million_requests"],
            self.express_usd_per_million_requests,
            "dollars",
        )?;
        price(
            &["express_usd_per_gb_hour"],
            self.express_usd_per_gb_hour,
            "dollars",
        )?;
        for (i, t) in self.express_gb_hour_tiers.iter().enumerate() {
            let i = i.to_string();
            price(
                &["express_gb_hour_tiers", &i, "usd_per_gb_hour"],
                t.usd_per_gb_hour,
                "dollars",
            )?;
            if let Some(up_to) = t.up_to_gb_hours {
                price(
                    &["express_gb_hour_tiers", &i, "up_to_gb_hours"],
                    up_to,
                    "GB-hours",
                )?;
            }
        }
        price(
            &["express_duration_step_ms"],
            self.express_duration_step_ms,
            "milliseconds",
        )?;
        let memory = self.express_memory_mb;
        if !(memory.is_finite() && memory > 0.0) {
            return Err((
                vec!["express_memory_mb".to_string()],
                format!(
                    "`express_memory_mb` must be a finite number of megabytes above 0, not {memory}"
                ),
            ));
        }
        Ok(())
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

/// The 1-based line and column of the value at `key` (table keys and array
/// indexes) in the TOML `text`.
fn locate(text: &str, key: &[String]) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).ok()?;
    let mut span = table.span();
    let mut here: Option<&DeValue<'_>> = None;
    let mut top = Some(table.get_ref());
    for k in key {
        let next = match (top, here) {
            (Some(t), _) => t
                .iter()
                .find(|(name, _)| name.get_ref() == k)
                .map(|(_, v)| v),
            (None, Some(DeValue::Array(items))) => items.get(k.parse::<usize>().ok()?),
            (None, Some(DeValue::Table(t))) => t
                .iter()
                .find(|(name, _)| name.get_ref() == k)
                .map(|(_, v)| v),
            _ => None,
        }?;
        span = next.span();
        here = Some(next.get_ref());
        top = None;
    }
    let before = text.get(..span.start)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
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

/// Every whole number below 2^53 is an exact `f64`. The estimate counts in
/// `f64`, which rounds but never saturates, and sums and products of whole
/// numbers are exact while they stay below this.
const EXACT_BELOW: f64 = 9_007_199_254_740_992.0;

/// What a count too large for an `f64` becomes (far below `f64::MAX`, so
/// that sums over millions of states stay finite). It is only ever shown as
/// "more than" a figure, and infinity stays reserved for loops.
const OVERFLOW: f64 = 1e300;

/// A figure of the estimate, transitions or dollars: exact (dollars to the
/// cent), or too large to count exactly and then a lower bound, "more than
/// `value`". Never a saturated or wrapped number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub more_than: bool,
}

impl Figure {
    /// A count of transitions worked out in `f64` as `x`.
    fn count(x: f64) -> Figure {
        if x < EXACT_BELOW {
            Figure {
                value: x.round(),
                more_than: false,
            }
        } else {
            Figure {
                value: lower_bound(x),
                more_than: true,
            }
        }
    }

    /// Dollars worked out in `f64` as `x`, from counts that were exact or
    /// not (`from_more_than`).
    fn usd(x: f64, from_more_than: bool) -> Figure {
        if from_more_than || !x.is_finite() {
            Figure {
                value: lower_bound(x),
                more_than: true,
            }
        } else {
            Figure {
                value: cents(x),
                more_than: false,
            }
        }
    }

    /// The whole number, for a count that is exact.
    pub fn exact(&self) -> Option<u64> {
        (!self.more_than).then_some(self.value as u64)
    }

    /// The value as a JSON number: a whole number while it fits 64 bits.
    pub fn json_count(&self) -> serde_json::Value {
        if self.value < 18_000_000_000_000_000_000.0 {
            serde_json::Value::from(self.value as u64)
        } else {
            serde_json::Value::from(self.value)
        }
    }
}

impl std::fmt::Display for Figure {
    /// A count: `12`, or `more than 9.99e20`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.more_than {
            f.write_str("more than ")?;
        }
        if self.value < 18_000_000_000_000_000_000.0 {
            write!(f, "{}", self.value as u64)
        } else {
            write!(f, "{:e}", self.value)
        }
    }
}

/// A lower bound, in three significant digits, of a figure worked out as
/// `x` in `f64` (infinity when it overflowed): `x` less a millionth, far
/// more than the rounding behind it (a relative 1e-16 for each of the few
/// sums and products per state of a definition under 64 MiB), truncated.
fn lower_bound(x: f64) -> f64 {
    let x = if x.is_finite() { x.max(0.0) } else { f64::MAX } * (1.0 - 1e-6);
    if x < 1000.0 {
        return x.floor();
    }
    let shortest = format!("{x:e}");
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let digits: String = mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .take(3)
        .collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    format!("{digits}e{}", exponent - (digits.len() as i64 - 1))
        .parse()
        .unwrap_or(0.0)
}

/// `a × b` where nothing times something is nothing, even endless: a Map
/// over no items runs none of its loop.
fn times(a: f64, b: f64) -> f64 {
    if a == 0.0 || b == 0.0 { 0.0 } else { a * b }
}

/// Seconds capped at the year an execution may last (a finite wait past it
/// never elapses); NaN (unknown) stays unknown.
fn at_most_a_year(seconds: f64) -> f64 {
    if seconds > MAX_EXECUTION_SECONDS {
        MAX_EXECUTION_SECONDS
    } else {
        seconds
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopState {
    pub state: String,
    /// Transitions on the most expensive path; `None` inside an unbounded loop.
    pub transitions: Option<Figure>,
}

/// The estimate for one definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub transitions: Range<Figure>,
    pub unbounded: bool,
    /// Loops bounded by a counter: the Choice that bounds each, and how many
    /// times at most the loop runs.
    pub bounded_loops: Vec<(String, u64)>,
    pub standard_usd_per_million: Range<Figure>,
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
    // Only a loop nothing bounds is endless: a count too large for an f64
    // stops at OVERFLOW.
    let unbounded = root.max.is_infinite();
    let t_min = Figure::count(root.min);
    let t_max = (!unbounded).then(|| Figure::count(root.max));
    let per_transition = a.prices.standard_usd_per_1000_transitions / 1000.0 * 1_000_000.0;
    let children_usd = scope_extremes(machine, graph, &loops, &|s, children, worst| {
        express_children_usd(&machine.states[s], children, &duration.scopes, worst, a)
    })
    .root;
    // Dollars from the count as worked out, not from a rounded figure; a
    // count that is only a lower bound makes its dollars one too.
    let standard = Range {
        min: Figure::usd(
            root.min * per_transition + children_usd.min.max(0.0),
            t_min.more_than,
        ),
        max: t_max
            .filter(|_| !children_usd.max.is_nan())
            .map(|t| Figure::usd(root.max * per_transition + children_usd.max, t.more_than)),
    };
    let d = duration.root;
    let duration_seconds = (!d.min.is_nan() && !d.max.is_nan()).then(|| Range {
        min: at_most_a_year(d.min),
        max: d.max.is_finite().then_some(at_most_a_year(d.max)),
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
                MapRun::Inline => times(items as f64, child),
                MapRun::Children { express: false } => {
                    times(child_executions(m, items) as f64, 1.0 + child)
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
                // Every attempt runs, and Express bills the waits between
                // them too: however long they add up to (a `BackoffRate` of
                // 1e308), they end with the execution, within a year.
                at_most_a_year(if worst {
                    once * (1.0 + retry_attempts(m.retriers.iter().map(|r| r.node)) as f64)
                        + retry_wait_seconds(m.retriers.iter().map(|r| r.node))
                } else {
                    once
                })
            }
        },
        StateType::Wait => m
            .get("Seconds")
            .and_then(Node::as_number)
            .map_or(f64::NAN, |n| at_most_a_year(n.as_f64())),
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
            if !worst {
                one
            } else if one.is_finite() {
                at_most_a_year(times(one, a.items_of(m.name) as f64))
            } else {
                // Unknown, or a loop inside.
                times(one, a.items_of(m.name) as f64)
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
                MapRun::Inline => times(items as f64, child),
                MapRun::Children { express: false } => {
                    times(child_executions(m, items) as f64, child)
                }
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
            Some(max) if *max >= MAX_EXECUTION_SECONDS => blockers.push(
                "the longest path can take the year an execution may run, over Express's 5 minutes"
                    .to_string(),
            ),
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
        // A weight that overflows to infinity from finite parts is a huge
        // count, not a loop: it stops at OVERFLOW.
        let weigh = |s: StateId, worst: bool| {
            let children = children_of(s);
            let w = weight(s, &children, worst);
            if w.is_infinite() && children.iter().all(|c| pick(c, worst).is_finite()) {
                OVERFLOW
            } else {
                w
            }
        };
        let wmin = sg.weights(|s| weigh(s, false));
        let wmax = sg.weights(|s| weigh(s, true));
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
                        let first: f64 = l.first_round.iter().map(|&s| weigh(s, true)).sum();
                        let all = one_round * l.rounds as f64 + first;
                        if all.is_infinite() && one_round.is_finite() && first.is_finite() {
                            OVERFLOW
                        } else {
                            all
                        }
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
                    transitions: w.is_finite().then(|| Figure::count(w)),
                })
                .collect();
            let most = |t: &TopState| t.transitions.map_or(f64::INFINITY, |f| f.value);
            states.sort_by(|a, b| most(b).total_cmp(&most(a)).then(a.state.cmp(&b.state)));
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

    /// Below 2^53 a count is exact; above, a lower bound in three digits,
    /// below the value and within a percent of it; overflow is the largest.
    #[test]
    fn figures_past_exact_are_lower_bounds() {
        assert_eq!(
            Figure::count(9_007_199_254_740_991.0),
            Figure {
                value: 9_007_199_254_740_991.0,
                more_than: false
            }
        );
        let big = Figure::count(2.000_000_200_000_02e21);
        assert!(big.more_than);
        assert_eq!(big.value, 1.99e21);
        assert_eq!(big.to_string(), "more than 1.99e21");
        assert_eq!(
            Figure::count(1e16).to_string(),
            "more than 9990000000000000"
        );
        assert_eq!(lower_bound(f64::INFINITY), 1.79e308);
        for x in [1234.5, 9.99e20, 1e300, 123_456_789.0] {
            let b = lower_bound(x);
            assert!(b < x && b > x * 0.99, "{x}: {b}");
        }
        // Dollars from an exact count are cents; from a lower bound, one.
        assert_eq!(Figure::usd(75.004, false).value, 75.0);
        assert!(Figure::usd(75.0, true).more_than);
        assert!(Figure::usd(f64::INFINITY, false).more_than);
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
