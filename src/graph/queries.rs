//! Questions rules ask of the graph, in state terms: where a state's
//! transitions lead, which states dominate it, the next states of a kind
//! and the heaviest chains. Node indices stay inside this module.

use petgraph::visit::EdgeRef;

use crate::graph::{Direction, Edge, MachineGraph};
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
}
