//! What the editor asks about a document: quick fixes and "fix all",
//! "disable this rule for this state", hover, and the cost at a glance.

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeLens, Command, Hover,
    HoverContents, MarkupContent, MarkupKind, Position, Range, TextEdit, WorkspaceEdit,
};

use super::position::{Encoding, Lines};
use super::{Document, display_path, lint_document};
use crate::diagnostic::Finding;
use crate::edit::{Applicability, Edit, NewValue};
use crate::engine::{self, Input, Source};
use crate::fix;
use crate::loader::{self, FileKind, pointer};
use crate::model::Machine;
use crate::rules;

fn edit_for(uri: &lsp_types::Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some([(uri.clone(), edits)].into_iter().collect()),
        ..Default::default()
    }
}

fn overlaps(a: Range, b: Range) -> bool {
    !(a.end < b.start || b.end < a.start)
}

/// Each finding's fix in the range as a quick fix (safe ones preferred),
/// "disable this rule for this state", and "fix all safe problems".
/// The code actions for a range: quick fixes of the findings there, each
/// checked as `--fix` checks it (applied alone, the text must still parse,
/// gain no error and lose the finding; one that fails is not offered), the
/// "disable for this state" directive likewise, and "Fix all safe
/// problems". Fixing all is a whole `--fix` run: it is offered without its
/// edit and computed in `codeAction/resolve` when the client supports that,
/// and otherwise only when the request asks for `source.fixAll` by name, as
/// an editor does on save, never on the cursor moves that ask for quick
/// fixes.
pub fn code_actions(
    doc: &Document,
    params: &CodeActionParams,
    encoding: Encoding,
    resolve_edits: bool,
) -> Vec<CodeActionOrCommand> {
    let (report, settings) = lint_document(doc);
    let lines = Lines::new(&doc.text, encoding);
    let uri = &params.text_document.uri;
    let only = params.context.only.as_ref();
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    let input = Input {
        display: display_path(&doc.path),
        source: Source::Path(doc.path.clone()),
        explicit: true,
    };
    let bytes = doc.text.as_bytes();
    let mut out = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for f in &report.findings {
            let range = Range::new(
                lines.from_line_column(f.start.line, f.start.column),
                lines.from_line_column(f.end.line, f.end.column),
            );
            if !overlaps(range, params.range) {
                continue;
            }
            if let Some(placed) = &f.fix {
                let spans: Vec<_> = placed
                    .edits
                    .iter()
                    .map(|e| (e.span, e.content.as_str()))
                    .collect();
                if fix::edits_are_sound(&input, bytes, &settings, &report, &spans, Some(f)) {
                    let edits = placed
                        .edits
                        .iter()
                        .map(|e| TextEdit {
                            range: Range::new(
                                lines.position(e.span.start as usize),
                                lines.position(e.span.end as usize),
                            ),
                            new_text: e.content.clone(),
                        })
                        .collect();
                    let unsafe_note = match placed.applicability {
                        Applicability::Safe => "",
                        Applicability::Unsafe => " (unsafe: review it)",
                    };
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("{}{unsafe_note} [{}]", placed.message, f.rule),
                        kind: Some(CodeActionKind::QUICKFIX),
                        is_preferred: Some(placed.applicability == Applicability::Safe),
                        edit: Some(edit_for(uri, edits)),
                        ..Default::default()
                    }));
                }
            }
            if let Some(spans) = disable_for_state(doc, f) {
                let check: Vec<_> = spans.iter().map(|(s, c)| (*s, c.as_str())).collect();
                if !fix::edits_are_sound(&input, bytes, &settings, &report, &check, None) {
                    continue;
                }
                let edits = spans
                    .into_iter()
                    .map(|(span, content)| TextEdit {
                        range: Range::new(
                            lines.position(span.start as usize),
                            lines.position(span.end as usize),
                        ),
                        new_text: content,
                    })
                    .collect();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Disable `{}` for state `{}`",
                        f.rule,
                        f.state.as_deref().unwrap_or_default()
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    edit: Some(edit_for(uri, edits)),
                    ..Default::default()
                }));
            }
        }
    }
    let asked_by_name = only.is_some_and(|only| {
        only.iter().any(|o| {
            CodeActionKind::SOURCE_FIX_ALL
                .as_str()
                .starts_with(o.as_str())
                && o.as_str() != ""
        })
    });
    if wanted(&CodeActionKind::SOURCE_FIX_ALL) && fix::has_fixes(&report, false) {
        if resolve_edits {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe problems".to_string(),
                kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                data: Some(serde_json::json!({"uri": uri.as_str()})),
                ..Default::default()
            }));
        } else if asked_by_name && let Some(action) = fix_all(doc, uri, encoding) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

/// "Fix all safe problems" with its edit: the whole text as `--fix` leaves
/// it; `None` when nothing changes.
pub fn fix_all(doc: &Document, uri: &lsp_types::Uri, encoding: Encoding) -> Option<CodeAction> {
    let (_, settings) = lint_document(doc);
    let lines = Lines::new(&doc.text, encoding);
    let input = Input {
        display: display_path(&doc.path),
        source: Source::Path(doc.path.clone()),
        explicit: true,
    };
    let fixed = fix::fix_bytes(&input, doc.text.clone().into_bytes(), &settings, false);
    if !fixed.changed() {
        return None;
    }
    let text = String::from_utf8(fixed.fixed).ok()?;
    let whole = Range::new(Position::new(0, 0), lines.end());
    Some(CodeAction {
        title: format!("Fix all safe problems ({} fixes)", fixed.applied),
        kind: Some(CodeActionKind::SOURCE_FIX_ALL),
        edit: Some(edit_for(
            uri,
            vec![TextEdit {
                range: whole,
                new_text: text,
            }],
        )),
        ..Default::default()
    })
}

/// The `asl-lint-disable RULE` directive in the state's `Comment`: appended
/// to a Comment that has none, or a new `Comment`.
fn disable_for_state(doc: &Document, f: &Finding) -> Option<Vec<(crate::source::Span, String)>> {
    let state = f.state.as_deref()?;
    let kind = FileKind::of(&display_path(&doc.path), doc.text.as_bytes());
    let file = loader::load(doc.text.clone().into_bytes(), kind);
    let definitions = file.definitions();
    let definition = definitions
        .iter()
        .find(|d| d.pointer.as_deref() == f.definition.as_deref())?;
    let machine = Machine::build(definition.root);
    let target = machine
        .states
        .iter()
        .find(|s| s.name == state && pointer::is_prefix(&s.pointer, &f.pointer))?;
    let directive = format!("asl-lint-disable {}", f.rule);
    let edit = match target.get("Comment") {
        Some(comment) => {
            let text = comment.as_str()?;
            // One directive a Comment: a second would join the first's list.
            if text.contains("asl-lint-disable") {
                return None;
            }
            Edit::ReplaceValue {
                pointer: pointer::push(&target.pointer, "Comment"),
                value: NewValue::string(format!("{text} {directive}")),
            }
        }
        None => Edit::InsertMember {
            object: target.pointer.clone(),
            key: "Comment".into(),
            value: NewValue::string(directive),
        },
    };
    let edits = loader::edits::resolve(
        &file.text,
        kind,
        Some(definition.root),
        definition.embedded,
        &[edit],
    )
    .ok()?;
    Some(edits)
}

/// The rule's summary and the first paragraph of its doc, for a finding
/// under the cursor or a rule name in a directive.
pub fn hover(doc: &Document, at: Position, encoding: Encoding) -> Option<Hover> {
    let lines = Lines::new(&doc.text, encoding);
    let offset = lines.offset(at);
    let (report, _) = lint_document(doc);
    // Under a finding, the severity is the finding's (options, overrides
    // and the configuration set it); on a directive, the rule's default.
    let found = report
        .findings
        .iter()
        .find(|f| f.span.start as usize <= offset && offset <= f.span.end as usize)
        .map(|f| (f.rule, Some(f.severity)))
        .or_else(|| directive_rule_at(&doc.text, offset).map(|r| (r, None)));
    let data = state_data(doc, offset);
    let Some((rule, severity)) = found else {
        return data.map(markdown);
    };
    let rule = rules::by_name(rule)?;
    let mut value = format!(
        "**{}** ({}): {}\n\n{}\n\n[Rule documentation]({})",
        rule.name,
        severity.unwrap_or(rule.severity),
        rule.summary,
        crate::render::sarif::what_it_does(rule.doc),
        rules::doc_url(rule.name)
    );
    if let Some(data) = data {
        value.push_str("\n\n---\n\n");
        value.push_str(&data);
    }
    Some(markdown(value))
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }
}

/// On a state's name: what the data-flow analysis knows reaches it and
/// what it passes on ("what does this state receive?"), each route's shape
/// shortened.
fn state_data(doc: &Document, offset: usize) -> Option<String> {
    let display = display_path(&doc.path);
    let kind = FileKind::of(&display, doc.text.as_bytes());
    let file = loader::load(doc.text.clone().into_bytes(), kind);
    for definition in file.definitions() {
        let machine = Machine::build(definition.root);
        let Some(state) = machine.states.iter().find(|s| {
            machine.scopes[s.scope]
                .node
                .get("States")
                .and_then(|n| n.as_object())
                .and_then(|o| o.member(s.name))
                .is_some_and(|m| {
                    m.key_span.start as usize <= offset && offset <= m.key_span.end as usize
                })
        }) else {
            continue;
        };
        let graph = crate::graph::MachineGraph::build(&machine);
        let flow = crate::dataflow::DataFlow::compute(&machine, &graph);
        let inputs = flow.inputs(state.id);
        let mut value = format!("**{}** receives", state.name);
        if inputs.is_empty() {
            value.push_str(" nothing: no route reaches it.");
        } else {
            for alt in inputs.iter().take(crate::dataflow::MAX_ALTERNATIVES) {
                let from = match alt.trail.origin() {
                    Some(o) if o.caught => {
                        format!(" (from a Catch of `{}`)", machine.states[o.state].name)
                    }
                    Some(o) => format!(" (from `{}`)", machine.states[o.state].name),
                    None => " (the execution input)".to_string(),
                };
                value.push_str(&format!("\n- `{}`{from}", alt.shape.describe()));
            }
            let outputs: Vec<String> = inputs
                .iter()
                .filter_map(|alt| flow.output(state.id, alt))
                .map(|s| format!("`{}`", s.describe()))
                .collect();
            if !outputs.is_empty() {
                value.push_str(&format!("\n\nand passes on {}", outputs.join(" or ")));
            }
            value.push_str(
                "\n\n`any` is a value nothing is known about; `x?` a field that may be missing.",
            );
        }
        return Some(value);
    }
    None
}

/// The rule name under `offset` on a line holding a directive.
fn directive_rule_at(text: &str, offset: usize) -> Option<&'static str> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    if !line.contains("asl-lint-disable") {
        return None;
    }
    let word = |c: char| c.is_ascii_lowercase() || c == '-';
    let at = offset - line_start;
    let start = line[..at].rfind(|c: char| !word(c)).map_or(0, |i| i + 1);
    let end = line[at..]
        .find(|c: char| !word(c))
        .map_or(line.len(), |i| at + i);
    rules::by_name(&line[start..end]).map(|r| r.name)
}

/// A code lens on each definition's `StartAt` with `--cost`'s estimate.
pub fn cost_lenses(doc: &Document, encoding: Encoding) -> Vec<CodeLens> {
    let display = display_path(&doc.path);
    let kind = FileKind::of(&display, doc.text.as_bytes());
    let file = loader::load(doc.text.clone().into_bytes(), kind);
    let lines = Lines::new(&doc.text, encoding);
    let estimates = engine::estimate_all(
        &[Input {
            display: display.clone(),
            source: Source::Stdin(doc.text.clone().into_bytes()),
            explicit: true,
        }],
        &crate::cost::Assumptions::default(),
    );
    let mut out = Vec::new();
    for definition in file.definitions() {
        let Some(start_at) = definition
            .root
            .as_object()
            .and_then(|o| o.member("StartAt"))
        else {
            continue;
        };
        let range = Range::new(
            lines.position(start_at.key_span.start as usize),
            lines.position(start_at.key_span.end as usize),
        );
        let lens = |title: String| CodeLens {
            range,
            command: Some(Command {
                title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        };
        let estimate = match estimates
            .iter()
            .find(|e| e.definition == definition.pointer)
            .map(|e| e.estimate.as_ref())
        {
            Some(Ok(estimate)) => estimate,
            Some(Err(why)) => {
                out.push(lens(format!("no cost estimate: {why}")));
                continue;
            }
            None => continue,
        };
        let t = &estimate.transitions;
        let transitions = match t.max {
            Some(max) if max == t.min => format!("{max} transitions"),
            Some(max) => format!("{}–{max} transitions", t.min),
            None if t.min.more_than => format!("{} transitions (a loop nothing bounds)", t.min),
            None => format!("{}+ transitions (a loop nothing bounds)", t.min),
        };
        let dollars = crate::render::cost::range_figure_usd(
            estimate.standard_usd_per_million.min,
            estimate.standard_usd_per_million.max,
        );
        out.push(lens(format!(
            "{transitions} · {dollars} per million executions (Standard)"
        )));
    }
    out
}
