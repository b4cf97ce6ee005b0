//! What reaches every state: a shape for each state's input, computed once
//! per definition over the graph, beside it (see `docs/data-flow.md`).
//!
//! A state's input is a short list of alternatives, one per kind of route
//! that reaches it (the execution input, a Lambda envelope, a Catch's error
//! object...), each with the states it came through. Alternatives are
//! joined when there are more than [`MAX_ALTERNATIVES`]; a state visited
//! more than [`MAX_VISITS`] times gives up and takes any input. So the
//! analysis is linear in the definition, whatever its loops, and it only
//! ever forgets: a field is reported missing only where a route is known
//! to lack it.

pub mod path;
pub mod shape;
mod transfer;

use std::collections::VecDeque;
use std::rc::Rc;

use crate::graph::{Edge, MachineGraph, Target};
use crate::model::{Machine, StateId, StateType};
pub use path::{PathRef, Root};
pub use shape::{Read, Seg, Shape};
use transfer::{Plan, Run};
pub use transfer::{
    Problem, ProblemKind, Stage, is_error_object, is_lambda_envelope, lambda_envelope,
};

/// Alternatives kept per state input before they are joined.
pub const MAX_ALTERNATIVES: usize = 4;
/// Visits of one state before its input is taken as unknown.
pub const MAX_VISITS: u32 = 6;

/// One kind of input that reaches a state, and the route it took.
#[derive(Clone, Debug)]
pub struct Alt {
    pub shape: Shape,
    pub trail: Trail,
}

/// The states a value came through since the state that made it: a shared
/// list, newest first, so extending it costs one allocation.
#[derive(Clone, Debug, Default)]
pub struct Trail(Option<Rc<Step>>);

#[derive(Debug)]
struct Step {
    state: StateId,
    /// Reached through a Catch of `state`.
    caught: bool,
    prev: Trail,
    origin: StateId,
    origin_caught: bool,
    len: usize,
}

/// A state on a route, and whether the route left it through a Catch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub state: StateId,
    pub caught: bool,
}

impl Trail {
    fn start(state: StateId, caught: bool) -> Trail {
        Trail(Some(Rc::new(Step {
            state,
            caught,
            prev: Trail(None),
            origin: state,
            origin_caught: caught,
            len: 1,
        })))
    }

    fn then(&self, state: StateId, caught: bool) -> Trail {
        match &self.0 {
            None => Trail::start(state, caught),
            Some(step) => Trail(Some(Rc::new(Step {
                state,
                caught,
                prev: self.clone(),
                origin: step.origin,
                origin_caught: step.origin_caught,
                len: step.len + 1,
            }))),
        }
    }

    /// The state that made the value, and whether through its Catch.
    pub fn origin(&self) -> Option<Hop> {
        self.0.as_ref().map(|s| Hop {
            state: s.origin,
            caught: s.origin_caught,
        })
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |s| s.len)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The last `keep` states, oldest first.
    pub fn last(&self, keep: usize) -> Vec<Hop> {
        let mut out = Vec::new();
        let mut cur = &self.0;
        while let Some(step) = cur {
            if out.len() == keep {
                break;
            }
            out.push(Hop {
                state: step.state,
                caught: step.caught,
            });
            cur = &step.prev.0;
        }
        out.reverse();
        out
    }
}

/// The inputs of every state of one definition.
pub struct DataFlow<'a, 't> {
    inputs: Vec<Vec<Alt>>,
    plans: Vec<Plan<'a, 't>>,
}

impl<'a, 't> DataFlow<'a, 't> {
    pub fn compute(machine: &'a Machine<'t>, graph: &MachineGraph) -> DataFlow<'a, 't> {
        let n = machine.states.len();
        let plans: Vec<Plan<'a, 't>> = machine.states.iter().map(Plan::of).collect();
        let mut flow = DataFlow {
            inputs: vec![Vec::new(); n],
            plans,
        };
        let mut widened = vec![false; n];
        let mut visits = vec![0u32; n];
        let mut queued = vec![false; n];
        // Scope ids follow their parents, so a scope's entry is final
        // before its states are solved.
        for scope in &machine.scopes {
            let Some(start) = scope
                .start_at
                .as_ref()
                .and_then(|t| scope.state_named(t.target))
            else {
                continue;
            };
            let entry: Vec<Alt> = match scope.parent {
                None => vec![Alt {
                    shape: Shape::Any,
                    trail: Trail::default(),
                }],
                Some(parent) => {
                    let plan = &flow.plans[parent];
                    let mut alts = Vec::new();
                    for alt in &flow.inputs[parent] {
                        let shape = plan.child_input(alt, &machine.states[parent], scope.kind);
                        push_alt(
                            &mut alts,
                            Alt {
                                shape,
                                trail: alt.trail.then(parent, false),
                            },
                        );
                    }
                    alts
                }
            };
            let mut queue = VecDeque::new();
            for alt in entry {
                merge(&mut flow.inputs[start], widened[start], alt);
            }
            queue.push_back(start);
            queued[start] = true;
            while let Some(s) = queue.pop_front() {
                queued[s] = false;
                visits[s] += 1;
                if visits[s] > MAX_VISITS && !widened[s] {
                    widened[s] = true;
                    flow.inputs[s] = vec![Alt {
                        shape: Shape::Any,
                        trail: Trail::default(),
                    }];
                }
                let state = &machine.states[s];
                let plan = &flow.plans[s];
                let runs: Vec<Run> = flow.inputs[s]
                    .iter()
                    .map(|alt| plan.run(&alt.shape))
                    .collect();
                let mut sends: Vec<(StateId, Alt)> = Vec::new();
                for (edge, to) in graph.successors(s) {
                    let Target::State(t) = to else { continue };
                    for (alt, run) in flow.inputs[s].iter().zip(&runs) {
                        let out = match edge {
                            Edge::Catch(i) => run.caught.get(i).cloned().flatten(),
                            Edge::Choice(i) => plan.choice_passes(run, Some(i)),
                            Edge::Default if state.ty == StateType::Choice => {
                                plan.choice_passes(run, None)
                            }
                            _ => run.output.clone(),
                        };
                        let Some((shape, derived)) = out else {
                            continue;
                        };
                        let caught = matches!(edge, Edge::Catch(_));
                        let trail = if derived {
                            alt.trail.then(s, caught)
                        } else {
                            Trail::start(s, caught)
                        };
                        sends.push((t, Alt { shape, trail }));
                    }
                }
                for (t, alt) in sends {
                    if merge(&mut flow.inputs[t], widened[t], alt) && !queued[t] {
                        queued[t] = true;
                        queue.push_back(t);
                    }
                }
            }
        }
        flow
    }

    /// The inputs that reach a state (none when it is unreachable).
    pub fn inputs(&self, state: StateId) -> &[Alt] {
        &self.inputs[state]
    }

    /// A state's output for one of its inputs, when it has one.
    pub fn output(&self, state: StateId, alt: &Alt) -> Option<Shape> {
        self.plans[state].run(&alt.shape).output.map(|(s, _)| s)
    }

    /// Reads that cannot succeed: for each state and each reference path it
    /// holds, the first input route on which a field it reads is known
    /// absent.
    pub fn problems(&self, machine: &Machine<'t>) -> Vec<Problem> {
        let mut out = Vec::new();
        for state in &machine.states {
            let plan = &self.plans[state.id];
            let mut seen: Vec<usize> = Vec::new();
            for alt in &self.inputs[state.id] {
                for p in plan.check(state, alt) {
                    if seen.contains(&p.site) {
                        continue;
                    }
                    seen.push(p.site);
                    out.push(p);
                }
            }
        }
        out
    }
}

/// Adds `alt` to a state's inputs; whether they changed.
fn merge(inputs: &mut Vec<Alt>, widened: bool, alt: Alt) -> bool {
    if widened || inputs.iter().any(|a| a.shape == alt.shape) {
        return false;
    }
    push_alt(inputs, alt);
    true
}

/// Adds `alt` unless an equal shape is there; past [`MAX_ALTERNATIVES`],
/// joins them all into one.
fn push_alt(alts: &mut Vec<Alt>, alt: Alt) {
    if alts.iter().any(|a| a.shape == alt.shape) {
        return;
    }
    alts.push(alt);
    if alts.len() > MAX_ALTERNATIVES {
        let mut joined = alts[0].shape.clone();
        for a in &alts[1..] {
            joined = joined.join(&a.shape);
        }
        let trail = alts[0].trail.clone();
        alts.clear();
        alts.push(Alt {
            shape: joined,
            trail,
        });
    }
}
