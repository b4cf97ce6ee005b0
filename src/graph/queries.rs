//! Questions rules ask of the graph, in state terms: where a state's
//! transitions lead, which states dominate it, the next states of a kind
//! and the heaviest chains. Node indices stay inside this module.

use petgraph::visit::EdgeRef;

use crate::graph::{Direction, Edge, MachineGraph, failure_exit, is_cycle, success_exit};
use crate::model::{ScopeId, StateId};

impl MachineGraph {
    /// The nodes the edges of `from` that `via` accepts lead to.
    fn edge_targets(
        &self,
        from: StateId,
        via: impl Fn(Edge) -> bool,
    ) -> Vec<petgraph::graph::NodeIndex> {
        self.scope_graph_of(from)
            .graph
            .edges(self.node(from))
            .filter(|e| via(*e.weight()))
            .map(|e| e.target())
            .collect()
    }

    /// Whether some transition of `from` that `via` accepts leads, in any
    /// number of steps, to `target` (or is it).
    pub fn leads_to(&self, from: StateId, via: impl Fn(Edge) -> bool, target: StateId) -> bool {
        let starts = self.edge_targets(from, via);
        let sg = self.scope_graph_of(from);
        sg.reachable(&starts, Direction::Outgoing, |_| false)[self.node(target).index()]
    }

    /// The states that `from`'s transitions accepted by `via` lead to, step
    /// after step along such transitions only, without entering a `blocked`
    /// state; in state order. `from` is in it only when a path returns to it.
    pub fn states_reached_along(
        &self,
        from: StateId,
        via: impl Fn(Edge) -> bool,
        blocked: impl Fn(StateId) -> bool,
    ) -> Vec<StateId> {
        let sg = self.scope_graph_of(from);
        let mut seen = vec![false; sg.graph.node_count()];
        let mut stack = vec![self.node(from)];
        let mut reached = Vec::new();
        while let Some(n) = stack.pop() {
            for e in sg.graph.edges(n).filter(|e| via(*e.weight())) {
                let to = e.target();
                if seen[to.index()] {
                    continue;
                }
                let Some(state) = sg.state(to).filter(|&s| !blocked(s)) else {
                    continue;
                };
                seen[to.index()] = true;
                reached.push(state);
                stack.push(to);
            }
        }
        reached.sort_unstable();
        reached
    }

    /// Whether some transition of `from` that `via` accepts can never lead
    /// to `target`.
    pub fn some_edge_avoids(
        &self,
        from: StateId,
        via: impl Fn(Edge) -> bool,
        target: StateId,
    ) -> bool {
        let sg = self.scope_graph_of(from);
        let target = self.node(target).index();
        self.edge_targets(from, via)
            .into_iter()
            .any(|n| !sg.reachable(&[n], Direction::Outgoing, |_| false)[target])
    }

    /// The states that dominate `state` in its scope (every path from the
    /// scope's start passes them), nearest first, itself excluded. The
    /// dominator tree is computed once per scope.
    pub fn dominating_states(&self, state: StateId) -> Vec<StateId> {
        let sg = self.scope_graph_of(state);
        let Some(dom) = sg.dominators.get_or_init(|| sg.dominators()) else {
            return Vec::new();
        };
        dom.dominators_of(self.node(state).index())
            .skip(1)
            .filter_map(|n| sg.state(petgraph::graph::NodeIndex::new(n)))
            .collect()
    }

    /// The first states after `from` along `follow` transitions that are
    /// `found`, passing only states that are `through`, up to `limit`
    /// visited states.
    pub fn next_states_matching(
        &self,
        from: StateId,
        follow: impl Fn(Edge) -> bool,
        through: impl Fn(StateId) -> bool,
        found: impl Fn(StateId) -> bool,
        limit: usize,
    ) -> Vec<StateId> {
        let sg = self.scope_graph_of(from);
        sg.next_matching(
            self.node(from),
            follow,
            |n| sg.state(n).is_some_and(&through),
            |n| sg.state(n).is_some_and(&found),
            limit,
        )
        .into_iter()
        .filter_map(|n| sg.state(n))
        .collect()
    }

    /// For each state of `scope` that `include` accepts, the heaviest path
    /// through it along `follow` transitions and included states only, by
    /// the sum of `weight` (`ENDLESS` through a weighted cycle); in state
    /// order.
    pub fn heaviest_chains(
        &self,
        scope: ScopeId,
        include: impl Fn(StateId) -> bool,
        follow: impl Fn(Edge) -> bool,
        weight: impl Fn(StateId) -> usize,
    ) -> Vec<(StateId, usize)> {
        let sg = &self.scopes[scope];
        let chains = sg.heaviest_paths(
            |n| sg.state(n).is_some_and(&include),
            follow,
            |n| sg.state(n).map_or(0, &weight),
        );
        sg.graph
            .node_indices()
            .filter_map(|n| Some((sg.state(n)?, chains[n.index()]?)))
            .collect()
    }

    /// Whether an execution of `scope` can end (succeed or fail) from its
    /// start without entering a `blocked` state; `None` when `StartAt`
    /// names no state.
    pub fn scope_can_end(&self, scope: ScopeId, blocked: impl Fn(StateId) -> bool) -> Option<bool> {
        let sg = &self.scopes[scope];
        let start = sg.start?;
        if sg.state(start).is_some_and(&blocked) {
            return Some(false);
        }
        let reach = sg.reachable(&[start], Direction::Outgoing, |n| {
            sg.state(n).is_some_and(&blocked)
        });
        Some(reach[success_exit().index()] || reach[failure_exit().index()])
    }

    /// Whether a path from `from` reaches a successful end of its scope
    /// without entering a `blocked` state (`from` included).
    pub fn succeeds_avoiding(&self, from: StateId, blocked: impl Fn(StateId) -> bool) -> bool {
        if blocked(from) {
            return false;
        }
        let sg = self.scope_graph_of(from);
        let reach = sg.reachable(&[self.node(from)], Direction::Outgoing, |n| {
            sg.state(n).is_some_and(&blocked)
        });
        reach[success_exit().index()]
    }

    /// The states of `scope` that its start does not reach, in source
    /// order; `None` when `StartAt` names no state.
    pub fn unreached_states(&self, scope: ScopeId) -> Option<Vec<StateId>> {
        let sg = &self.scopes[scope];
        sg.start?;
        let reached = sg.reachable_from_start();
        Some(
            sg.graph
                .node_indices()
                .filter(|n| !reached[n.index()])
                .filter_map(|n| sg.state(n))
                .collect(),
        )
    }

    /// The loops of `scope` that its start reaches and that no path leaves
    /// for an end: for each, its states that cannot reach an end, in source
    /// order.
    pub fn trapped_loops(&self, scope: ScopeId) -> Vec<Vec<StateId>> {
        let sg = &self.scopes[scope];
        let reached = sg.reachable_from_start();
        let ends = sg.reaches_exit();
        sg.sccs()
            .iter()
            .filter(|scc| is_cycle(&sg.graph, scc))
            .map(|scc| {
                let mut trapped: Vec<StateId> = scc
                    .iter()
                    .filter(|n| reached[n.index()] && !ends[n.index()])
                    .filter_map(|&n| sg.state(n))
                    .collect();
                trapped.sort_unstable();
                trapped
            })
            .filter(|trapped| !trapped.is_empty())
            .collect()
    }

    /// The states of `scope` that lie on a cycle.
    pub fn states_in_cycles(&self, scope: ScopeId) -> Vec<StateId> {
        let sg = &self.scopes[scope];
        let in_cycle = sg.in_cycle();
        sg.graph
            .node_indices()
            .filter(|n| in_cycle[n.index()])
            .filter_map(|n| sg.state(n))
            .collect()
    }
}
