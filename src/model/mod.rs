//! The typed view of a definition: scopes, states, their transitions, Retry
//! and Catch. Built from the spanned tree without failing: malformed fields
//! are left out here and reported by the structural rules.

pub mod dataflow;
pub mod expr;
pub mod resource;
pub mod schema;

use std::collections::HashMap;

use crate::loader::pointer;
use crate::loader::tree::Node;
pub use resource::{Pattern, Resource, ResourceKind};

pub type StateId = usize;
pub type ScopeId = usize;

/// The longest a Standard execution may run: one year (365 days), a
/// Step Functions service quota.
pub const MAX_EXECUTION_SECONDS: f64 = 31_536_000.0;

/// STANDARD or EXPRESS, which the ASL itself does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkflowType {
    Standard,
    Express,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    fn from_node(node: Option<&Node>) -> Option<QueryLanguage> {
        match node?.as_str()? {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::Jsonata),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateType {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    /// `Type` missing or not one of the above.
    Unknown,
}

impl StateType {
    fn from_node(node: Option<&Node>) -> StateType {
        match node.and_then(Node::as_str) {
            Some("Task") => StateType::Task,
            Some("Pass") => StateType::Pass,
            Some("Choice") => StateType::Choice,
            Some("Wait") => StateType::Wait,
            Some("Succeed") => StateType::Succeed,
            Some("Fail") => StateType::Fail,
            Some("Parallel") => StateType::Parallel,
            Some("Map") => StateType::Map,
            _ => StateType::Unknown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The definition itself.
    Root,
    /// `Branches[index]` of a Parallel state.
    Branch(usize),
    /// A Map's `ItemProcessor` (or the older `Iterator`).
    MapProcessor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapMode {
    Inline,
    Distributed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionKind {
    StartAt,
    Next,
    Default,
    /// `Choices[i].Next`.
    Choice(usize),
    /// `Catch[i].Next`.
    Catch(usize),
}

impl TransitionKind {
    /// The field name as users write it.
    pub fn field(self) -> &'static str {
        match self {
            TransitionKind::StartAt => "StartAt",
            TransitionKind::Next | TransitionKind::Choice(_) | TransitionKind::Catch(_) => "Next",
            TransitionKind::Default => "Default",
        }
    }
}

/// Where a transition is written: a scope's `StartAt`, or a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Scope(ScopeId),
    State(StateId),
}

/// A named target: `StartAt`, `Next`, `Default`, a Choice rule's or a Catch's `Next`.
#[derive(Clone, Debug)]
pub struct Transition<'t> {
    pub kind: TransitionKind,
    pub target: &'t str,
    pub owner: Owner,
}

#[derive(Clone, Debug)]
pub struct Catcher<'t> {
    pub errors: Vec<&'t str>,
    pub next: Option<&'t str>,
}

impl Catcher<'_> {
    pub fn catches_all(&self) -> bool {
        self.errors.contains(&"States.ALL")
    }
}

#[derive(Clone, Debug)]
pub struct Retrier<'t> {
    pub errors: Vec<&'t str>,
    pub node: &'t Node,
}

#[derive(Debug)]
pub struct Scope<'t> {
    pub id: ScopeId,
    pub kind: ScopeKind,
    /// The Parallel or Map state that owns this scope; `None` for the root.
    pub parent: Option<StateId>,
    /// Pointer to the object holding `StartAt` and `States`.
    pub pointer: String,
    pub node: &'t Node,
    pub start_at: Option<Transition<'t>>,
    /// States in source order.
    pub states: Vec<StateId>,
    by_name: HashMap<&'t str, StateId>,
}

impl<'t> Scope<'t> {
    pub fn state_named(&self, name: &str) -> Option<StateId> {
        self.by_name.get(name).copied()
    }
}

#[derive(Debug)]
pub struct State<'t> {
    pub id: StateId,
    pub name: &'t str,
    pub scope: ScopeId,
    pub pointer: String,
    pub node: &'t Node,
    pub ty: StateType,
    pub query_language: QueryLanguage,
    /// `Next`, `Default`, `Choices[i].Next` and `Catch[i].Next`, in that order.
    pub transitions: Vec<Transition<'t>>,
    pub end: bool,
    pub catchers: Vec<Catcher<'t>>,
    pub retriers: Vec<Retrier<'t>>,
    pub resource: Option<Resource>,
    pub map_mode: Option<MapMode>,
    /// Parallel branches or the Map processor, in order.
    pub children: Vec<ScopeId>,
}

impl<'t> State<'t> {
    pub fn next(&self) -> Option<&Transition<'t>> {
        self.transitions
            .iter()
            .find(|t| t.kind == TransitionKind::Next)
    }

    pub fn has_default(&self) -> bool {
        self.transitions
            .iter()
            .any(|t| t.kind == TransitionKind::Default)
    }

    pub fn catches_all(&self) -> bool {
        self.catchers.iter().any(Catcher::catches_all)
    }

    /// A Task that waits for something outside Step Functions: a `.sync`
    /// job, a `.waitForTaskToken` callback or an activity worker.
    pub fn waits_on_work(&self) -> bool {
        self.ty == StateType::Task
            && match self.resource.as_ref().map(|r| &r.kind) {
                Some(ResourceKind::Integration { pattern, .. }) => pattern.is_long_running(),
                Some(ResourceKind::Activity { .. }) => true,
                _ => false,
            }
    }

    /// How a long-running job waits, in the words of the job-chain option
    /// `long-running`: `sync`, `sync:2`, `waitForTaskToken` or `activity`.
    /// `None` for everything else, Lambda request/response calls included.
    pub fn long_running_kind(&self) -> Option<&'static str> {
        if self.ty != StateType::Task {
            return None;
        }
        let resource = self.resource.as_ref()?;
        match (&resource.kind, resource.pattern()) {
            (ResourceKind::Activity { .. }, _) => Some("activity"),
            (_, Some(Pattern::Sync)) => Some("sync"),
            (_, Some(Pattern::Sync2)) => Some("sync:2"),
            (_, Some(Pattern::WaitForTaskToken)) => Some("waitForTaskToken"),
            _ => None,
        }
    }

    pub fn get(&self, field: &str) -> Option<&'t Node> {
        self.node.get(field)
    }
}

#[derive(Debug)]
pub struct Machine<'t> {
    pub root: &'t Node,
    pub query_language: QueryLanguage,
    /// Scope 0 is the root; children follow their parents.
    pub scopes: Vec<Scope<'t>>,
    pub states: Vec<State<'t>>,
}

impl<'t> Machine<'t> {
    pub fn build(root: &'t Node) -> Machine<'t> {
        let query_language =
            QueryLanguage::from_node(root.get("QueryLanguage")).unwrap_or(QueryLanguage::JsonPath);
        let mut machine = Machine {
            root,
            query_language,
            scopes: Vec::new(),
            states: Vec::new(),
        };
        // A work list instead of recursion: nesting depth is the input's choice.
        let mut pending = vec![(root, String::new(), None, ScopeKind::Root, query_language)];
        while let Some((node, scope_pointer, parent, kind, inherited)) = pending.pop() {
            let scope_id = machine.scopes.len();
            let start_at = node.get("StartAt").and_then(|n| {
                Some(Transition {
                    kind: TransitionKind::StartAt,
                    target: n.as_str()?,
                    owner: Owner::Scope(scope_id),
                })
            });
            let mut scope = Scope {
                id: scope_id,
                kind,
                parent,
                pointer: scope_pointer.clone(),
                node,
                start_at,
                states: Vec::new(),
                by_name: HashMap::new(),
            };
            let mut children = Vec::new();
            if let Some(states) = node.get("States").and_then(Node::as_object) {
                let states_pointer = pointer::push(&scope_pointer, "States");
                for member in &states.members {
                    // With duplicate names the last definition wins, as in AWS's
                    // parser; earlier ones are not states (`duplicate-key` says so).
                    if states.has_duplicates()
                        && !std::ptr::eq(
                            states.get(&member.key).expect("own member"),
                            &member.value,
                        )
                    {
                        continue;
                    }
                    let id = machine.states.len();
                    let state_pointer = pointer::push(&states_pointer, &member.key);
                    let state = build_state(
                        id,
                        &member.key,
                        scope_id,
                        state_pointer,
                        &member.value,
                        inherited,
                    );
                    scope.by_name.insert(&member.key, id);
                    scope.states.push(id);
                    children.extend(child_scopes(&state));
                    machine.states.push(state);
                }
            }
            machine.scopes.push(scope);
            // Reverse so the first child is built first (ids follow source order).
            for (node, ptr, parent, kind, ql) in children.into_iter().rev() {
                pending.push((node, ptr, Some(parent), kind, ql));
            }
        }
        // Link parents to the scope ids just assigned.
        for scope in 1..machine.scopes.len() {
            if let Some(parent) = machine.scopes[scope].parent {
                machine.states[parent].children.push(scope);
            }
        }
        machine
    }

    /// The pointer to the string naming a transition's target.
    pub fn transition_pointer(&self, t: &Transition<'_>) -> String {
        let base = match t.owner {
            Owner::Scope(scope) => return pointer::push(&self.scopes[scope].pointer, "StartAt"),
            Owner::State(state) => &self.states[state].pointer,
        };
        match t.kind {
            TransitionKind::StartAt => pointer::push(base, "StartAt"),
            TransitionKind::Next => pointer::push(base, "Next"),
            TransitionKind::Default => pointer::push(base, "Default"),
            TransitionKind::Choice(i) => pointer::push(
                &pointer::push_index(&pointer::push(base, "Choices"), i),
                "Next",
            ),
            TransitionKind::Catch(i) => pointer::push(
                &pointer::push_index(&pointer::push(base, "Catch"), i),
                "Next",
            ),
        }
    }

    pub fn scope_of(&self, state: StateId) -> &Scope<'t> {
        &self.scopes[self.states[state].scope]
    }

    /// Whether `scope` is `ancestor` or nested in it (inside a Parallel
    /// branch or Map processor of it, at any depth).
    pub fn is_within(&self, mut scope: ScopeId, ancestor: ScopeId) -> bool {
        loop {
            if scope == ancestor {
                return true;
            }
            match self.scopes[scope].parent {
                Some(parent) => scope = self.states[parent].scope,
                None => return false,
            }
        }
    }

    /// Every transition written in a scope: its `StartAt` and each of its
    /// states' `Next`, `Default`, Choice and Catch targets.
    pub fn transitions_in(&self, scope: ScopeId) -> impl Iterator<Item = &Transition<'t>> {
        let scope = &self.scopes[scope];
        scope.start_at.iter().chain(
            scope
                .states
                .iter()
                .flat_map(|&s| &self.states[s].transitions),
        )
    }

    /// Resolves a transition target within `scope`.
    pub fn target(&self, scope: ScopeId, name: &str) -> Option<StateId> {
        self.scopes[scope].state_named(name)
    }

    /// Every scope holding a state with this name.
    pub fn scopes_with_state(&self, name: &str) -> Vec<ScopeId> {
        self.scopes
            .iter()
            .filter(|s| s.state_named(name).is_some())
            .map(|s| s.id)
            .collect()
    }
}

type PendingScope<'t> = (&'t Node, String, StateId, ScopeKind, QueryLanguage);

fn child_scopes<'t>(state: &State<'t>) -> Vec<PendingScope<'t>> {
    let mut out = Vec::new();
    match state.ty {
        StateType::Parallel => {
            if let Some(branches) = state.get("Branches").and_then(Node::as_array) {
                let base = pointer::push(&state.pointer, "Branches");
                for (i, branch) in branches.iter().enumerate() {
                    if branch.as_object().is_some() {
                        out.push((
                            branch,
                            pointer::push_index(&base, i),
                            state.id,
                            ScopeKind::Branch(i),
                            scope_language(branch, state.query_language),
                        ));
                    }
                }
            }
        }
        StateType::Map => {
            for field in ["ItemProcessor", "Iterator"] {
                if let Some(processor) = state.get(field).filter(|n| n.as_object().is_some()) {
                    out.push((
                        processor,
                        pointer::push(&state.pointer, field),
                        state.id,
                        ScopeKind::MapProcessor,
                        scope_language(processor, state.query_language),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn scope_language(node: &Node, inherited: QueryLanguage) -> QueryLanguage {
    QueryLanguage::from_node(node.get("QueryLanguage")).unwrap_or(inherited)
}

fn strings(node: Option<&Node>) -> Vec<&str> {
    node.and_then(Node::as_array)
        .map(|items| items.iter().filter_map(Node::as_str).collect())
        .unwrap_or_default()
}

fn build_state<'t>(
    id: StateId,
    name: &'t str,
    scope: ScopeId,
    state_pointer: String,
    node: &'t Node,
    inherited: QueryLanguage,
) -> State<'t> {
    let ty = StateType::from_node(node.get("Type"));
    let query_language = QueryLanguage::from_node(node.get("QueryLanguage")).unwrap_or(inherited);
    let mut transitions = Vec::new();
    let owner = Owner::State(id);
    let mut push_target = |kind, field_node: Option<&'t Node>| {
        if let Some(target) = field_node.and_then(Node::as_str) {
            transitions.push(Transition {
                kind,
                target,
                owner,
            });
        }
    };
    push_target(TransitionKind::Next, node.get("Next"));
    if ty == StateType::Choice {
        push_target(TransitionKind::Default, node.get("Default"));
        if let Some(rules) = node.get("Choices").and_then(Node::as_array) {
            for (i, rule) in rules.iter().enumerate() {
                push_target(TransitionKind::Choice(i), rule.get("Next"));
            }
        }
    }
    let mut catchers = Vec::new();
    if let Some(items) = node.get("Catch").and_then(Node::as_array) {
        for (i, item) in items.iter().enumerate() {
            push_target(TransitionKind::Catch(i), item.get("Next"));
            catchers.push(Catcher {
                errors: strings(item.get("ErrorEquals")),
                next: item.get("Next").and_then(Node::as_str),
            });
        }
    }
    let retriers = node
        .get("Retry")
        .and_then(Node::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| Retrier {
                    errors: strings(item.get("ErrorEquals")),
                    node: item,
                })
                .collect()
        })
        .unwrap_or_default();
    let resource = (ty == StateType::Task)
        .then(|| {
            node.get("Resource")
                .and_then(Node::as_str)
                .map(Resource::parse)
        })
        .flatten();
    let map_mode = (ty == StateType::Map).then(|| {
        let mode = node
            .get("ItemProcessor")
            .and_then(|p| p.get("ProcessorConfig"))
            .and_then(|c| c.get("Mode"))
            .and_then(Node::as_str);
        if mode == Some("DISTRIBUTED") {
            MapMode::Distributed
        } else {
            MapMode::Inline
        }
    });
    State {
        id,
        name,
        scope,
        pointer: state_pointer,
        node,
        ty,
        query_language,
        transitions,
        end: node.get("End").and_then(Node::as_bool) == Some(true),
        catchers,
        retriers,
        resource,
        map_mode,
        children: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::json;

    #[test]
    fn builds_nested_scopes_in_source_order() {
        let text = r#"{
          "StartAt": "P",
          "States": {
            "P": {"Type": "Parallel", "Next": "M", "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
            ], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
            "M": {"Type": "Map", "End": true, "ItemProcessor": {
              "ProcessorConfig": {"Mode": "DISTRIBUTED"},
              "StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true}}}},
            "F": {"Type": "Fail"}
          }
        }"#;
        let parsed = json::parse(text, 0).unwrap();
        let m = Machine::build(&parsed.root);
        let names: Vec<_> = m.states.iter().map(|s| (s.name, s.scope)).collect();
        assert_eq!(
            names,
            [("P", 0), ("M", 0), ("F", 0), ("A", 1), ("B", 2), ("C", 3)]
        );
        assert_eq!(m.scopes[1].kind, ScopeKind::Branch(0));
        assert_eq!(m.scopes[3].pointer, "/States/M/ItemProcessor");
        assert_eq!(m.states[0].children, [1, 2]);
        assert_eq!(m.states[1].map_mode, Some(MapMode::Distributed));
        assert!(m.states[0].catches_all());
        assert!(m.states[5].resource.as_ref().unwrap().is_long_running());
        assert_eq!(m.states[0].transitions[1].kind, TransitionKind::Catch(0));
        assert_eq!(m.target(0, "F"), Some(2));
        assert_eq!(m.target(1, "F"), None);
    }

    #[test]
    fn query_language_inherits_and_overrides() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B", "QueryLanguage": "JSONPath"},
            "B": {"Type": "Pass", "End": true}}}"#;
        let parsed = json::parse(text, 0).unwrap();
        let m = Machine::build(&parsed.root);
        assert_eq!(m.states[0].query_language, QueryLanguage::JsonPath);
        assert_eq!(m.states[1].query_language, QueryLanguage::Jsonata);
    }
}
