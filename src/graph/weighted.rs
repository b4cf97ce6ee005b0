//! Paths weighted by their states, for the cost estimate: the lightest way
//! to an exit and the heaviest, loops included. Weights are per state (what
//! one visit of it costs); the exits weigh nothing. NaN marks an unknown
//! weight and spreads.

use std::collections::BinaryHeap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::graph::{Direction, GraphNode, ScopeGraph, component_of, is_cycle};
use crate::model::StateId;

/// One weight per node of a scope graph, from a weight per state.
pub struct Weights(Vec<f64>);

impl Weights {
    pub fn has_unknown(&self) -> bool {
        self.0.iter().any(|x| x.is_nan())
    }
}

impl ScopeGraph {
    /// Each state's weight, as `weight` gives it; the exits weigh 0.
    pub fn weights(&self, weight: impl Fn(StateId) -> f64) -> Weights {
        Weights(
            self.graph
                .node_indices()
                .map(|n| self.state(n).map_or(0.0, &weight))
                .collect(),
        )
    }

    /// The lightest path from the start to an exit along Next, Default,
    /// Choice and terminal edges (no failures): Dijkstra on state weights.
    /// With no such path (a trap), the start alone.
    pub fn lightest_exit(&self, w: &Weights) -> f64 {
        let w = &w.0;
        let Some(start) = self.start else {
            return 0.0;
        };
        #[derive(PartialEq)]
        struct Item(f64, NodeIndex);
        impl Eq for Item {}
        impl PartialOrd for Item {
            fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for Item {
            fn cmp(&self, o: &Self) -> std::cmp::Ordering {
                o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
            }
        }
        let mut dist = vec![f64::INFINITY; self.graph.node_count()];
        dist[start.index()] = w[start.index()];
        let mut heap = BinaryHeap::from([Item(dist[start.index()], start)]);
        while let Some(Item(d, v)) = heap.pop() {
            if d > dist[v.index()] {
                continue;
            }
            if matches!(
                self.graph[v],
                GraphNode::SuccessExit | GraphNode::FailureExit
            ) {
                return d;
            }
            for e in self.graph.edges(v) {
                if e.weight().is_failure() {
                    continue;
                }
                let t = e.target();
                let nd = d + w[t.index()];
                if nd < dist[t.index()] {
                    dist[t.index()] = nd;
                    heap.push(Item(nd, t));
                }
            }
        }
        w[start.index()]
    }

    /// The heaviest path from the start along every edge, over the
    /// condensation into strongly connected components. A cycle weighs what
    /// `cycle(states, one_round)` says (infinity when nothing bounds it).
    /// Returns the weight and the states on that path, each with its weight
    /// (a cycle's weight shared among its states).
    pub fn heaviest_path(
        &self,
        w: &Weights,
        cycle: &dyn Fn(&[StateId], f64) -> f64,
    ) -> (f64, Vec<(StateId, f64)>) {
        let w = &w.0;
        let Some(start) = self.start else {
            return (0.0, Vec::new());
        };
        let reachable = self.reachable(&[start], Direction::Outgoing, |_| false);
        let sccs = self.sccs_postorder();
        let comp = component_of(&sccs, self.graph.node_count());
        let comp_weight: Vec<f64> = sccs
            .iter()
            .map(|scc| {
                let sum: f64 = scc.iter().map(|v| w[v.index()]).sum();
                if !is_cycle(&self.graph, scc) {
                    return sum;
                }
                let states: Vec<StateId> = scc.iter().filter_map(|&v| self.state(v)).collect();
                cycle(&states, sum)
            })
            .collect();
        // Heaviest path from the start's component to each component, in
        // topological order (kosaraju lists components in reverse).
        let mut best = vec![f64::NEG_INFINITY; sccs.len()];
        let mut via = vec![usize::MAX; sccs.len()];
        let s0 = comp[start.index()];
        best[s0] = comp_weight[s0];
        for c in (0..sccs.len()).rev() {
            if best[c] == f64::NEG_INFINITY {
                continue;
            }
            for &v in &sccs[c] {
                if !reachable[v.index()] {
                    continue;
                }
                for e in self.graph.edges(v) {
                    let d = comp[e.target().index()];
                    if d == c {
                        continue;
                    }
                    let cand = best[c] + comp_weight[d];
                    if cand > best[d] || cand.is_nan() && !best[d].is_nan() {
                        best[d] = cand;
                        via[d] = c;
                    }
                }
            }
        }
        let exits = [crate::graph::success_exit(), crate::graph::failure_exit()];
        let end = exits
            .iter()
            .map(|e| comp[e.index()])
            .filter(|&c| best[c] > f64::NEG_INFINITY)
            .max_by(|&a, &b| best[a].total_cmp(&best[b]));
        let Some(mut c) = end else {
            // No exit is reachable (a trap): the heaviest component reached.
            let total = best.iter().copied().fold(0.0, f64::max);
            return (total, Vec::new());
        };
        let total = best[c];
        let mut path = Vec::new();
        while c != usize::MAX {
            for &v in &sccs[c] {
                if let Some(s) = self.state(v) {
                    let weight = if is_cycle(&self.graph, &sccs[c]) {
                        if comp_weight[c].is_finite() {
                            comp_weight[c] / sccs[c].len() as f64
                        } else {
                            f64::INFINITY
                        }
                    } else {
                        w[v.index()]
                    };
                    path.push((s, weight));
                }
            }
            c = via[c];
        }
        path.reverse();
        (total, path)
    }
}
