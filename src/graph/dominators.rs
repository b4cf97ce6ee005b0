//! Iterative Lengauer–Tarjan dominators (the "simple" variant with path
//! compression, O(m log n)).
//!
//! petgraph's `simple_fast` is quadratic on long chains that share a failure
//! sink (100,000 states take 23 s), and a textbook Lengauer–Tarjan recurses in
//! its DFS and in `compress`. Both loops here use explicit stacks, so a
//! 100,000-state chain neither slows down nor overflows the stack.

const NONE: u32 = u32::MAX;

/// Immediate dominators of a graph given as successor lists, from `root`.
#[derive(Debug, Clone)]
pub struct Dominators {
    root: usize,
    /// Immediate dominator per node; `NONE` for the root and unreachable nodes.
    idom: Vec<u32>,
    reachable: Vec<bool>,
    /// Pre/post numbers in the dominator tree: `a` dominates `b` iff
    /// `pre[a] <= pre[b] && post[b] <= post[a]`.
    pre: Vec<u32>,
    post: Vec<u32>,
}

impl Dominators {
    pub fn compute(successors: &[Vec<u32>], root: usize) -> Dominators {
        let n = successors.len();
        let mut predecessors = vec![Vec::new(); n];
        for (v, succ) in successors.iter().enumerate() {
            for &w in succ {
                predecessors[w as usize].push(v as u32);
            }
        }

        // 1. Iterative DFS: preorder number (`dfnum`), DFS parent, vertex by number.
        let mut dfnum = vec![NONE; n];
        let mut vertex: Vec<u32> = Vec::with_capacity(n);
        let mut parent = vec![NONE; n];
        let mut stack: Vec<(u32, usize)> = vec![(root as u32, 0)];
        dfnum[root] = 0;
        vertex.push(root as u32);
        while let Some(&mut (v, ref mut next_child)) = stack.last_mut() {
            if let Some(&w) = successors[v as usize].get(*next_child) {
                *next_child += 1;
                if dfnum[w as usize] == NONE {
                    dfnum[w as usize] = vertex.len() as u32;
                    vertex.push(w);
                    parent[w as usize] = v;
                    stack.push((w, 0));
                }
            } else {
                stack.pop();
            }
        }

        // 2. Semidominators in reverse preorder, with a link-eval forest.
        let count = vertex.len();
        let mut semi: Vec<u32> = (0..n as u32).map(|v| dfnum[v as usize]).collect();
        let mut idom = vec![NONE; n];
        let mut ancestor = vec![NONE; n];
        let mut label: Vec<u32> = (0..n as u32).collect();
        let mut bucket: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut path = Vec::new();
        for i in (1..count).rev() {
            let w = vertex[i] as usize;
            for &v in &predecessors[w] {
                if dfnum[v as usize] == NONE {
                    continue; // unreachable predecessor
                }
                let u = eval(v, &mut ancestor, &mut label, &semi, &mut path);
                if semi[u as usize] < semi[w] {
                    semi[w] = semi[u as usize];
                }
            }
            bucket[vertex[semi[w] as usize] as usize].push(w as u32);
            let p = parent[w];
            ancestor[w] = p; // link(p, w)
            for v in std::mem::take(&mut bucket[p as usize]) {
                let u = eval(v, &mut ancestor, &mut label, &semi, &mut path);
                idom[v as usize] = if semi[u as usize] < semi[v as usize] {
                    u
                } else {
                    p
                };
            }
        }
        // 3. Fix up the deferred immediate dominators in preorder.
        for i in 1..count {
            let w = vertex[i] as usize;
            if idom[w] != vertex[semi[w] as usize] {
                idom[w] = idom[idom[w] as usize];
            }
        }
        idom[root] = NONE;

        let reachable = dfnum.iter().map(|&d| d != NONE).collect();
        let (pre, post) = tree_numbers(&idom, &vertex, root, n);
        Dominators {
            root,
            idom,
            reachable,
            pre,
            post,
        }
    }

    pub fn root(&self) -> usize {
        self.root
    }

    /// The immediate dominator; `None` for the root and for unreachable nodes.
    pub fn immediate_dominator(&self, node: usize) -> Option<usize> {
        let d = self.idom[node];
        (d != NONE).then_some(d as usize)
    }

    pub fn is_reachable(&self, node: usize) -> bool {
        self.reachable[node]
    }

    /// Whether `a` dominates `b` (every node dominates itself). False when
    /// either is unreachable from the root.
    pub fn dominates(&self, a: usize, b: usize) -> bool {
        self.reachable[a]
            && self.reachable[b]
            && self.pre[a] <= self.pre[b]
            && self.post[b] <= self.post[a]
    }

    /// `node`, its immediate dominator, and so on up to the root.
    pub fn dominators_of(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        let start = self.reachable[node].then_some(node);
        std::iter::successors(start, |&v| self.immediate_dominator(v))
    }
}

/// `eval` with path compression, iterative: climbs to the forest root
/// collecting the path, then compresses it top-down.
fn eval(v: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32], path: &mut Vec<u32>) -> u32 {
    if ancestor[v as usize] == NONE {
        return v;
    }
    path.clear();
    let mut x = v;
    while ancestor[ancestor[x as usize] as usize] != NONE {
        path.push(x);
        x = ancestor[x as usize];
    }
    // `x` is the highest node whose ancestor is a forest root; process the
    // path from the top so each node sees its compressed ancestor's label.
    while let Some(y) = path.pop() {
        let a = ancestor[y as usize] as usize;
        if semi[label[a] as usize] < semi[label[y as usize] as usize] {
            label[y as usize] = label[a];
        }
        ancestor[y as usize] = ancestor[a];
    }
    label[v as usize]
}

/// Pre/post numbering of the dominator tree, iteratively.
fn tree_numbers(idom: &[u32], order: &[u32], root: usize, n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &v in order.iter().skip(1) {
        children[idom[v as usize] as usize].push(v);
    }
    let mut pre = vec![0; n];
    let mut post = vec![0; n];
    let mut clock = 0u32;
    let mut stack = vec![(root as u32, 0usize)];
    pre[root] = clock;
    clock += 1;
    while let Some(&mut (v, ref mut next)) = stack.last_mut() {
        if let Some(&c) = children[v as usize].get(*next) {
            *next += 1;
            pre[c as usize] = clock;
            clock += 1;
            stack.push((c, 0));
        } else {
            post[v as usize] = clock;
            clock += 1;
            stack.pop();
        }
    }
    (pre, post)
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::algo::dominators::simple_fast;
    use petgraph::graph::{DiGraph, NodeIndex};

    /// A small deterministic PRNG, so the test needs no extra crate.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn agrees_with_petgraph_simple_fast_on_random_graphs() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for case in 0..500 {
            let n = 1 + (rng.next() % 12) as usize;
            let edges = (rng.next() % (3 * n as u64 + 1)) as usize;
            let mut succ = vec![Vec::new(); n];
            let mut g = DiGraph::<(), ()>::new();
            let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
            for _ in 0..edges {
                let a = (rng.next() % n as u64) as usize;
                let b = (rng.next() % n as u64) as usize;
                succ[a].push(b as u32);
                g.add_edge(nodes[a], nodes[b], ());
            }
            let ours = Dominators::compute(&succ, 0);
            let theirs = simple_fast(&g, nodes[0]);
            for v in 0..n {
                let expected = theirs
                    .immediate_dominator(NodeIndex::new(v))
                    .map(|i| i.index());
                assert_eq!(
                    ours.immediate_dominator(v),
                    expected,
                    "case {case}, node {v}, graph {succ:?}"
                );
                for a in 0..n {
                    let expected = theirs
                        .dominators(NodeIndex::new(v))
                        .is_some_and(|mut it| it.any(|d| d.index() == a));
                    assert_eq!(
                        ours.dominates(a, v),
                        expected,
                        "case {case}: does {a} dominate {v}?"
                    );
                }
            }
        }
    }

    #[test]
    fn long_chain_with_shared_sink_is_fast_and_correct() {
        // 0 -> 1 -> ... -> n-1, and every node also -> sink.
        let n = 100_000;
        let sink = n;
        let mut succ = vec![Vec::new(); n + 1];
        for (v, s) in succ.iter_mut().enumerate().take(n) {
            if v + 1 < n {
                s.push(v as u32 + 1);
            }
            s.push(sink as u32);
        }
        let d = Dominators::compute(&succ, 0);
        assert_eq!(d.immediate_dominator(sink), Some(0));
        assert_eq!(d.immediate_dominator(n - 1), Some(n - 2));
        assert!(d.dominates(10, n - 1));
        assert!(!d.dominates(n - 1, 10));
        assert_eq!(d.dominators_of(3).collect::<Vec<_>>(), [3, 2, 1, 0]);
    }
}
