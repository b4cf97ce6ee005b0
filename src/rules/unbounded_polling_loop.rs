use crate::config::{OptionKind, RuleOption};
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Value, walk};
use crate::model::StateType;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unbounded-polling-loop",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a Wait -> Task -> Choice loop that nothing bounds: no counter, no elapsed-time check",
    doc: include_str!("../../rules/unbounded-polling-loop.md"),
    default_enabled: true,
    check: Some(check),
    options: &[RuleOption {
        name: "max-poll-seconds",
        kind: OptionKind::Number,
        help: "a top-level `TimeoutSeconds` up to this makes a finding an info (default 86400)",
    }],
};

/// Option `max-poll-seconds`: a top-level `TimeoutSeconds` up to this ends
/// the loop soon enough: still worth knowing, but an info.
const MAX_POLL_SECONDS: f64 = 86_400.0;

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let max_poll = cx.number_option(&RULE, "max-poll-seconds", MAX_POLL_SECONDS);
    let bounded = crate::cost::bounded_loops(m, cx.graph);
    let execution_timeout = m
        .root
        .get("TimeoutSeconds")
        .and_then(|n| n.as_number())
        .map(|n| n.as_f64());
    for sg in &cx.graph.scopes {
        for scc in sg.sccs() {
            if !crate::graph::is_cycle(&sg.graph, scc) {
                continue;
            }
            let states: Vec<usize> = scc.iter().filter_map(|&n| sg.state(n)).collect();
            let of = |ty: StateType| states.iter().copied().find(|&s| m.states[s].ty == ty);
            let (Some(wait), Some(_task), Some(choice)) = (
                of(StateType::Wait),
                of(StateType::Task),
                of(StateType::Choice),
            ) else {
                continue;
            };
            let counted = bounded
                .iter()
                .any(|l| l.states.contains(&choice) || l.states == states);
            let timed = states.iter().any(|&s| {
                m.states[s].ty == StateType::Choice && checks_elapsed_time(m.states[s].node)
            });
            // A counter kept by a Lambda (AWS's "iterate a loop with a Lambda"
            // pattern): the Choice tests a field or the loop has a state
            // whose name says it counts.
            let counter_like = states.iter().any(|&s| {
                let st = &m.states[s];
                names_a_counter(st.name)
                    || (st.ty == StateType::Choice
                        && choice_variables(st.node).iter().any(|v| names_a_counter(v)))
            });
            if counted || timed || counter_like {
                continue;
            }
            let w = &m.states[wait];
            let mut d = Diagnostic::new(
                &RULE,
                w.pointer.clone(),
                format!(
                    "`{}` polls in a loop through `{}` with no bound: each round is at least 3 \
                     billed transitions, and after about 3,000 rounds the 25,000-event history \
                     limit fails the execution and loses the work",
                    w.name, m.states[choice].name
                ),
            )
            .on_key()
            .label("unbounded polling loop")
            .help(
                "use the service's `.sync` integration or a `.waitForTaskToken` callback instead \
                 of polling; otherwise count the rounds and leave the loop at a maximum, or \
                 compare `$$.Execution.StartTime` in the Choice",
            );
            if execution_timeout.is_some_and(|t| t <= max_poll) {
                d.message.push_str(
                    "; the top-level `TimeoutSeconds` ends it soon enough, so this is an info",
                );
                d = d.severity(Severity::Info);
            }
            out.push(d);
        }
    }
}

/// Whether a name says it counts rounds: `count`, `iterator`, `attempts`,
/// `retries`, `tries`.
fn names_a_counter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["count", "iterat", "attempt", "retries", "tries"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The `Variable` paths (and JSONata conditions) a Choice tests.
fn choice_variables(choice: &crate::loader::tree::Node) -> Vec<String> {
    let mut out = Vec::new();
    walk(choice, |_, key, node| {
        if let (Some("Variable" | "Condition"), Some(s)) = (key, node.as_str()) {
            out.push(s.to_string());
        }
        true
    });
    out
}

/// Whether a Choice compares against the execution's start time or the
/// current time (an elapsed-time bound).
fn checks_elapsed_time(choice: &crate::loader::tree::Node) -> bool {
    let mut found = false;
    walk(choice, |_, _, node| {
        if let Value::String(s) = &node.value
            && (s.contains("Execution.StartTime")
                || s.contains("$now()")
                || s.contains("EnteredTime"))
        {
            found = true;
        }
        !found
    });
    found
}
