//! `--cost`: the estimate per definition, sharing the read, sniff and load steps.

use crate::diagnostic::Severity;
pub use crate::discovery::{Input, Source};
use crate::graph::MachineGraph;
use crate::loader::{self, FileKind, LoadProblem};
use crate::model::Machine;
use crate::read::ReadError;
use crate::rules::{self, Context, file_too_large::MAX_FILE_BYTES};

use super::*;

/// The cost estimate of one definition, or why a file has none.
#[derive(Debug)]
pub struct CostReport {
    pub file: String,
    /// Pointer to the resource in a template; `None` for a standalone file.
    pub definition: Option<String>,
    pub estimate: Result<crate::cost::Estimate, String>,
}

/// Errors that leave the state graph the estimate walks incomplete or
/// ambiguous (a `StartAt` or `Next` naming nothing, a state without `Next`
/// or `End`, a Choice rule without its `Next`): counting such a definition
/// would under-count. Errors elsewhere (an unreachable state, a bad ARN, a
/// state name used again in another scope) do not change what runs, so
/// they do not stop the estimate.
pub(super) const GRAPH_ERRORS: &[&str] = &[
    "unknown-transition-target",
    "transition-out-of-scope",
    "missing-required-field",
    "conflicting-fields",
    "invalid-choice-rule",
];

/// The rules of [`GRAPH_ERRORS`] that report an error on the definition,
/// in rule order.
pub(super) fn structural_errors(machine: &Machine<'_>, graph: &MachineGraph) -> Vec<&'static str> {
    let cx = Context::new(machine, graph);
    let mut found = Vec::new();
    for rule in rules::RULES
        .iter()
        .filter(|r| GRAPH_ERRORS.contains(&r.name))
    {
        let Some(check) = rule.check else { continue };
        let mut diagnostics = Vec::new();
        check(&cx, &mut diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            found.push(rule.name);
        }
    }
    found
}

/// Estimates every definition in the inputs (`--cost`), in input order.
pub fn estimate_all(inputs: &[Input], assumptions: &crate::cost::Assumptions) -> Vec<CostReport> {
    let mut out = Vec::new();
    for input in inputs {
        let bytes = read_input(input);
        let fail = |why: String| CostReport {
            file: input.display.clone(),
            definition: None,
            estimate: Err(why),
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge(size)) => {
                let size =
                    size.map_or_else(|| "more than the cap".to_string(), |s| format!("{s} bytes"));
                out.push(fail(format!(
                    "the file is too large to read ({size}; at most {MAX_FILE_BYTES} bytes are read)"
                )));
                continue;
            }
            Err(ReadError::Io(what)) => {
                out.push(fail(format!("cannot be read: {what}")));
                continue;
            }
        };
        let kind = FileKind::of(&input.display, &bytes);
        let stdin = matches!(input.source, Source::Stdin(_));
        if !stdin && !loader::is_asl_name(&input.display) && !loader::sniff(&bytes, kind) {
            continue;
        }
        let result = catch_panic(|| {
            let file = loader::load(bytes, kind);
            let syntax = file
                .problems
                .iter()
                .any(|p| matches!(p, LoadProblem::Syntax(_) | LoadProblem::YamlSyntax(_)));
            if syntax {
                return vec![fail(
                    "it does not parse; run asl-lint without --cost to see why".to_string(),
                )];
            }
            file.definitions()
                .iter()
                .map(|d| {
                    let estimate = match d.embedded.and_then(|e| e.syntax.as_ref()) {
                        Some(_) => Err("its definition does not parse".to_string()),
                        None => {
                            let machine = Machine::build(d.root);
                            let graph = MachineGraph::build(&machine);
                            // A definition AWS rejects has no cost to count:
                            // an unknown `StartAt` would read as 0 transitions.
                            let errors = structural_errors(&machine, &graph);
                            if errors.is_empty() {
                                Ok(crate::cost::estimate(&machine, &graph, assumptions))
                            } else {
                                Err(format!(
                                    "its definition has errors ({}); run asl-lint without --cost \
                                     to see them",
                                    crate::diagnostic::quoted_list(
                                        &errors[..errors.len().min(3)],
                                        errors.len()
                                    )
                                ))
                            }
                        }
                    };
                    CostReport {
                        file: input.display.clone(),
                        definition: d.pointer.clone(),
                        estimate,
                    }
                })
                .collect()
        });
        match result {
            Ok(reports) => out.extend(reports),
            Err(panic) => out.push(fail(format!("internal error: {panic}"))),
        }
    }
    out
}
