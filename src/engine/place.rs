//! Placement: a rule's JSON pointer becomes a span, a line and column, the
//! state it is about and its fix as byte edits of the file.

use crate::diagnostic::{Diagnostic, Finding, Target, fingerprint};
use crate::edit::{Applicability, PlacedFix, TextEdit};
use crate::loader::tree::Span;
use crate::loader::{self, Definition, FileKind};
use crate::model::Machine;
use crate::source::LineIndex;
use std::collections::HashMap;

/// The state each diagnostic is about: the deepest state whose pointer is a
/// prefix of the diagnostic's pointer.
pub(super) fn attribute_states(
    machine: &Machine<'_>,
    diagnostics: &[Diagnostic],
) -> Vec<Option<String>> {
    let by_pointer: HashMap<&str, &str> = machine
        .states
        .iter()
        .map(|s| (s.pointer.as_str(), s.name))
        .collect();
    diagnostics
        .iter()
        .map(|d| {
            let mut ptr = d.pointer.as_str();
            loop {
                if let Some(name) = by_pointer.get(ptr) {
                    return Some(name.to_string());
                }
                ptr = &ptr[..ptr.rfind('/')?];
            }
        })
        .collect()
}

/// A fix as byte edits, before lines and columns are known.
pub(super) type ResolvedFix = (Applicability, String, Vec<(Span, String)>);

/// Resolves pointers to spans and spans to lines and columns.
pub(super) fn place(
    path: &str,
    text: &str,
    kind: FileKind,
    definition: Option<&Definition<'_>>,
    diagnostics: Vec<Diagnostic>,
    lines: &std::cell::OnceCell<LineIndex>,
) -> Vec<Finding> {
    let spans: Vec<Span> = diagnostics
        .iter()
        .map(|d| span_of(definition, &d.pointer, d.target, d.span))
        .collect();
    let fixes = resolve_fixes(text, kind, definition, &diagnostics);
    // One pass over the text turns every offset into a line and column:
    // the findings' starts and ends first, then each fix edit's.
    let mut offsets = Vec::with_capacity(spans.len() * 2);
    for s in &spans {
        offsets.push(s.start as usize);
        offsets.push(s.end as usize);
    }
    for (_, _, edits) in fixes.iter().flatten() {
        for (s, _) in edits {
            offsets.push(s.start as usize);
            offsets.push(s.end as usize);
        }
    }
    let positions = if offsets.is_empty() {
        Vec::new()
    } else {
        lines
            .get_or_init(|| LineIndex::new(text))
            .positions(text, &offsets)
    };
    let at = |i: usize| positions.get(i).copied().unwrap_or(FIRST_POSITION);
    let placed_fixes = place_fixes(fixes, &at, 2 * spans.len());
    let definition_pointer = definition.and_then(|d| d.pointer.clone());
    diagnostics
        .into_iter()
        .zip(placed_fixes)
        .enumerate()
        .map(|(i, (d, fix))| {
            let related = d
                .related
                .iter()
                .map(|r| {
                    (
                        span_of(definition, &r.pointer, r.target, r.span),
                        r.label.clone(),
                    )
                })
                .collect();
            Finding {
                fingerprint: fingerprint(
                    path,
                    d.rule,
                    definition_pointer.as_deref(),
                    d.state.as_deref(),
                    &d.pointer,
                ),
                file: path.to_string(),
                rule: d.rule,
                severity: d.severity,
                message: d.message,
                label: d.label,
                help: d.help,
                state: d.state,
                definition: definition_pointer.clone(),
                pointer: d.pointer,
                span: spans[i],
                start: at(2 * i),
                end: at(2 * i + 1),
                related,
                fix,
                path: d.path,
            }
        })
        .collect()
}

/// Where a position that cannot be found is shown.
const FIRST_POSITION: crate::source::LineCol = crate::source::LineCol { line: 1, column: 1 };

/// The span a pointer names: the rule's own span if it gave one, else the
/// key or value the pointer resolves to (a missing field: the key of its
/// closest existing parent).
fn span_of(
    definition: Option<&Definition<'_>>,
    pointer: &str,
    target: Target,
    explicit: Option<Span>,
) -> Span {
    if let Some(span) = explicit {
        return span;
    }
    let Some(definition) = definition else {
        return Span::default();
    };
    let resolved = definition.root.resolve(pointer);
    match (target, resolved.key_span) {
        (Target::Key, Some(key)) => key,
        (Target::Value, Some(key)) if !resolved.exact => key,
        _ => resolved.node.span,
    }
}

/// Each diagnostic's fix as byte edits of the file. A fix that cannot be
/// written in this file (a Terraform string, an approximate
/// `DefinitionString`) is not offered.
fn resolve_fixes(
    text: &str,
    kind: FileKind,
    definition: Option<&Definition<'_>>,
    diagnostics: &[Diagnostic],
) -> Vec<Option<ResolvedFix>> {
    diagnostics
        .iter()
        .map(|d| {
            let fix = d.fix.as_ref()?;
            let edits = loader::edits::resolve(
                text,
                kind,
                definition.map(|d| d.root),
                definition.and_then(|d| d.embedded),
                &fix.edits,
            )
            .ok()?;
            Some((fix.applicability, fix.message.clone(), edits))
        })
        .collect()
}

/// The fixes with lines and columns: the edits' positions follow the
/// findings' in `at`, two per edit from `first`.
fn place_fixes(
    fixes: Vec<Option<ResolvedFix>>,
    at: &dyn Fn(usize) -> crate::source::LineCol,
    first: usize,
) -> Vec<Option<PlacedFix>> {
    let mut next = first;
    fixes
        .into_iter()
        .map(|fix| {
            let (applicability, message, edits) = fix?;
            let edits = edits
                .into_iter()
                .map(|(span, content)| {
                    let i = next;
                    next += 2;
                    TextEdit {
                        span,
                        content,
                        start: at(i),
                        end: at(i + 1),
                    }
                })
                .collect();
            Some(PlacedFix {
                applicability,
                message,
                edits,
            })
        })
        .collect()
}
