//! Proving that a counter bounds a loop, for the cost estimate.
//!
//! The estimate must never under-count, so a loop gets a number only when
//! everything that decides how often it runs is written in the definition:
//!
//! - a Choice on every cycle of the loop, where staying in the loop implies a
//!   numeric comparison of one field (or variable) with a literal;
//! - one state on every cycle that adds a literal step to exactly that field
//!   (`States.MathAdd(<field>, <step>)`), and no other state in the loop that
//!   writes or drops it;
//! - a literal start value set on every path into the loop.
//!
//! Then the number of rounds follows from the start, the step's sign and
//! size, the comparison's direction and strictness, and where the check sits
//! relative to the step. Anything else is unproven, and the loop stays
//! unbounded. The lint (`unbounded-polling-loop`) uses a looser notion.

use crate::graph::{Edge, MachineGraph};
use crate::loader::tree::Node;
use crate::model::{Machine, QueryLanguage, StateId, StateType};

/// A field a counter lives in: a plain JSONPath into the state data, or a
/// workflow variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field<'a> {
    Path(Vec<&'a str>),
    Variable(&'a str),
}

/// `$.a.b` (identifier segments only) or `$name`; anything else (filters,
/// brackets, the context object) is not a field this proof follows.
pub fn parse_field(text: &str) -> Option<Field<'_>> {
    let text = text.trim();
    let rest = text.strip_prefix('$')?;
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    if rest.is_empty() {
        return Some(Field::Path(Vec::new()));
    }
    if let Some(path) = rest.strip_prefix('.') {
        let segments: Vec<&str> = path.split('.').collect();
        return segments
            .iter()
            .all(|s| ident(s))
            .then_some(Field::Path(segments));
    }
    ident(rest).then_some(Field::Variable(rest))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn negate(self) -> Op {
        match self {
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
        }
    }
}

/// `field op limit`.
#[derive(Clone, Debug)]
struct Comparison<'a> {
    field: Field<'a>,
    op: Op,
    limit: f64,
}

/// A literal numeric comparison of a Choice rule (not its `...Path` forms,
/// whose limit is not written in the definition).
fn comparison(rule: &Node) -> Option<Comparison<'_>> {
    let field = parse_field(rule.get("Variable")?.as_str()?)?;
    let ops = [
        ("NumericLessThan", Op::Lt),
        ("NumericLessThanEquals", Op::Le),
        ("NumericGreaterThan", Op::Gt),
        ("NumericGreaterThanEquals", Op::Ge),
    ];
    ops.iter().find_map(|&(key, op)| {
        let limit = rule.get(key)?.as_number()?.as_f64();
        limit.is_finite().then(|| Comparison {
            field: field.clone(),
            op,
            limit,
        })
    })
}

/// Comparisons that must hold when `rule` evaluates to `truth`.
fn implied<'a>(rule: &'a Node, truth: bool, out: &mut Vec<Comparison<'a>>) {
    // Choice rules nest (And/Or/Not); walk them with an explicit stack so a
    // deeply nested rule cannot exhaust the call stack.
    let mut stack: Vec<(&'a Node, bool)> = vec![(rule, truth)];
    while let Some((r, t)) = stack.pop() {
        if let Some(c) = comparison(r) {
            out.push(if t {
                c
            } else {
                Comparison {
                    op: c.op.negate(),
                    ..c
                }
            });
        } else if let Some(inner) = r.get("Not") {
            stack.push((inner, !t));
        } else if let (true, Some(all)) = (t, r.get("And").and_then(Node::as_array)) {
            stack.extend(all.iter().map(|x| (x, true)));
        } else if let (false, Some(any)) = (t, r.get("Or").and_then(Node::as_array)) {
            stack.extend(any.iter().map(|x| (x, false)));
        }
    }
}

/// A proven bound: how often the Choice lets the loop go round, and the
/// states the first, partial round can pass before the Choice first runs.
#[derive(Debug, Clone)]
pub struct Proof {
    pub choice: StateId,
    /// Times the Choice sends the execution round the loop again.
    pub rounds: u64,
    /// States (the Choice included) entered before the first check.
    pub first_round: Vec<StateId>,
}

/// Rounds of `v0, v0+step, ...` for which `v op limit` holds, counted from
/// the first; `None` when it holds forever.
fn rounds(v0: f64, step: f64, op: Op, limit: f64) -> Option<u64> {
    let holds = |v: f64| match op {
        Op::Lt => v < limit,
        Op::Le => v <= limit,
        Op::Gt => v > limit,
        Op::Ge => v >= limit,
    };
    if !holds(v0) {
        return Some(0);
    }
    let toward = match op {
        Op::Lt | Op::Le => step > 0.0,
        Op::Gt | Op::Ge => step < 0.0,
    };
    if !toward {
        return None;
    }
    let gap = (limit - v0) / step;
    let n = match op {
        Op::Lt | Op::Gt => gap.ceil(),
        Op::Le | Op::Ge => gap.floor() + 1.0,
    };
    // Guard against float edges: the count must hold before and fail after.
    let mut n = n.max(0.0);
    while n > 0.0 && !holds(v0 + (n - 1.0) * step) {
        n -= 1.0;
    }
    while holds(v0 + n * step) {
        n += 1.0;
    }
    (n < 1e15).then_some(n as u64)
}

/// How one state of the loop treats the counter.
enum Effect {
    /// Leaves it as it is.
    Keeps,
    /// Adds this literal step.
    Adds(f64),
    /// Sets, drops or may change it.
    Unknown,
}

/// The effective `ResultPath` of a JSONPath state that produces a result
/// (`None`: the result is discarded).
fn result_path<'t>(m: &Machine<'t>, s: StateId) -> Option<Option<Field<'t>>> {
    let st = &m.states[s];
    match st.get("ResultPath") {
        None => Some(Some(Field::Path(Vec::new()))),
        Some(n) if matches!(n.value, crate::loader::tree::Value::Null) => Some(None),
        Some(n) => Some(Some(parse_field(n.as_str()?)?)),
    }
}

/// `rest` when `prefix` is a prefix of `field` (both paths).
fn strip<'f, 'a>(field: &'f [&'a str], prefix: &[&str]) -> Option<&'f [&'a str]> {
    (field.len() >= prefix.len() && field[..prefix.len()] == *prefix)
        .then(|| &field[prefix.len()..])
}

/// The literal integer step of `States.MathAdd(<field>, <step>)` (either
/// argument order), when `field` is the first other argument.
fn math_add_step(text: &str, field: &Field<'_>) -> Option<f64> {
    let inner = text
        .trim()
        .strip_prefix("States.MathAdd(")?
        .strip_suffix(')')?;
    let (a, b) = inner.split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    let step = |s: &str| s.parse::<i64>().ok().map(|n| n as f64);
    let is_field = |s: &str| parse_field(s).as_ref() == Some(field);
    if is_field(a) {
        step(b)
    } else if is_field(b) {
        step(a)
    } else {
        None
    }
}

/// The node at `path` inside an object, following keys written with or
/// without `.$`; returns the node and whether its key had `.$`.
fn member_at<'t>(node: &'t Node, path: &[&str]) -> Option<(&'t Node, bool)> {
    let mut at = node;
    let mut dynamic = false;
    for seg in path {
        let obj = at.as_object()?;
        if let Some(n) = obj.get(seg) {
            at = n;
            dynamic = false;
        } else {
            at = obj.get(&format!("{seg}.$"))?;
            dynamic = true;
        }
    }
    Some((at, dynamic))
}

/// Whether any key of `assign` names the variable.
fn assigns<'t>(assign: Option<&'t Node>, name: &str) -> Option<(&'t Node, bool)> {
    let obj = assign?.as_object()?;
    obj.get(name)
        .map(|n| (n, false))
        .or_else(|| obj.get(&format!("{name}.$")).map(|n| (n, true)))
}

/// What a state inside the loop does to the counter, looking at its own
/// fields and at the Catch entries that stay in the loop.
fn effect(m: &Machine<'_>, s: StateId, field: &Field<'_>, stays: &dyn Fn(&str) -> bool) -> Effect {
    let st = &m.states[s];
    match field {
        Field::Variable(name) => {
            let mut changes = None;
            if let Some((node, dynamic)) = assigns(st.get("Assign"), name) {
                changes = Some(match (dynamic, st.query_language) {
                    (true, QueryLanguage::JsonPath) => node
                        .as_str()
                        .and_then(|t| math_add_step(t, field))
                        .map_or(Effect::Unknown, Effect::Adds),
                    _ => Effect::Unknown,
                });
            }
            // Choice rules and Catch entries can assign too.
            for key in ["Choices", "Catch"] {
                for entry in st.get(key).and_then(Node::as_array).unwrap_or(&[]) {
                    if assigns(entry.get("Assign"), name).is_some() {
                        return Effect::Unknown;
                    }
                }
            }
            match changes {
                // An assignment on success alone: a caught failure that stays
                // in the loop skips it.
                Some(Effect::Adds(_)) if catches_into_loop(st, stays) => Effect::Unknown,
                Some(e) => e,
                None => Effect::Keeps,
            }
        }
        Field::Path(path) => {
            if st.query_language == QueryLanguage::Jsonata {
                // A JSONata state's output is its `Output` (or its result):
                // only a Choice or Wait without `Output` passes data through.
                let passes = matches!(st.ty, StateType::Choice | StateType::Wait)
                    && st.get("Output").is_none();
                return if passes {
                    Effect::Keeps
                } else {
                    Effect::Unknown
                };
            }
            let whole = |f: &str| st.get(f).is_some_and(|n| n.as_str() != Some("$"));
            if whole("OutputPath") {
                return Effect::Unknown;
            }
            // Caught errors that stay in the loop replace data at their
            // ResultPath (default `$`).
            for c in st.get("Catch").and_then(Node::as_array).unwrap_or(&[]) {
                if c.get("Next").and_then(Node::as_str).is_some_and(stays) {
                    let rp = match c.get("ResultPath") {
                        None => Some(Field::Path(Vec::new())),
                        Some(n) if matches!(n.value, crate::loader::tree::Value::Null) => None,
                        Some(n) => match n.as_str().and_then(parse_field) {
                            Some(f) => Some(f),
                            None => return Effect::Unknown,
                        },
                    };
                    if let Some(Field::Path(p)) = rp
                        && (strip(path, &p).is_some() || strip(&p, path).is_some())
                    {
                        return Effect::Unknown;
                    }
                }
            }
            match st.ty {
                StateType::Choice | StateType::Wait | StateType::Succeed | StateType::Fail => {
                    if whole("InputPath") {
                        Effect::Unknown
                    } else {
                        Effect::Keeps
                    }
                }
                StateType::Unknown => Effect::Unknown,
                StateType::Pass | StateType::Task | StateType::Map | StateType::Parallel => {
                    let Some(rp) = result_path(m, s) else {
                        return Effect::Unknown;
                    };
                    let Some(Field::Path(rp)) = rp else {
                        return Effect::Keeps;
                    };
                    let Some(rest) = strip(path, &rp) else {
                        // The result goes below the counter's field (it
                        // replaces it) or beside it (it keeps it).
                        return if strip(&rp, path).is_some() {
                            Effect::Unknown
                        } else {
                            Effect::Keeps
                        };
                    };
                    if st.ty != StateType::Pass {
                        return Effect::Unknown;
                    }
                    // A Pass whose result lands over the counter: the
                    // result must hold the counter, written as a step.
                    let input_is_whole = !whole("InputPath");
                    match (st.get("Parameters"), st.get("Result")) {
                        (Some(params), None) if input_is_whole => match member_at(params, rest) {
                            Some((n, true)) => n
                                .as_str()
                                .and_then(|t| math_add_step(t, field))
                                .map_or(Effect::Unknown, Effect::Adds),
                            _ => Effect::Unknown,
                        },
                        // `Result`/`Parameters`-less identity Pass.
                        (None, None) if input_is_whole && rp.is_empty() => Effect::Keeps,
                        _ => Effect::Unknown,
                    }
                }
            }
        }
    }
}

fn catches_into_loop(st: &crate::model::State<'_>, stays: &dyn Fn(&str) -> bool) -> bool {
    st.catchers.iter().any(|c| c.next.is_some_and(stays))
}

/// The literal value a state outside the loop gives the counter when the
/// execution leaves it along `edge`, or whether it passes the counter on
/// unchanged.
enum Source {
    Sets(f64),
    Passes,
    Unknown,
}

fn source(m: &Machine<'_>, s: StateId, edge: Edge, field: &Field<'_>) -> Source {
    if edge.is_failure() {
        return Source::Unknown;
    }
    let st = &m.states[s];
    match field {
        Field::Variable(name) => {
            // A Choice rule's own Assign runs when that rule is taken.
            if let Edge::Choice(i) = edge
                && let Some(rule) = st
                    .get("Choices")
                    .and_then(Node::as_array)
                    .and_then(|a| a.get(i))
                && let Some((n, dynamic)) = assigns(rule.get("Assign"), name)
            {
                return literal(n, dynamic);
            }
            match assigns(st.get("Assign"), name) {
                Some((n, dynamic)) => literal(n, dynamic),
                None => Source::Passes,
            }
        }
        Field::Path(path) => {
            let stays_in = |_: &str| false;
            match effect(m, s, field, &stays_in) {
                Effect::Keeps => return Source::Passes,
                Effect::Adds(_) => return Source::Unknown,
                Effect::Unknown => {}
            }
            if st.ty != StateType::Pass || st.query_language == QueryLanguage::Jsonata {
                return Source::Unknown;
            }
            let Some(Some(Field::Path(rp))) = result_path(m, s) else {
                return Source::Unknown;
            };
            let Some(rest) = strip(path, &rp) else {
                return Source::Unknown;
            };
            match (st.get("Result"), st.get("Parameters")) {
                (Some(result), None) => {
                    member_at(result, rest).map_or(Source::Unknown, |(n, _)| literal(n, false))
                }
                (None, Some(params)) => member_at(params, rest)
                    .map_or(Source::Unknown, |(n, dynamic)| literal(n, dynamic)),
                _ => Source::Unknown,
            }
        }
    }
}

fn literal(n: &Node, dynamic: bool) -> Source {
    match (dynamic, n.as_number()) {
        (false, Some(crate::loader::tree::Number::Int(i))) => Source::Sets(i as f64),
        _ => Source::Unknown,
    }
}

/// Start values of the counter on every path into the loop, walking back
/// through states that pass it on; `None` when one path gives no literal.
fn start_values(
    m: &Machine<'_>,
    g: &MachineGraph,
    members: &[StateId],
    field: &Field<'_>,
) -> Option<Vec<f64>> {
    /// How far back to look for the initialising state: a bounded walk.
    const LOOK_BACK: usize = 32;
    let scope = m.states[*members.first()?].scope;
    let start = m.scopes[scope]
        .start_at
        .as_ref()
        .and_then(|t| m.scopes[scope].state_named(t.target));
    let inside = |s: StateId| members.binary_search(&s).is_ok();
    if members.iter().any(|&s| Some(s) == start) {
        // The loop is entered at the scope's start: the counter comes from
        // the execution input.
        return None;
    }
    let mut work: Vec<(StateId, Edge)> = members
        .iter()
        .flat_map(|&s| g.predecessors(s))
        .filter(|&(p, _)| !inside(p))
        .collect();
    let mut values = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((p, e)) = work.pop() {
        match source(m, p, e, field) {
            Source::Sets(v) => values.push(v),
            Source::Unknown => return None,
            Source::Passes => {
                if Some(p) == start || inside(p) {
                    return None;
                }
                if seen.insert(p) {
                    if seen.len() > LOOK_BACK {
                        return None;
                    }
                    work.extend(g.predecessors(p));
                }
            }
        }
    }
    (!values.is_empty()).then_some(values)
}

/// What one counter field gives the loop, worked out once per field (not
/// once per Choice that compares it): the state that steps it, the step,
/// its start values, the states the first round can pass before the step
/// runs, and an order of the loop's states with the step's state cut out.
struct Counter {
    increment: StateId,
    step: f64,
    starts: Vec<f64>,
    /// The states reached from the loop's entries before the step runs.
    before_step: Vec<StateId>,
    /// Whether an entry is the stepping state itself.
    enters_at_step: bool,
    /// Topological position of each member (by index) in the loop without
    /// the stepping state, and the greatest entry's.
    position: Vec<usize>,
    last_entry: Option<usize>,
}

#[cfg(test)]
thread_local! {
    /// Loop states examined by [`prove`] (a work counter for tests).
    static STATES_EXAMINED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn examined(n: usize) {
    #[cfg(test)]
    STATES_EXAMINED.with(|c| c.set(c.get() + n));
    let _ = n;
}

/// The fields some state of the loop adds a literal to with
/// `States.MathAdd` (in its `Assign` or `Parameters`): only these can be
/// proven counters, so the others are not followed round the loop.
fn stepped_fields<'t>(
    m: &Machine<'t>,
    members: &[StateId],
) -> std::collections::HashSet<Field<'t>> {
    let mut out = std::collections::HashSet::new();
    let mut note = |n: &'t Node| {
        if let Some(inner) = n
            .as_str()
            .map(str::trim)
            .and_then(|t| t.strip_prefix("States.MathAdd("))
            .and_then(|t| t.strip_suffix(')'))
            && let Some((a, b)) = inner.split_once(',')
        {
            out.extend(parse_field(a));
            out.extend(parse_field(b));
        }
    };
    for &s in members {
        let st = &m.states[s];
        if let Some(assign) = st.get("Assign").and_then(Node::as_object) {
            for member in &assign.members {
                note(&member.value);
            }
        }
        if let Some(params) = st.get("Parameters") {
            note(params);
            crate::loader::tree::walk(params, |_, _, n| {
                note(n);
                true
            });
        }
    }
    out
}

/// The counter facts of `field`, or `None` when it is no proven counter:
/// exactly one state on every cycle changes it, by a literal step, and
/// every path into the loop gives it a literal start.
#[allow(clippy::too_many_arguments)]
fn counter<'t>(
    m: &Machine<'t>,
    g: &MachineGraph,
    members: &[StateId],
    entries: &[StateId],
    on_every_cycle: &[bool],
    field: &Field<'t>,
    stays: &dyn Fn(&str) -> bool,
) -> Option<Counter> {
    let index = |s: StateId| members.binary_search(&s).ok();
    let mut step = None;
    for (i, &s) in members.iter().enumerate() {
        examined(1);
        match effect(m, s, field, stays) {
            Effect::Keeps => {}
            Effect::Unknown => return None,
            Effect::Adds(k) => {
                if step.is_some() || !on_every_cycle[i] {
                    return None;
                }
                step = Some((s, k));
            }
        }
    }
    let (increment, k) = step?;
    let starts = start_values(m, g, members, field)?;
    examined(members.len());
    let before_step = g.reach_within(members, entries, increment);
    // The loop without the stepping state is acyclic (it is on every
    // cycle); in any topological order of it, the states an entry can
    // reach the step from without a Choice X are exactly the entries
    // after X (every state comes before or after X on the way round).
    let n = members.len();
    let inc = index(increment)?;
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (i, &s) in members.iter().enumerate() {
        if i == inc {
            continue;
        }
        for (_, t) in g.successors(s) {
            if let crate::graph::Target::State(t) = t
                && let Some(j) = index(t)
                && j != inc
            {
                succ[i].push(j);
                indegree[j] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| i != inc && indegree[i] == 0).collect();
    let mut at = 0;
    while at < order.len() {
        let u = order[at];
        at += 1;
        for &w in &succ[u] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                order.push(w);
            }
        }
    }
    let mut position = vec![usize::MAX; n];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let enters_at_step = entries.contains(&increment);
    let last_entry = entries
        .iter()
        .filter_map(|&e| index(e))
        .filter(|&i| i != inc)
        .map(|i| position[i])
        .max();
    Some(Counter {
        increment,
        step: k,
        starts,
        before_step,
        enters_at_step,
        position,
        last_entry,
    })
}

/// Proves a bound for one loop (the states of a cycle, sorted), or `None`.
///
/// Near-linear in the loop's size: which states lie on every cycle is
/// found once for all ([`MachineGraph::on_every_cycle`]), and each counter
/// field is followed round the loop once, however many Choices compare it.
pub fn prove(m: &Machine<'_>, g: &MachineGraph, members: &[StateId]) -> Option<Proof> {
    let inside = |s: StateId| members.binary_search(&s).is_ok();
    let scope = m.states[*members.first()?].scope;
    let stays = |name: &str| m.scopes[scope].state_named(name).is_some_and(inside);
    let entries: Vec<StateId> = members
        .iter()
        .copied()
        .filter(|&s| g.predecessors(s).iter().any(|&(p, _)| !inside(p)))
        .collect();
    examined(members.len());
    let on_every_cycle = g.on_every_cycle(members);
    let stepped = stepped_fields(m, members);
    let mut counters: std::collections::HashMap<Field<'_>, Option<Counter>> =
        std::collections::HashMap::new();
    let mut best: Option<(StateId, u64)> = None;
    for (ci, &choice) in members.iter().enumerate() {
        let c = &m.states[choice];
        if c.ty != StateType::Choice
            || c.query_language != QueryLanguage::JsonPath
            || !on_every_cycle[ci]
        {
            continue;
        }
        let Some(rules) = c.get("Choices").and_then(Node::as_array) else {
            continue;
        };
        // For each way of staying in the loop, what it implies.
        let mut routes: Vec<Vec<Comparison<'_>>> = Vec::new();
        let mut earlier_false: Vec<Comparison<'_>> = Vec::new();
        for rule in rules {
            let next = rule.get("Next").and_then(Node::as_str);
            if next.is_some_and(stays) {
                let mut facts = earlier_false.clone();
                implied(rule, true, &mut facts);
                routes.push(facts);
            }
            implied(rule, false, &mut earlier_false);
        }
        if c.get("Default").and_then(Node::as_str).is_some_and(stays) {
            routes.push(earlier_false.clone());
        }
        if routes.is_empty() {
            continue;
        }
        let mut fields: Vec<Field<'_>> = Vec::new();
        for f in routes.iter().flatten().map(|c| &c.field) {
            if !fields.contains(f) {
                fields.push(f.clone());
            }
        }
        'field: for field in fields {
            if !stepped.contains(&field) {
                continue;
            }
            let facts = counters.entry(field.clone()).or_insert_with(|| {
                counter(m, g, members, &entries, &on_every_cycle, &field, &stays)
            });
            let Some(counter) = facts.as_ref() else {
                continue;
            };
            let (increment, k) = (counter.increment, counter.step);
            // Whether the first check can come after the step, before it,
            // or both, depending on where the execution enters.
            // (The step's state is reached first from any entry when it is
            // the Choice itself: the loop is strongly connected.)
            let step_first = if choice == increment {
                !entries.is_empty()
            } else {
                counter.enters_at_step
                    || counter.last_entry.is_some_and(|p| p > counter.position[ci])
            };
            let check_first = counter.before_step.binary_search(&choice).is_ok();
            let mut worst = 0u64;
            for &v0 in &counter.starts {
                let mut firsts = Vec::new();
                if check_first {
                    firsts.push(v0);
                }
                if step_first {
                    firsts.push(v0 + k);
                }
                for first in firsts {
                    let mut route_max = 0u64;
                    for facts in &routes {
                        let r = facts
                            .iter()
                            .filter(|f| f.field == field)
                            .filter_map(|f| rounds(first, k, f.op, f.limit))
                            .min();
                        let Some(r) = r else {
                            continue 'field;
                        };
                        route_max = route_max.max(r);
                    }
                    worst = worst.max(route_max);
                }
            }
            if best.is_none_or(|(_, rounds)| worst < rounds) {
                best = Some((choice, worst));
            }
        }
    }
    let (choice, rounds) = best?;
    examined(members.len());
    Some(Proof {
        choice,
        rounds,
        first_round: g.reach_within(members, &entries, choice),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_follow_direction_and_strictness() {
        assert_eq!(rounds(0.0, 1.0, Op::Lt, 10.0), Some(10));
        assert_eq!(rounds(0.0, 1.0, Op::Le, 3.0), Some(4));
        assert_eq!(rounds(0.0, 2.0, Op::Lt, 5.0), Some(3));
        assert_eq!(rounds(5.0, -1.0, Op::Gt, 0.0), Some(5));
        assert_eq!(rounds(5.0, -1.0, Op::Ge, 0.0), Some(6));
        assert_eq!(rounds(0.0, -1.0, Op::Lt, 3.0), None);
        assert_eq!(rounds(0.0, 0.0, Op::Lt, 3.0), None);
        assert_eq!(rounds(7.0, 1.0, Op::Lt, 3.0), Some(0));
    }

    /// `n` Choices in one cycle, each staying in it while `$.n < 10`, and a
    /// Pass that adds one: every Choice is a candidate bound.
    fn choices_in_a_cycle(n: usize) -> String {
        let mut states = vec![
            r#""Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.n", "Next": "C0"}"#
                .to_string(),
        ];
        for i in 0..n {
            let next = if i + 1 < n {
                format!("C{}", i + 1)
            } else {
                "Inc".into()
            };
            states.push(format!(
                r#""C{i}": {{"Type": "Choice", "Default": "Done", "Choices": [{{"Variable": "$.n", "NumericLessThan": 10, "Next": "{next}"}}]}}"#
            ));
        }
        states.push(
            r#""Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "C0"}"#
                .into(),
        );
        states.push(r#""Done": {"Type": "Succeed"}"#.into());
        format!(
            r#"{{"StartAt": "Init", "States": {{{}}}}}"#,
            states.join(",")
        )
    }

    #[test]
    fn a_cycle_of_many_choices_is_proven_in_linear_work() {
        let n = 400;
        let parsed = crate::loader::json::parse(&choices_in_a_cycle(n), 0).unwrap();
        let m = Machine::build(&parsed.root);
        let g = MachineGraph::build(&m);
        let loops = g.loops(0);
        assert_eq!(loops.len(), 1);
        STATES_EXAMINED.with(|c| c.set(0));
        let proof = prove(&m, &g, &loops[0]).expect("a bound");
        let work = STATES_EXAMINED.with(|c| c.get());
        // Ten rounds, whichever Choice bounds it: the first in source order.
        assert_eq!(proof.rounds, 10);
        assert_eq!(m.states[proof.choice].name, "C0");
        // Checking the cycle (or the counter) once per Choice: ~n * n.
        assert!(
            work <= 8 * (n + 2),
            "{work} states examined for a loop of {}",
            n + 1
        );
    }

    #[test]
    fn fields() {
        assert_eq!(parse_field("$.a.b"), Some(Field::Path(vec!["a", "b"])));
        assert_eq!(parse_field("$count"), Some(Field::Variable("count")));
        assert_eq!(parse_field("$[0]"), None);
        assert_eq!(parse_field("$$.Map.Item"), None);
        assert_eq!(
            math_add_step("States.MathAdd($.n, -1)", &Field::Path(vec!["n"])),
            Some(-1.0)
        );
        assert_eq!(
            math_add_step("States.MathAdd($.discount, 1)", &Field::Path(vec!["count"])),
            None
        );
    }
}
