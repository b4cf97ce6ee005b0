//! The state graph: one petgraph graph per scope (the top level, each
//! Parallel branch, each Map processor), and the analyses path rules share.
//!
//! # Semantics (`docs/reference.md`, section 8; every path rule relies on them)
//!
//! - Each scope has two virtual nodes: a success exit and a failure exit.
//! - Edges: `Next`, `Default`, each Choice rule's `Next`, each Catch's `Next`,
//!   `Terminal` (an `End: true` state or Succeed to the success exit, Fail to
//!   the failure exit), and `ImplicitFailure` (to the failure exit).
//! - Task, Parallel and Map states get an implicit failure edge unless a Catch
//!   covers `States.ALL`. A Choice gets one only without a `Default`
//!   (`States.NoChoiceMatched`). Wait, Pass, Succeed and Fail get none.
//!   `States.Runtime` and `States.DataLimitExceeded`, which no Catch can
//!   handle, are not modelled: they would make every machine "leak".
//! - A nested scope's failure exit continues at its Parallel or Map state's
//!   failure handling; [`MachineGraph::parent_of`] links them.
//! - Targets that do not exist in the scope get no edge (a rule reports them).
//!
//! # Algorithms
//!
//! Every analysis is near-linear in states plus edges and uses explicit stacks,
//! never recursion per state: reachability is a BFS, dominators are an
//! iterative Lengauer–Tarjan ([`dominators`]), and SCCs use petgraph's
//! iterative `kosaraju_scc` (its `tarjan_scc` recurses and overflows the
//! stack on a 50,000-state chain). No analysis enumerates paths.

pub mod dominators;
mod queries;
pub mod weighted;
pub mod witness;

pub use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Machine, ScopeId, StateId, StateType, TransitionKind};
pub use dominators::Dominators;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphNode {
    State(StateId),
    SuccessExit,
    FailureExit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    Next,
    Default,
    Choice(usize),
    Catch(usize),
    /// `End: true`, Succeed or Fail to the matching exit.
    Terminal,
    /// An uncaught error to the scope's failure exit.
    ImplicitFailure,
}

impl Edge {
    /// Whether this edge is only taken when something fails.
    pub fn is_failure(self) -> bool {
        matches!(self, Edge::Catch(_) | Edge::ImplicitFailure)
    }

    /// A transition taken when the state succeeds: `Next`, `Default` or a
    /// Choice rule.
    pub fn is_success(self) -> bool {
        matches!(self, Edge::Next | Edge::Default | Edge::Choice(_))
    }
}

/// A path weight standing for "unbounded" (a cycle through weighted nodes).
pub const ENDLESS: usize = usize::MAX / 4;

/// Node 0 of every scope graph.
/// Whether a strongly connected component is a cycle: several nodes, or
/// one node with an edge to itself.
pub fn is_cycle<N, E>(graph: &DiGraph<N, E, u32>, scc: &[NodeIndex]) -> bool {
    scc.len() > 1 || graph.contains_edge(scc[0], scc[0])
}

/// For each node, the index of its component in `sccs`.
pub fn component_of(sccs: &[Vec<NodeIndex>], node_count: usize) -> Vec<usize> {
    let mut comp = vec![usize::MAX; node_count];
    for (c, scc) in sccs.iter().enumerate() {
        for &v in scc {
            comp[v.index()] = c;
        }
    }
    comp
}

pub fn success_exit() -> NodeIndex {
    NodeIndex::new(0)
}

/// Node 1 of every scope graph.
pub fn failure_exit() -> NodeIndex {
    NodeIndex::new(1)
}

/// The graph of one scope. Node 0 is the success exit, node 1 the failure
/// exit, and the scope's states follow in source order.
#[derive(Debug)]
pub struct ScopeGraph {
    pub scope: ScopeId,
    pub(crate) graph: DiGraph<GraphNode, Edge, u32>,
    /// The `StartAt` state, when it exists.
    pub(crate) start: Option<NodeIndex>,
    /// [`ScopeGraph::sccs`], computed once for the rules that ask.
    sccs: std::sync::OnceLock<Vec<Vec<NodeIndex>>>,
    /// [`ScopeGraph::dominators`], computed once for the rules that ask.
    dominators: std::sync::OnceLock<Option<Dominators>>,
}

impl ScopeGraph {
    pub fn state(&self, node: NodeIndex) -> Option<StateId> {
        match self.graph[node] {
            GraphNode::State(id) => Some(id),
            _ => None,
        }
    }

    fn successor_lists(&self, direction: Direction) -> Vec<Vec<u32>> {
        let mut lists = vec![Vec::new(); self.graph.node_count()];
        for edge in self.graph.edge_references() {
            let (from, to) = match direction {
                Direction::Outgoing => (edge.source(), edge.target()),
                Direction::Incoming => (edge.target(), edge.source()),
            };
            lists[from.index()].push(to.index() as u32);
        }
        lists
    }

    /// Nodes reachable from `from` (following edges in `direction`), never
    /// entering a node for which `blocked` is true. Start nodes are included
    /// even when blocked.
    pub fn reachable(
        &self,
        from: &[NodeIndex],
        direction: Direction,
        blocked: impl Fn(NodeIndex) -> bool,
    ) -> Vec<bool> {
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue: Vec<NodeIndex> = Vec::with_capacity(from.len());
        for &n in from {
            if !seen[n.index()] {
                seen[n.index()] = true;
                queue.push(n);
            }
        }
        while let Some(n) = queue.pop() {
            for next in self.graph.neighbors_directed(n, direction) {
                if !seen[next.index()] && !blocked(next) {
                    seen[next.index()] = true;
                    queue.push(next);
                }
            }
        }
        seen
    }

    /// Nodes reachable from `StartAt`; all false when it does not resolve.
    pub fn reachable_from_start(&self) -> Vec<bool> {
        match self.start {
            Some(start) => self.reachable(&[start], Direction::Outgoing, |_| false),
            None => vec![false; self.graph.node_count()],
        }
    }

    /// Nodes from which an exit (success or failure) can be reached.
    /// A reachable state without this is stuck in a trap cycle.
    pub fn reaches_exit(&self) -> Vec<bool> {
        self.reachable(
            &[success_exit(), failure_exit()],
            Direction::Incoming,
            |_| false,
        )
    }

    /// Dominators from `StartAt`, or `None` when it does not resolve.
    pub fn dominators(&self) -> Option<Dominators> {
        let start = self.start?;
        Some(Dominators::compute(
            &self.successor_lists(Direction::Outgoing),
            start.index(),
        ))
    }

    /// Post-dominators: dominators of the reversed graph from a virtual root
    /// joined to both exits. The virtual root has index `node_count()`.
    /// States with no path to an exit (trap cycles) are unreachable in it, so
    /// they have no post-dominator.
    pub fn post_dominators(&self) -> Dominators {
        let mut lists = self.successor_lists(Direction::Incoming);
        lists.push(vec![
            success_exit().index() as u32,
            failure_exit().index() as u32,
        ]);
        let root = lists.len() - 1;
        Dominators::compute(&lists, root)
    }

    /// Strongly connected components in reverse topological order (sinks
    /// first), each sorted by node index: the order a dynamic program over
    /// the condensation needs.
    pub fn sccs_postorder(&self) -> Vec<Vec<NodeIndex>> {
        let mut sccs = petgraph::algo::kosaraju_scc(&self.graph);
        for scc in &mut sccs {
            scc.sort();
        }
        sccs
    }

    /// Strongly connected components, each sorted by node index, in a
    /// deterministic order. Computed on first use: several rules ask.
    pub fn sccs(&self) -> &[Vec<NodeIndex>] {
        self.sccs.get_or_init(|| {
            let mut sccs = self.sccs_postorder();
            sccs.sort();
            sccs
        })
    }

    /// For each node in the subgraph of nodes where `include` holds and edges
    /// where `follow` holds: the largest total `weight` of a path through it.
    /// A cycle whose nodes weigh 2 or more in total makes every path through
    /// it [`ENDLESS`]. `None` for nodes outside the subgraph.
    ///
    /// A longest-path DP over the SCC condensation: linear in the subgraph.
    pub fn heaviest_paths(
        &self,
        include: impl Fn(NodeIndex) -> bool,
        follow: impl Fn(Edge) -> bool,
        weight: impl Fn(NodeIndex) -> usize,
    ) -> Vec<Option<usize>> {
        let n = self.graph.node_count();
        let mut sub: DiGraph<NodeIndex, ()> = DiGraph::new();
        let mut local = vec![NodeIndex::end(); n];
        for node in self.graph.node_indices().filter(|&v| include(v)) {
            local[node.index()] = sub.add_node(node);
        }
        for e in self.graph.edge_references() {
            let (a, b) = (e.source(), e.target());
            if follow(*e.weight())
                && local[a.index()] != NodeIndex::end()
                && local[b.index()] != NodeIndex::end()
            {
                sub.add_edge(local[a.index()], local[b.index()], ());
            }
        }
        // kosaraju_scc lists components in reverse topological order.
        let sccs = petgraph::algo::kosaraju_scc(&sub);
        let comp = component_of(&sccs, sub.node_count());
        let comp_weight: Vec<usize> = sccs
            .iter()
            .map(|scc| {
                let w: usize = scc.iter().map(|&v| weight(sub[v])).sum();
                if is_cycle(&sub, scc) && w >= 2 {
                    ENDLESS
                } else {
                    w
                }
            })
            .collect();
        let add = |a: usize, b: usize| a.saturating_add(b).min(ENDLESS);
        // Heaviest path ending in each component, in topological order...
        let mut ending = comp_weight.clone();
        for c in (0..sccs.len()).rev() {
            for &v in &sccs[c] {
                for succ in sub.neighbors(v) {
                    let d = comp[succ.index()];
                    if d != c {
                        ending[d] = ending[d].max(add(ending[c], comp_weight[d]));
                    }
                }
            }
        }
        // ...and starting in each, in reverse topological order.
        let mut starting = comp_weight.clone();
        for c in 0..sccs.len() {
            for &v in &sccs[c] {
                for succ in sub.neighbors(v) {
                    let d = comp[succ.index()];
                    if d != c {
                        starting[c] = starting[c].max(add(starting[d], comp_weight[c]));
                    }
                }
            }
        }
        let mut out = vec![None; n];
        for v in sub.node_indices() {
            let c = comp[v.index()];
            out[sub[v].index()] = Some(
                add(ending[c], starting[c])
                    .saturating_sub(comp_weight[c])
                    .max(comp_weight[c]),
            );
        }
        out
    }

    /// The first nodes matching `found` after `from`, following edges where
    /// `follow` holds and passing only through nodes where `through` holds.
    /// At most `limit` nodes are visited: this answers "what comes next" for
    /// messages, not a path question.
    pub fn next_matching(
        &self,
        from: NodeIndex,
        follow: impl Fn(Edge) -> bool,
        through: impl Fn(NodeIndex) -> bool,
        found: impl Fn(NodeIndex) -> bool,
        limit: usize,
    ) -> Vec<NodeIndex> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue = std::collections::VecDeque::new();
        let successors = |v: NodeIndex| {
            let mut next: Vec<NodeIndex> = self
                .graph
                .edges(v)
                .filter(|e| follow(*e.weight()))
                .map(|e| e.target())
                .collect();
            next.sort();
            next
        };
        queue.extend(successors(from));
        let mut visits = 0;
        while let Some(v) = queue.pop_front() {
            if std::mem::replace(&mut seen[v.index()], true) || v == from {
                continue;
            }
            visits += 1;
            if visits > limit {
                break;
            }
            if found(v) {
                out.push(v);
            } else if through(v) {
                queue.extend(successors(v));
            }
        }
        out
    }

    /// States on a cycle (an SCC of several nodes, or a self-loop).
    pub fn in_cycle(&self) -> Vec<bool> {
        let mut out = vec![false; self.graph.node_count()];
        for scc in self.sccs() {
            if is_cycle(&self.graph, scc) {
                for n in scc {
                    out[n.index()] = true;
                }
            }
        }
        out
    }
}

/// All scope graphs of one definition.
#[derive(Debug)]
pub struct MachineGraph {
    pub scopes: Vec<ScopeGraph>,
    /// For each state: its node in its scope's graph.
    state_nodes: Vec<NodeIndex>,
    /// For each scope: the Parallel or Map state that owns it.
    parents: Vec<Option<StateId>>,
    /// For each state: its scope.
    state_scopes: Vec<ScopeId>,
}

impl MachineGraph {
    pub fn build(machine: &Machine<'_>) -> MachineGraph {
        let mut state_nodes = vec![NodeIndex::end(); machine.states.len()];
        let mut scopes = Vec::with_capacity(machine.scopes.len());
        for scope in &machine.scopes {
            let mut graph = DiGraph::with_capacity(scope.states.len() + 2, scope.states.len() * 2);
            graph.add_node(GraphNode::SuccessExit);
            graph.add_node(GraphNode::FailureExit);
            for &id in &scope.states {
                state_nodes[id] = graph.add_node(GraphNode::State(id));
            }
            for &id in &scope.states {
                let state = &machine.states[id];
                let from = state_nodes[id];
                for t in &state.transitions {
                    let Some(target) = scope.state_named(t.target) else {
                        continue;
                    };
                    let edge = match t.kind {
                        TransitionKind::Next => Edge::Next,
                        TransitionKind::Default => Edge::Default,
                        TransitionKind::Choice(i) => Edge::Choice(i),
                        TransitionKind::Catch(i) => Edge::Catch(i),
                        TransitionKind::StartAt => continue,
                    };
                    graph.add_edge(from, state_nodes[target], edge);
                }
                match state.ty {
                    StateType::Succeed => {
                        graph.add_edge(from, success_exit(), Edge::Terminal);
                    }
                    StateType::Fail => {
                        graph.add_edge(from, failure_exit(), Edge::Terminal);
                    }
                    _ if state.end => {
                        graph.add_edge(from, success_exit(), Edge::Terminal);
                    }
                    _ => {}
                }
                let implicit_failure = match state.ty {
                    StateType::Task | StateType::Parallel | StateType::Map => !state.catches_all(),
                    StateType::Choice => !state.has_default(),
                    _ => false,
                };
                if implicit_failure {
                    graph.add_edge(from, failure_exit(), Edge::ImplicitFailure);
                }
            }
            let start = scope
                .start_at
                .as_ref()
                .and_then(|t| scope.state_named(t.target))
                .map(|id| state_nodes[id]);
            scopes.push(ScopeGraph {
                scope: scope.id,
                graph,
                start,
                sccs: std::sync::OnceLock::new(),
                dominators: std::sync::OnceLock::new(),
            });
        }
        MachineGraph {
            scopes,
            state_nodes,
            parents: machine.scopes.iter().map(|s| s.parent).collect(),
            state_scopes: machine.states.iter().map(|s| s.scope).collect(),
        }
    }

    /// The node of a state in its scope's graph.
    pub fn node(&self, state: StateId) -> NodeIndex {
        self.state_nodes[state]
    }

    /// The Parallel or Map state whose failure handling a scope's failure exit
    /// continues at; `None` for the root scope.
    pub fn parent_of(&self, scope: ScopeId) -> Option<StateId> {
        self.parents[scope]
    }
}

/// Where an edge of a scope graph leads, in state terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    State(StateId),
    /// The scope's virtual success or failure exit.
    Exit,
}

impl MachineGraph {
    pub(crate) fn scope_graph_of(&self, state: StateId) -> &ScopeGraph {
        &self.scopes[self.state_scopes[state]]
    }

    /// The loops of a scope: each cycle's strongly connected component, as
    /// states in source order, in a deterministic order.
    pub fn loops(&self, scope: ScopeId) -> Vec<Vec<StateId>> {
        let sg = &self.scopes[scope];
        sg.sccs()
            .iter()
            .filter(|scc| is_cycle(&sg.graph, scc))
            .map(|scc| {
                let mut states: Vec<StateId> = scc.iter().filter_map(|&n| sg.state(n)).collect();
                states.sort_unstable();
                states
            })
            .collect()
    }

    /// A state's outgoing edges and where they lead.
    pub fn successors(&self, state: StateId) -> Vec<(Edge, Target)> {
        let sg = self.scope_graph_of(state);
        let mut out: Vec<(Edge, Target)> = sg
            .graph
            .edges(self.node(state))
            .map(|e| {
                let to = sg.state(e.target()).map_or(Target::Exit, Target::State);
                (*e.weight(), to)
            })
            .collect();
        out.sort();
        out
    }

    /// The state `Next` leads to, if it names one in the same scope.
    pub fn next_state(&self, state: StateId) -> Option<StateId> {
        self.successors(state)
            .into_iter()
            .find_map(|(edge, to)| match (edge, to) {
                (Edge::Next, Target::State(s)) => Some(s),
                _ => None,
            })
    }

    /// How many transitions lead into `state` (from states of its scope).
    pub fn ways_in(&self, state: StateId) -> usize {
        let sg = self.scope_graph_of(state);
        sg.graph
            .edges_directed(self.node(state), Direction::Incoming)
            .count()
    }

    /// Whether an error of `state` that no Catch handles fails its scope.
    pub fn fails_uncaught(&self, state: StateId) -> bool {
        let sg = self.scope_graph_of(state);
        sg.graph
            .edges(self.node(state))
            .any(|e| *e.weight() == Edge::ImplicitFailure)
    }

    /// The states with an edge into `state`, with that edge.
    pub fn predecessors(&self, state: StateId) -> Vec<(StateId, Edge)> {
        let sg = self.scope_graph_of(state);
        let mut out: Vec<(StateId, Edge)> = sg
            .graph
            .edges_directed(self.node(state), Direction::Incoming)
            .filter_map(|e| Some((sg.state(e.source())?, *e.weight())))
            .collect();
        out.sort();
        out
    }

    /// Whether the states of `members` (one scope, sorted) minus `removed` form no
    /// cycle among themselves: then every cycle of `members` passes through
    /// `removed`. Kahn's algorithm, linear in the members' edges.
    pub fn acyclic_without(&self, members: &[StateId], removed: StateId) -> bool {
        let inside = |s: StateId| s != removed && members.binary_search(&s).is_ok();
        let index: std::collections::BTreeMap<StateId, usize> = members
            .iter()
            .copied()
            .filter(|&s| inside(s))
            .enumerate()
            .map(|(i, s)| (s, i))
            .collect();
        let mut indegree = vec![0usize; index.len()];
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); index.len()];
        for (&s, &i) in &index {
            for (_, t) in self.successors(s) {
                if let Target::State(t) = t
                    && let Some(&j) = index.get(&t)
                {
                    next[i].push(j);
                    indegree[j] += 1;
                }
            }
        }
        let mut ready: Vec<usize> = (0..index.len()).filter(|&i| indegree[i] == 0).collect();
        let mut done = 0;
        while let Some(i) = ready.pop() {
            done += 1;
            for &j in &next[i] {
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.push(j);
                }
            }
        }
        done == index.len()
    }

    /// For each of `members` (sorted), whether every cycle among them passes
    /// through it: [`MachineGraph::acyclic_without`] for all members at
    /// once, in time linear in the members and their edges.
    pub fn on_every_cycle(&self, members: &[StateId]) -> Vec<bool> {
        let succ: Vec<Vec<usize>> = members
            .iter()
            .map(|&s| {
                self.successors(s)
                    .into_iter()
                    .filter_map(|(_, t)| match t {
                        Target::State(t) => members.binary_search(&t).ok(),
                        Target::Exit => None,
                    })
                    .collect()
            })
            .collect();
        vertices_on_every_cycle(&succ)
    }

    /// The states of `members` (sorted) reachable from `from` along edges between
    /// members, never leaving `stop` (which is included when reached).
    pub fn reach_within(
        &self,
        members: &[StateId],
        from: &[StateId],
        stop: StateId,
    ) -> Vec<StateId> {
        let mut seen: std::collections::BTreeSet<StateId> = from.iter().copied().collect();
        let mut stack: Vec<StateId> = from.to_vec();
        while let Some(s) = stack.pop() {
            if s == stop {
                continue;
            }
            for (_, t) in self.successors(s) {
                if let Target::State(t) = t
                    && members.binary_search(&t).is_ok()
                    && seen.insert(t)
                {
                    stack.push(t);
                }
            }
        }
        seen.into_iter().collect()
    }
}

/// For each vertex of a directed graph (successor lists), whether removing
/// it leaves the graph acyclic (every vertex does when it has no cycle).
///
/// Take one cycle C. A vertex off C is on no cycle-free remainder. If the
/// graph without C has a cycle, no vertex is on every cycle. Otherwise that
/// remainder is a DAG, and every cycle is made of C's edges and "bypasses":
/// paths from a vertex a of C through the DAG (or one edge) to a vertex b
/// of C. Cutting C open at v, a cycle avoiding v exists exactly when some
/// bypass with a, b != v goes backward (or returns to a), that is when v is
/// strictly inside the arc from a forward to b. With C's vertices at
/// positions 0..k, a forward bypass (a < b) covers (a, b); a wrapping one
/// (b <= a) covers (a, k) and [0, b). The union of the first kind needs,
/// per a, the furthest b (a DP over the DAG in topological order); the
/// union of the second is a suffix and a prefix: (min a, k) and [0, max b)
/// over wrapping bypasses, found from the least exit each a reaches and
/// the greatest entry that reaches each b. Linear in vertices and edges.
pub fn vertices_on_every_cycle(succ: &[Vec<usize>]) -> Vec<bool> {
    let n = succ.len();
    let Some(cycle) = find_cycle(succ) else {
        return vec![true; n];
    };
    let k = cycle.len();
    let mut pos = vec![usize::MAX; n];
    for (i, &v) in cycle.iter().enumerate() {
        pos[v] = i;
    }
    let on_c = |v: usize| pos[v] != usize::MAX;
    // The rest, topologically sorted (Kahn); a cycle there avoids all of C.
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (u, next) in succ.iter().enumerate() {
        for &w in next {
            pred[w].push(u);
            if !on_c(u) && !on_c(w) {
                indegree[w] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&v| !on_c(v) && indegree[v] == 0).collect();
    let mut i = 0;
    while i < order.len() {
        let u = order[i];
        i += 1;
        for &w in &succ[u] {
            if !on_c(w) {
                indegree[w] -= 1;
                if indegree[w] == 0 {
                    order.push(w);
                }
            }
        }
    }
    if order.len() + k != n {
        return vec![false; n];
    }
    // Per DAG vertex: the least and greatest position on C it leads to
    // (through the DAG, then one edge), and the greatest it is reached from.
    let (mut min_exit, mut max_exit) = (vec![usize::MAX; n], vec![0usize; n]);
    let mut reaches = vec![false; n];
    for &u in order.iter().rev() {
        for &w in &succ[u] {
            let (lo, hi, any) = if on_c(w) {
                (pos[w], pos[w], true)
            } else {
                (min_exit[w], max_exit[w], reaches[w])
            };
            if any {
                min_exit[u] = min_exit[u].min(lo);
                max_exit[u] = max_exit[u].max(hi);
                reaches[u] = true;
            }
        }
    }
    let mut max_entry: Vec<Option<usize>> = vec![None; n];
    for &u in &order {
        for &p in &pred[u] {
            let from = if on_c(p) { Some(pos[p]) } else { max_entry[p] };
            max_entry[u] = max_entry[u].max(from);
        }
    }
    // Coverage of C's positions: forward bypasses as a difference array,
    // wrapping ones as a suffix after `suffix_from` and a prefix before
    // `prefix_to`.
    let mut diff = vec![0i64; k + 1];
    let mut suffix_from = k;
    let mut prefix_to = 0;
    for &a in &cycle {
        let pa = pos[a];
        let (mut lo, mut hi, mut any) = (usize::MAX, 0usize, false);
        for &w in &succ[a] {
            let (l, h, r) = if on_c(w) {
                (pos[w], pos[w], true)
            } else {
                (min_exit[w], max_exit[w], reaches[w])
            };
            if r {
                lo = lo.min(l);
                hi = hi.max(h);
                any = true;
            }
        }
        if !any {
            continue;
        }
        if hi > pa + 1 {
            diff[pa + 1] += 1;
            diff[hi] -= 1;
        }
        if lo <= pa {
            suffix_from = suffix_from.min(pa);
        }
    }
    for &b in &cycle {
        let pb = pos[b];
        let entry = pred[b]
            .iter()
            .map(|&p| if on_c(p) { Some(pos[p]) } else { max_entry[p] })
            .max()
            .flatten();
        if entry.is_some_and(|pa| pa >= pb) {
            prefix_to = prefix_to.max(pb);
        }
    }
    let mut out = vec![false; n];
    let mut covered = 0i64;
    for (p, &v) in cycle.iter().enumerate() {
        covered += diff[p];
        out[v] = covered == 0 && p >= prefix_to && p <= suffix_from;
    }
    out
}

/// One cycle of the graph, as its vertices in order; `None` when acyclic.
/// An iterative depth-first search: no recursion on the graph's depth.
fn find_cycle(succ: &[Vec<usize>]) -> Option<Vec<usize>> {
    let n = succ.len();
    // 0: unseen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            if let Some(&w) = succ[u].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(v, _)| v == w)?;
                        return Some(stack[from..].iter().map(|&(v, _)| v).collect());
                    }
                    _ => {}
                }
            } else {
                state[u] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// Where a path leaves the whole state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineExit {
    Success,
    Failure,
}

/// One state on a witness path, and the edge taken into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathStep {
    pub state: StateId,
    pub via: Edge,
}

/// A path from just after a state to a machine exit.
#[derive(Clone, Debug)]
pub struct Escape {
    pub steps: Vec<PathStep>,
    /// The edge that left the last state (`Terminal`, `ImplicitFailure`, ...).
    pub last: Edge,
    pub exit: MachineExit,
}

/// Global node numbering across all scope graphs, for machine-wide searches.
struct Flat<'g> {
    graph: &'g MachineGraph,
    offsets: Vec<usize>,
    total: usize,
}

impl<'g> Flat<'g> {
    fn new(graph: &'g MachineGraph) -> Flat<'g> {
        let mut offsets = Vec::with_capacity(graph.scopes.len());
        let mut total = 0;
        for s in &graph.scopes {
            offsets.push(total);
            total += s.graph.node_count();
        }
        Flat {
            graph,
            offsets,
            total,
        }
    }

    fn id(&self, scope: ScopeId, node: NodeIndex) -> usize {
        self.offsets[scope] + node.index()
    }

    fn split(&self, id: usize) -> (ScopeId, NodeIndex) {
        let scope = self.offsets.partition_point(|&o| o <= id) - 1;
        (scope, NodeIndex::new(id - self.offsets[scope]))
    }

    /// The two machine exits come after every scope node.
    fn exit_id(&self, exit: MachineExit) -> usize {
        self.total + exit as usize
    }

    /// Successors of a global node, as `docs/reference.md` (section 8)
    /// documents them: a nested scope's exits continue at its Parallel or Map
    /// state's success or failure edges.
    fn successors(&self, id: usize, out: &mut Vec<(usize, Edge)>) {
        out.clear();
        if id >= self.total {
            return;
        }
        let (scope, node) = self.split(id);
        let sg = &self.graph.scopes[scope];
        let exit = match sg.graph[node] {
            GraphNode::State(_) => {
                for e in sg.graph.edges(node) {
                    out.push((self.id(scope, e.target()), *e.weight()));
                }
                // Success edges first, so that among equally short witness
                // paths the one without a failure is shown.
                out.sort_by_key(|&(id, e)| (e.is_failure(), id));
                return;
            }
            GraphNode::SuccessExit => MachineExit::Success,
            GraphNode::FailureExit => MachineExit::Failure,
        };
        match self.graph.parent_of(scope) {
            None => out.push((self.exit_id(exit), Edge::Terminal)),
            Some(parent) => {
                let parent_scope = self.graph.state_scopes[parent];
                let psg = &self.graph.scopes[parent_scope];
                for e in psg.graph.edges(self.graph.node(parent)) {
                    let failure = e.weight().is_failure();
                    if failure == (exit == MachineExit::Failure) {
                        out.push((self.id(parent_scope, e.target()), *e.weight()));
                    }
                }
            }
        }
    }
}

impl MachineGraph {
    /// Searches the paths that start where `from` succeeds (its `Next`, or
    /// the end of its scope) and end at a machine exit, never entering a
    /// state for which `blocked` is true. Failure edges of later states and
    /// the exits of enclosing branches and processors are followed. Returns
    /// one such path (the shortest), or `None` when every path is blocked.
    ///
    /// One breadth-first search: linear in states plus edges.
    pub fn escape(&self, from: StateId, blocked: &dyn Fn(StateId) -> bool) -> Option<Escape> {
        let flat = Flat::new(self);
        let n = flat.total + 2;
        const UNSEEN: u32 = u32::MAX;
        let mut parent = vec![UNSEEN; n];
        let mut via = vec![Edge::Next; n];
        let start_scope = self.state_scopes[from];
        let start = flat.id(start_scope, self.node(from));
        let mut queue = std::collections::VecDeque::new();
        let mut next = Vec::new();
        let enter = |id: usize,
                     edge: Edge,
                     from_id: usize,
                     parent: &mut Vec<u32>,
                     via: &mut Vec<Edge>|
         -> bool {
            if parent[id] != UNSEEN || id == start {
                return false;
            }
            if id < flat.total
                && let (scope, node) = flat.split(id)
                && let GraphNode::State(state) = self.scopes[scope].graph[node]
                && blocked(state)
            {
                return false;
            }
            parent[id] = from_id as u32;
            via[id] = edge;
            true
        };
        flat.successors(start, &mut next);
        for &(id, edge) in next.iter().filter(|(_, e)| !e.is_failure()) {
            if enter(id, edge, start, &mut parent, &mut via) {
                queue.push_back(id);
            }
        }
        while let Some(id) = queue.pop_front() {
            if id >= flat.total {
                return Some(self.witness(&flat, id, start, &parent, &via));
            }
            flat.successors(id, &mut next);
            for &(succ, edge) in &next {
                if enter(succ, edge, id, &mut parent, &mut via) {
                    queue.push_back(succ);
                }
            }
        }
        None
    }

    /// Whether some path from where `from` succeeds reaches a state for which
    /// `target` is true (crossing scope exits as [`MachineGraph::escape`] does).
    pub fn reaches(&self, from: StateId, target: &dyn Fn(StateId) -> bool) -> bool {
        // Reaching a target is escaping with nothing blocked and the targets as the only exits.
        let flat = Flat::new(self);
        let mut seen = vec![false; flat.total + 2];
        let start = flat.id(self.state_scopes[from], self.node(from));
        let mut stack = Vec::new();
        let mut next = Vec::new();
        flat.successors(start, &mut next);
        stack.extend(
            next.iter()
                .filter(|(_, e)| !e.is_failure())
                .map(|&(id, _)| id),
        );
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id], true) {
                continue;
            }
            if id < flat.total {
                let (scope, node) = flat.split(id);
                if let GraphNode::State(state) = self.scopes[scope].graph[node]
                    && target(state)
                {
                    return true;
                }
            }
            flat.successors(id, &mut next);
            stack.extend(next.iter().map(|&(id, _)| id));
        }
        false
    }

    fn witness(
        &self,
        flat: &Flat<'_>,
        exit_id: usize,
        start: usize,
        parent: &[u32],
        via: &[Edge],
    ) -> Escape {
        let exit = if exit_id == flat.exit_id(MachineExit::Success) {
            MachineExit::Success
        } else {
            MachineExit::Failure
        };
        // Global ids from the first successor of `start` to the exit.
        let mut chain = Vec::new();
        let mut id = exit_id;
        while id != start {
            chain.push(id);
            id = parent[id] as usize;
        }
        chain.reverse();
        let state_of = |id: usize| -> Option<StateId> {
            if id >= flat.total {
                return None;
            }
            let (scope, node) = flat.split(id);
            self.scopes[scope].state(node)
        };
        let steps: Vec<PathStep> = chain
            .iter()
            .filter_map(|&id| {
                state_of(id).map(|state| PathStep {
                    state,
                    via: via[id],
                })
            })
            .collect();
        // How the last state left: the edge into the node after it.
        let last_state_at = chain.iter().rposition(|&id| state_of(id).is_some());
        let last = match last_state_at {
            Some(i) => via[chain[i + 1]],
            None => via[chain[0]],
        };
        Escape { steps, last, exit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the graph without `removed` has a cycle, by Kahn's algorithm.
    fn acyclic_without_brute(succ: &[Vec<usize>], removed: usize) -> bool {
        let n = succ.len();
        let mut indegree = vec![0usize; n];
        for (u, next) in succ.iter().enumerate() {
            for &w in next {
                if u != removed && w != removed {
                    indegree[w] += 1;
                }
            }
        }
        let mut ready: Vec<usize> = (0..n)
            .filter(|&v| v != removed && indegree[v] == 0)
            .collect();
        let mut done = 0;
        while let Some(u) = ready.pop() {
            done += 1;
            for &w in &succ[u] {
                if w != removed {
                    indegree[w] -= 1;
                    if indegree[w] == 0 {
                        ready.push(w);
                    }
                }
            }
        }
        done == n - 1
    }

    #[test]
    fn vertices_on_every_cycle_agree_with_removing_each_one() {
        // A small linear congruential generator: reproducible graphs.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % m
        };
        let mut with_some = 0;
        for round in 0..4000 {
            let n = 1 + next(9);
            // A ring (so that there is a cycle) plus a few random edges,
            // self-loops and chords included; sometimes no ring at all.
            let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
            if round % 7 != 0 {
                for (v, next) in succ.iter_mut().enumerate() {
                    next.push((v + 1) % n);
                }
            }
            for _ in 0..next(4) {
                let (a, b) = (next(n), next(n));
                succ[a].push(b);
            }
            let fast = vertices_on_every_cycle(&succ);
            let brute: Vec<bool> = (0..n).map(|v| acyclic_without_brute(&succ, v)).collect();
            assert_eq!(fast, brute, "{succ:?}");
            with_some += usize::from(brute.iter().any(|&b| b) && !brute.iter().all(|&b| b));
        }
        assert!(
            with_some > 500,
            "{with_some} graphs where some vertices are on every cycle"
        );
    }
    use crate::loader::json;

    fn machine_graph(text: &str) -> (json::Parsed, Vec<(String, ScopeId)>) {
        let parsed = json::parse(text, 0).unwrap();
        let names = {
            let m = Machine::build(&parsed.root);
            m.states
                .iter()
                .map(|s| (s.name.to_string(), s.scope))
                .collect()
        };
        (parsed, names)
    }

    #[test]
    fn edges_follow_the_documented_semantics() {
        let (parsed, _) = machine_graph(
            r#"{"StartAt": "T", "States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "C",
                      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "F"}]},
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "W"}]},
                "W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
                "P": {"Type": "Pass", "End": true},
                "F": {"Type": "Fail"}}}"#,
        );
        let m = Machine::build(&parsed.root);
        let g = MachineGraph::build(&m);
        let sg = &g.scopes[0];
        let edges = |state: StateId| {
            let mut e: Vec<(Edge, GraphNode)> = sg
                .graph
                .edges(g.node(state))
                .map(|e| (*e.weight(), sg.graph[e.target()]))
                .collect();
            e.sort_by_key(|(edge, _)| format!("{edge:?}"));
            e
        };
        // A narrow Catch does not remove the implicit failure edge.
        assert_eq!(
            edges(0),
            [
                (Edge::Catch(0), GraphNode::State(4)),
                (Edge::ImplicitFailure, GraphNode::FailureExit),
                (Edge::Next, GraphNode::State(1))
            ]
        );
        // A Choice without Default can fail with States.NoChoiceMatched.
        assert_eq!(
            edges(1),
            [
                (Edge::Choice(0), GraphNode::State(2)),
                (Edge::ImplicitFailure, GraphNode::FailureExit)
            ]
        );
        assert_eq!(edges(2), [(Edge::Next, GraphNode::State(3))]);
        assert_eq!(edges(3), [(Edge::Terminal, GraphNode::SuccessExit)]);
        assert_eq!(edges(4), [(Edge::Terminal, GraphNode::FailureExit)]);
    }

    #[test]
    fn reachability_dominators_and_cycles() {
        let (parsed, _) = machine_graph(
            r#"{"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "A"}], "Default": "D"},
                "D": {"Type": "Succeed"},
                "X": {"Type": "Pass", "Next": "Y"},
                "Y": {"Type": "Pass", "Next": "X"}}}"#,
        );
        let m = Machine::build(&parsed.root);
        let g = MachineGraph::build(&m);
        let sg = &g.scopes[0];
        let reach = sg.reachable_from_start();
        let names_where = |flags: &[bool]| -> Vec<&str> {
            m.states
                .iter()
                .filter(|s| flags[g.node(s.id).index()])
                .map(|s| s.name)
                .collect()
        };
        assert_eq!(names_where(&reach), ["A", "B", "D"]);
        // The X <-> Y island never reaches an exit.
        assert_eq!(names_where(&sg.reaches_exit()), ["A", "B", "D"]);
        assert_eq!(names_where(&sg.in_cycle()), ["A", "B", "X", "Y"]);
        let dom = sg.dominators().unwrap();
        assert!(dom.dominates(g.node(1).index(), g.node(2).index()));
        let post = sg.post_dominators();
        // B post-dominates A; trap states have no post-dominator.
        assert!(post.dominates(g.node(1).index(), g.node(0).index()));
        assert!(!post.is_reachable(g.node(3).index()));
    }

    #[test]
    fn escape_crosses_scope_exits_and_respects_blocked_states() {
        let (parsed, _) = machine_graph(
            r#"{"StartAt": "Start", "States": {
                "Start": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Work",
                          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}]},
                "Work": {"Type": "Parallel", "Next": "Stop", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
                  "Branches": [{"StartAt": "Inner", "States": {
                    "Inner": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]},
                "Stop": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                         "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]},
                "Oops": {"Type": "Fail"},
                "Done": {"Type": "Succeed"}}}"#,
        );
        let m = Machine::build(&parsed.root);
        let g = MachineGraph::build(&m);
        let id = |name: &str| m.states.iter().find(|s| s.name == name).unwrap().id;
        let stop = id("Stop");
        // From Start's success, the Parallel's Catch leads to Oops without Stop.
        let escape = g
            .escape(id("Start"), &|s| s == stop)
            .expect("leaks through the Catch");
        let names: Vec<&str> = escape
            .steps
            .iter()
            .map(|s| m.states[s.state].name)
            .collect();
        assert_eq!(names, ["Work", "Oops"]);
        assert_eq!(escape.steps[1].via, Edge::Catch(0));
        assert_eq!(escape.exit, MachineExit::Failure);
        // From inside the branch: its end continues at the Parallel's Next.
        let inner = g.escape(id("Inner"), &|_| false).unwrap();
        let names: Vec<&str> = inner.steps.iter().map(|s| m.states[s.state].name).collect();
        assert_eq!(names, ["Stop"]);
        assert_eq!(inner.exit, MachineExit::Success);
        // Blocking both Stop and Oops closes every path from Start.
        let oops = id("Oops");
        assert!(g.escape(id("Start"), &|s| s == stop || s == oops).is_none());
        assert!(g.reaches(id("Inner"), &|s| s == stop));
        assert!(!g.reaches(id("Stop"), &|s| s == oops));
        // The start's own Catch is not followed: if it fails, nothing was
        // created. With `Work` blocked, no path from its success remains.
        let work = id("Work");
        assert!(g.escape(id("Start"), &|s| s == work).is_none());
    }

    #[test]
    fn heaviest_paths_count_weights_and_mark_weighted_loops_endless() {
        // J1 -> P -> J2 -> J3 (a chain of three jobs through a Pass), and
        // J4 <-> J5 (a loop of two jobs), J6 -> J6 (one job in a loop).
        let (parsed, _) = machine_graph(
            r#"{"StartAt": "J1", "States": {
                "J1": {"Type": "Task", "Resource": "x", "Next": "P"},
                "P": {"Type": "Pass", "Next": "J2"},
                "J2": {"Type": "Task", "Resource": "x", "Next": "J3"},
                "J3": {"Type": "Task", "Resource": "x", "End": true},
                "J4": {"Type": "Task", "Resource": "x", "Next": "J5"},
                "J5": {"Type": "Task", "Resource": "x", "Next": "J4"},
                "J6": {"Type": "Task", "Resource": "x", "Next": "J6"}}}"#,
        );
        let m = Machine::build(&parsed.root);
        let g = MachineGraph::build(&m);
        let sg = &g.scopes[0];
        let is_task = |n: NodeIndex| {
            sg.state(n)
                .is_some_and(|s| m.states[s].ty == StateType::Task)
        };
        let paths = sg.heaviest_paths(
            |n| sg.state(n).is_some(),
            |e| e == Edge::Next,
            |n| usize::from(is_task(n)),
        );
        let at = |name: &str| {
            paths[g
                .node(m.states.iter().find(|s| s.name == name).unwrap().id)
                .index()]
        };
        assert_eq!(at("J1"), Some(3));
        assert_eq!(at("P"), Some(3));
        assert_eq!(at("J3"), Some(3));
        assert_eq!(at("J4"), Some(ENDLESS));
        assert_eq!(at("J6"), Some(1));
        assert_eq!(paths[success_exit().index()], None);
        let next = sg.next_matching(g.node(0), |e| e == Edge::Next, |n| !is_task(n), is_task, 16);
        assert_eq!(next, [g.node(2)]);
    }
}
