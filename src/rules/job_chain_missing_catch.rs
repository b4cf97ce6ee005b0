use petgraph::graph::{DiGraph, NodeIndex};

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{Edge, GraphNode, ScopeGraph};
use crate::loader::tree::Node;
use crate::model::{Machine, MapMode, ResourceKind, State, StateId, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "job-chain-missing-catch",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a link in a chain of long-running jobs has no Catch, so one failure stops the rest",
    doc: include_str!("../../rules/job-chain-missing-catch.md"),
    default_enabled: true,
    check: Some(check),
};

/// Option `min-chain`: how many long-running jobs make a chain.
pub const MIN_CHAIN: usize = 2;

/// How far the search for the next jobs looks, for the message only.
const NAME_SEARCH_LIMIT: usize = 256;

/// A long-running job: `.sync`, `.sync:2`, `.waitForTaskToken` or an
/// activity (option `long-running`). Lambda request/response calls are not.
fn is_member(state: &State<'_>) -> bool {
    state.ty == StateType::Task && state.resource.as_ref().is_some_and(|r| r.is_long_running())
}

/// Pass, Wait and Choice states between jobs do not break a chain.
fn is_transparent(state: &State<'_>) -> bool {
    matches!(
        state.ty,
        StateType::Pass | StateType::Wait | StateType::Choice
    )
}

fn is_success_edge(edge: Edge) -> bool {
    matches!(edge, Edge::Next | Edge::Default | Edge::Choice(_))
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for sg in &cx.graph.scopes {
        let through = chain_lengths(m, sg);
        for (node, length) in through {
            if length < MIN_CHAIN {
                continue;
            }
            let Some(id) = sg.state(node) else { continue };
            if let Some(d) = diagnose(cx, sg, id) {
                out.push(d);
            }
        }
    }
}

/// For every job in a scope: the length (in jobs) of the longest chain
/// through it, following Next, Default and Choice edges through Pass, Wait
/// and Choice states. A longest-path DP over the SCC condensation: linear,
/// and a cycle with a job in it counts as an endless chain.
fn chain_lengths(m: &Machine<'_>, sg: &ScopeGraph) -> Vec<(NodeIndex, usize)> {
    let relevant = |n: NodeIndex| {
        sg.state(n)
            .is_some_and(|s| is_member(&m.states[s]) || is_transparent(&m.states[s]))
    };
    let mut sub: DiGraph<NodeIndex, ()> = DiGraph::new();
    let mut local = vec![NodeIndex::end(); sg.graph.node_count()];
    for n in sg.graph.node_indices().filter(|&n| relevant(n)) {
        local[n.index()] = sub.add_node(n);
    }
    if sub.node_count() == 0 {
        return Vec::new();
    }
    for e in sg.graph.edge_indices() {
        let (a, b) = sg.graph.edge_endpoints(e).expect("edge exists");
        if is_success_edge(sg.graph[e]) && relevant(a) && relevant(b) {
            sub.add_edge(local[a.index()], local[b.index()], ());
        }
    }
    let weight =
        |n: NodeIndex| usize::from(sg.state(sub[n]).is_some_and(|s| is_member(&m.states[s])));
    // kosaraju_scc returns components in reverse topological order.
    let sccs = petgraph::algo::kosaraju_scc(&sub);
    let mut comp = vec![0usize; sub.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for &n in scc {
            comp[n.index()] = c;
        }
    }
    const ENDLESS: usize = usize::MAX / 4;
    let comp_weight: Vec<usize> = sccs
        .iter()
        .map(|scc| {
            let w: usize = scc.iter().map(|&n| weight(n)).sum();
            let cyclic = scc.len() > 1 || sub.contains_edge(scc[0], scc[0]);
            // A loop through two or more jobs is an endless chain; one job
            // repeated in a loop is not a chain of different jobs.
            if cyclic && w >= 2 { ENDLESS } else { w }
        })
        .collect();
    // Longest chain ending in each component (topological order = reversed list)
    // and starting in each component (reverse topological order = the list).
    let mut ending = comp_weight.clone();
    for c in (0..sccs.len()).rev() {
        for &n in &sccs[c] {
            for succ in sub.neighbors(n) {
                let d = comp[succ.index()];
                if d != c {
                    ending[d] = ending[d].max((ending[c] + comp_weight[d]).min(ENDLESS));
                }
            }
        }
    }
    let mut starting = comp_weight.clone();
    for c in 0..sccs.len() {
        for &n in &sccs[c] {
            for succ in sub.neighbors(n) {
                let d = comp[succ.index()];
                if d != c {
                    starting[c] = starting[c].max((starting[d] + comp_weight[c]).min(ENDLESS));
                }
            }
        }
    }
    sub.node_indices()
        .filter(|&n| weight(n) == 1)
        .map(|n| {
            let c = comp[n.index()];
            let through = (ending[c] + starting[c])
                .saturating_sub(comp_weight[c])
                .min(ENDLESS);
            (sub[n], through)
        })
        .collect()
}

#[derive(PartialEq, Eq)]
enum Coverage {
    /// `States.ALL`, or `States.TaskFailed` with `States.Timeout` (and
    /// `States.HeartbeatTimeout` for callbacks).
    Full,
    /// `States.TaskFailed` without the timeouts.
    TaskFailedOnly,
    None,
}

fn coverage(state: &State<'_>) -> Coverage {
    let errors: Vec<&str> = state
        .catchers
        .iter()
        .flat_map(|c| c.errors.iter().copied())
        .collect();
    let has = |e: &str| errors.contains(&e);
    if has("States.ALL") {
        return Coverage::Full;
    }
    let callback = is_callback(state);
    if has("States.TaskFailed")
        && has("States.Timeout")
        && (!callback || has("States.HeartbeatTimeout"))
    {
        return Coverage::Full;
    }
    if has("States.TaskFailed") {
        return Coverage::TaskFailedOnly;
    }
    Coverage::None
}

fn is_callback(state: &State<'_>) -> bool {
    state.resource.as_ref().is_some_and(|r| {
        r.pattern() == Some(crate::model::Pattern::WaitForTaskToken)
            || matches!(r.kind, ResourceKind::Activity { .. })
    })
}

fn has_field(state: &State<'_>, names: &[&str]) -> bool {
    names.iter().any(|n| state.get(n).is_some())
}

/// Whether an enclosing Parallel or Map catches the failure, and whether a
/// Distributed Map tolerates it.
enum Enclosing {
    Caught,
    Tolerated(String),
    Escapes,
}

fn enclosing(cx: &Context<'_, '_>, state: &State<'_>) -> Enclosing {
    let m = cx.machine;
    let mut scope = state.scope;
    while let Some(parent) = cx.graph.parent_of(scope) {
        let p = &m.states[parent];
        if p.map_mode == Some(MapMode::Distributed)
            && let Some(field) = tolerated_failure(p)
        {
            return Enclosing::Tolerated(format!(
                "Map `{}` tolerates failed items (`{field}`)",
                p.name
            ));
        }
        if coverage(p) == Coverage::Full {
            return Enclosing::Caught;
        }
        scope = p.scope;
    }
    Enclosing::Escapes
}

fn tolerated_failure(map: &State<'_>) -> Option<&'static str> {
    let above_zero = |n: &Node| n.as_number().is_some_and(|v| v.as_f64() > 0.0);
    for field in ["ToleratedFailurePercentage", "ToleratedFailureCount"] {
        if map.get(field).is_some_and(above_zero) {
            return Some(field);
        }
    }
    [
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    ]
    .into_iter()
    .find(|&field| map.get(field).is_some())
}

/// The next jobs after `id` along the chain, for the message.
fn next_jobs<'a>(m: &'a Machine<'_>, sg: &ScopeGraph, graph_node: NodeIndex) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut seen = vec![false; sg.graph.node_count()];
    let mut stack: Vec<NodeIndex> = Vec::new();
    let push_successors = |n: NodeIndex, stack: &mut Vec<NodeIndex>| {
        let mut succ: Vec<(NodeIndex, Edge)> = sg
            .graph
            .edges(n)
            .map(|e| (petgraph::visit::EdgeRef::target(&e), *e.weight()))
            .collect();
        succ.sort_by_key(|(t, _)| std::cmp::Reverse(t.index()));
        stack.extend(
            succ.into_iter()
                .filter(|(_, e)| is_success_edge(*e))
                .map(|(t, _)| t),
        );
    };
    push_successors(graph_node, &mut stack);
    let mut visits = 0;
    while let Some(n) = stack.pop() {
        visits += 1;
        if visits > NAME_SEARCH_LIMIT || std::mem::replace(&mut seen[n.index()], true) {
            continue;
        }
        let GraphNode::State(s) = sg.graph[n] else {
            continue;
        };
        let state = &m.states[s];
        if is_member(state) {
            if n != graph_node && !found.contains(&state.name) {
                found.push(state.name);
            }
        } else if is_transparent(state) {
            push_successors(n, &mut stack);
        }
    }
    found
}

fn diagnose(cx: &Context<'_, '_>, sg: &ScopeGraph, id: StateId) -> Option<Diagnostic> {
    let m = cx.machine;
    let state = &m.states[id];
    let covered = coverage(state);
    if covered == Coverage::Full {
        return None;
    }
    let tolerated = match enclosing(cx, state) {
        Enclosing::Caught => return None,
        Enclosing::Tolerated(why) => Some(why),
        Enclosing::Escapes => None,
    };
    let next = next_jobs(m, sg, cx.graph.node(id));
    let consequence = if next.is_empty() {
        "the execution fails with nothing to notify anyone or clean up".to_string()
    } else {
        let verb = if next.len() == 1 {
            "never runs"
        } else {
            "never run"
        };
        format!(
            "{} {verb}",
            crate::diagnostic::quoted_list(&next[..next.len().min(2)], next.len())
        )
    };
    let timeout_set = has_field(state, &["TimeoutSeconds", "TimeoutSecondsPath"]);
    let heartbeat_set = has_field(state, &["HeartbeatSeconds", "HeartbeatSecondsPath"]);
    let mut d = if covered == Coverage::TaskFailedOnly {
        // `catch-misses-timeout`: only a timeout escapes, and only if one is set.
        if !(timeout_set || heartbeat_set) {
            return None;
        }
        let which = if timeout_set {
            "`States.Timeout`"
        } else {
            "`States.HeartbeatTimeout`"
        };
        let field = if timeout_set {
            "TimeoutSeconds"
        } else {
            "HeartbeatSeconds"
        };
        let catch_ptr = crate::loader::pointer::push(&state.pointer, "Catch");
        Diagnostic::new(
            &RULE,
            catch_ptr,
            format!(
                "`{}` sets `{field}`, but its Catch does not list {which}: if it times out, {consequence}",
                state.name
            ),
        )
        .on_key()
        .label(format!("catches `States.TaskFailed`, which does not match {which}"))
        .help(format!("add {which} to the `ErrorEquals` list, or catch `States.ALL`"))
    } else {
        let retry_note = if state.retriers.is_empty() {
            ""
        } else {
            "; Retry alone is not enough, because the failure still ends the execution once the retries are used up"
        };
        Diagnostic::new(
            &RULE,
            state.pointer.clone(),
            format!(
                "if job `{}` fails, {consequence}: no Catch handles its failure",
                state.name
            ),
        )
        .on_key()
        .label("no Catch")
        .help(format!(
            "add a Catch on `States.ALL` that goes to a notify state ending in a Fail state \
             (the execution stays failed, so it can be redriven from this job), or run independent \
             jobs in a Parallel with a Catch{retry_note}"
        ))
    };
    if let Some(why) = tolerated {
        d = d.severity(Severity::Info).help(format!(
            "{why}, so a failure here only fails this item; add a Catch to record it"
        ));
    }
    Some(d)
}
