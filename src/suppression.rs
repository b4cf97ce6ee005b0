//! Inline suppressions. ASL has no comments, so they live in `Comment`
//! fields: `asl-lint-disable rule-a, rule-b -- reason`. In a state's
//! `Comment` they apply to that state, in the top-level `Comment` to the
//! whole definition. A bare `asl-lint-disable` disables every rule.
//!
//! YAML has real comments: `# asl-lint-disable rule-a` on a state's key line
//! applies to that state, and on a top-level key line (`StartAt:`) to the
//! whole definition.

use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::{Node, Span};
use crate::model::Machine;
use crate::rules::{self, suggest};

const DIRECTIVE: &str = "asl-lint-disable";

#[derive(Debug, Clone)]
pub struct Suppression {
    /// The state it applies to; `None` for the whole definition.
    pub state: Option<String>,
    /// The rules it names; `None` for all.
    pub rules: Option<Vec<String>>,
    /// Pointer to the `Comment` holding it (for a YAML comment, to the state).
    pub pointer: String,
    /// The YAML comment holding it; `None` for a `Comment` field.
    pub span: Option<Span>,
    /// The `Comment` text holding it, so that a fix can take it out.
    comment: Option<String>,
    /// For a YAML comment: its text after `#`, and the bytes to delete to
    /// take the whole comment out (its line, when it has one of its own).
    yaml_comment: Option<(String, Span)>,
    /// Rules it actually suppressed.
    used: Vec<String>,
}

impl Suppression {
    /// A YAML comment directive for `state` (or the whole definition).
    fn yaml(
        state: Option<&str>,
        pointer: &str,
        list: Vec<String>,
        span: Span,
        comment: (String, Span),
    ) -> Suppression {
        Suppression {
            yaml_comment: Some(comment),
            state: state.map(str::to_string),
            rules: (!list.is_empty()).then_some(list),
            pointer: pointer.to_string(),
            span: Some(span),
            comment: None,
            used: Vec::new(),
        }
    }

    /// A template resource's `Metadata: {asl-lint: {ignore: [...]}}`, which
    /// applies to its whole definition; `span` is the list in the template,
    /// where unknown names and unused entries are reported.
    pub fn metadata(rules: Vec<String>, span: Span) -> Suppression {
        Suppression {
            state: None,
            rules: Some(rules),
            pointer: String::new(),
            span: Some(span),
            comment: None,
            yaml_comment: None,
            used: Vec::new(),
        }
    }
}

/// The rule list of a directive in a comment: `None` when there is no
/// directive, `Some(vec![])` for a bare one.
pub fn parse(comment: &str) -> Option<Vec<String>> {
    let at = comment.find(DIRECTIVE)?;
    // `asl-lint-disabled` or `xasl-lint-disable` are not the directive.
    let before_ok = comment[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() && c != '-');
    let rest = &comment[at + DIRECTIVE.len()..];
    let after_ok = rest
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || c == ',' || c == ':');
    if !before_ok || !after_ok {
        return None;
    }
    let list = rest.split(" -- ").next().unwrap_or("");
    Some(
        list.split(|c: char| c == ',' || c.is_whitespace())
            .map(|r| r.trim_matches(|c: char| c == ':' || c == '.'))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Every directive in a definition.
pub fn collect(machine: &Machine<'_>) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut push = |comment: Option<&Node>, state: Option<&str>, base: &str| {
        let Some(text) = comment.and_then(Node::as_str) else {
            return;
        };
        if let Some(list) = parse(text) {
            out.push(Suppression {
                state: state.map(str::to_string),
                rules: (!list.is_empty()).then_some(list),
                pointer: pointer::push(base, "Comment"),
                span: None,
                comment: Some(text.to_string()),
                yaml_comment: None,
                used: Vec::new(),
            });
        }
    };
    push(machine.root.get("Comment"), None, "");
    for s in &machine.states {
        push(s.get("Comment"), Some(s.name), &s.pointer);
    }
    out
}

/// Directives in YAML comments (`# asl-lint-disable ...`). On the key line of
/// a state, or of a top-level field of the definition, a directive applies
/// to that state or to the whole definition. On a line of its own it applies
/// to the key on the next line that is not a comment: a state's key, a field
/// inside a state (then to that state) or a top-level key; before the first
/// key of the definition, to the whole definition.
///
/// A definition inside a template (`standalone` false) reads only its own
/// lines: from the comment lines just above its first key to the first
/// line after it that is not a comment. Its directives are its own, and a
/// template of 20,000 definitions is not scanned 20,000 times. `lines` is
/// the file's line index, built on first use and shared by its definitions.
pub fn yaml_comments(
    machine: &Machine<'_>,
    text: &str,
    lines: &std::cell::OnceCell<crate::source::LineIndex>,
    standalone: bool,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let range = if standalone {
        0..text.len()
    } else {
        definition_lines(text, machine.root.span)
    };
    if !text[range.clone()].contains(DIRECTIVE) {
        return out;
    }
    // One line index for the file: key lines by number, not by re-scanning
    // the text before each key (quadratic on 20,000 states).
    let index = lines.get_or_init(|| crate::source::LineIndex::new(text));
    let mut owners: std::collections::BTreeMap<usize, (Option<&str>, String)> = Default::default();
    if let Some(root) = machine.root.as_object() {
        for m in &root.members {
            owners.insert(
                index.line_of(m.key_span.start as usize),
                (None, String::new()),
            );
        }
    }
    let mut state_lines: Vec<(usize, usize)> = Vec::new();
    for s in &machine.states {
        if let Some(key) = machine.root.resolve(&s.pointer).key_span {
            let line = index.line_of(key.start as usize);
            owners.insert(line, (Some(s.name), s.pointer.clone()));
            // The state's node ends where its value ends.
            let end = index.line_of(s.node.span.end as usize);
            state_lines.push((line, end));
        }
    }
    state_lines.sort_unstable();
    let first_key = owners.keys().next().copied().unwrap_or(0);
    // Whom a line's key belongs to: its own owner, else the innermost state
    // whose lines hold it, else the whole definition.
    let owner_of = |line: usize| -> (Option<&str>, String) {
        if let Some(o) = owners.get(&line) {
            return o.clone();
        }
        // The latest state starting at or before the line, walking back
        // past siblings that already ended (a bounded walk: nesting is
        // shallow, and this runs once per directive).
        let at = state_lines.partition_point(|&(start, _)| start <= line);
        let holder = state_lines[..at]
            .iter()
            .rev()
            .take(64)
            .find(|&&(start, end)| start <= line && line <= end);
        match holder.and_then(|(start, _)| owners.get(start)) {
            Some(o) => o.clone(),
            None => (None, String::new()),
        }
    };
    let mut pending: Vec<(Vec<String>, Span, (String, Span))> = Vec::new();
    let mut offset = range.start;
    let first_line = index.line_of(range.start);
    for (i, line) in text[range].split_inclusive('\n').enumerate() {
        let n = first_line + i;
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        let own_line = trimmed.starts_with('#');
        if !own_line && !trimmed.is_empty() && !pending.is_empty() {
            let (state, pointer) = if n < first_key {
                (None, String::new())
            } else {
                owner_of(n)
            };
            for (list, span, comment) in pending.drain(..) {
                out.push(Suppression::yaml(state, &pointer, list, span, comment));
            }
        }
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = &line[hash + 1..];
        let Some(list) = parse(comment) else {
            continue;
        };
        let end = start + line.trim_end().len();
        let span = Span::new(start + hash, end);
        // Taking the comment out: its whole line, or the comment and the
        // spaces before it at the end of a key's line.
        let removal = if own_line {
            Span::new(start, start + line.len())
        } else {
            let before = line[..hash].trim_end().len();
            Span::new(start + before, end)
        };
        let comment = (comment.trim_end().to_string(), removal);
        if own_line {
            pending.push((list, span, comment));
            continue;
        }
        let Some((state, pointer)) = owners.get(&n) else {
            continue;
        };
        out.push(Suppression::yaml(*state, pointer, list, span, comment));
    }
    out
}

/// The lines of a definition inside a template, as a byte range: the lines
/// its node spans, the comment (or blank) lines right above them, and the
/// lines after them up to and including the first that is not a comment
/// (where a directive on a line of its own at the end takes effect).
fn definition_lines(text: &str, span: Span) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line_end =
        |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i + 1);
    let quiet = |line: &str| {
        let t = line.trim();
        t.is_empty() || t.starts_with('#')
    };
    let span_start = (span.start as usize).min(text.len());
    let mut start = line_start(span_start);
    while start > 0 {
        let above = line_start(start - 1);
        if !quiet(&text[above..start]) {
            break;
        }
        start = above;
    }
    let last = (span.end as usize)
        .saturating_sub(1)
        .clamp(span_start, text.len());
    let mut end = if last < text.len() {
        line_end(last)
    } else {
        text.len()
    };
    while end < text.len() {
        let next = line_end(end);
        let was_quiet = quiet(&text[end..next]);
        end = next;
        if !was_quiet {
            break;
        }
    }
    start..end
}

/// Where a YAML comment starts on a line: a `#` at the start or after
/// whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None => {}
        }
        previous = c;
    }
    None
}

/// Removes suppressed diagnostics (returning how many), then reports unknown
/// rule names and directives that suppressed nothing among `enabled` rules.
pub fn apply(
    suppressions: &mut [Suppression],
    diagnostics: &mut Vec<Diagnostic>,
    enabled: &dyn Fn(&str) -> bool,
) -> usize {
    let before = diagnostics.len();
    diagnostics.retain(|d| {
        let hit = suppressions.iter_mut().find(|s| {
            let scope_ok = s.state.is_none() || s.state.as_deref() == d.state.as_deref();
            let rule_ok = s.rules.as_ref().is_none_or(|r| {
                r.iter()
                    .any(|n| n == d.rule || rules::select(n).is_some_and(|g| g.contains(&d.rule)))
            });
            scope_ok && rule_ok
        });
        match hit {
            Some(s) => {
                s.used.push(d.rule.to_string());
                false
            }
            None => true,
        }
    });
    let suppressed = before - diagnostics.len();
    for s in suppressions.iter() {
        let mut unused = Vec::new();
        match &s.rules {
            None => {
                if s.used.is_empty() {
                    unused.push("any rule".to_string());
                }
            }
            Some(list) => {
                for name in list {
                    if rules::select(name).is_none() {
                        let hint = suggest(name, rules::selector_names())
                            .map(|x| format!("did you mean `{x}`?"))
                            .unwrap_or_else(|| {
                                "`asl-lint --list-rules` lists the rule names".to_string()
                            });
                        let mut d = Diagnostic::new(
                            &rules::unknown_rule::RULE,
                            s.pointer.clone(),
                            format!("`{name}` is not an asl-lint rule"),
                        )
                        .label("unknown rule in asl-lint-disable")
                        .help(hint);
                        if let Some(span) = s.span {
                            d = d.span(span);
                        }
                        diagnostics.push(d);
                    } else if rules::by_name(name).is_none() {
                        // A group: unused when none of its enabled rules was silenced.
                        let members = rules::select(name).unwrap_or_default();
                        let used = members.iter().any(|m| s.used.iter().any(|u| u == m));
                        if !used && members.iter().any(|m| enabled(m)) {
                            unused.push(format!("`{name}`"));
                        }
                    } else if enabled(name) && !s.used.iter().any(|u| u == name) {
                        unused.push(format!("`{name}`"));
                    }
                }
            }
        }
        if !unused.is_empty() {
            let mut d = Diagnostic::new(
                &rules::unused_suppression::RULE,
                s.pointer.clone(),
                format!("this asl-lint-disable suppresses nothing for {}", unused.join(", ")),
            )
            .label("unused suppression")
            .help("remove it (or the rule names it no longer needs): stale suppressions hide future findings");
            if let Some(state) = &s.state {
                d = d.state(state.clone());
            }
            if let Some(span) = s.span {
                d = d.span(span);
            }
            let fix = match (&s.comment, &s.yaml_comment) {
                (Some(c), _) => removal(s, c, &unused),
                (None, Some((text, whole))) => yaml_removal(s, text, *whole, &unused),
                (None, None) => None,
            };
            if let Some(fix) = fix {
                d = d.fix(fix);
            }
            diagnostics.push(d);
        }
    }
    suppressed
}

/// Where the directive starts in `text`, its ` -- reason` (or ""), and the
/// names of its list that something still uses.
fn still_used<'a>(
    s: &'a Suppression,
    text: &'a str,
    unused: &[String],
) -> Option<(usize, &'a str, Vec<&'a str>)> {
    let at = text.find(DIRECTIVE)?;
    let rest = &text[at + DIRECTIVE.len()..];
    let reason = rest.find(" -- ").map_or("", |i| &rest[i..]);
    let unused_names: Vec<&str> = unused.iter().map(|u| u.trim_matches('`')).collect();
    let kept = s
        .rules
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|n| !unused_names.contains(n))
        .collect();
    Some((at, reason, kept))
}

/// The fix for an unused directive in a YAML comment: the comment goes (its
/// line too, when it has one) when nothing of it is used and it says nothing
/// else; otherwise the unused names leave its list.
fn yaml_removal(s: &Suppression, text: &str, whole: Span, unused: &[String]) -> Option<Fix> {
    let span = s.span?;
    let (at, reason, kept) = still_used(s, text, unused)?;
    let (edit, message) = match (kept.is_empty(), text[..at].trim().is_empty()) {
        (true, true) => (
            Edit::File {
                span: whole,
                content: String::new(),
            },
            "Remove the unused directive".to_string(),
        ),
        // Other words before the directive stay.
        (true, false) => (
            Edit::File {
                span,
                content: format!("#{}", text[..at].trim_end()),
            },
            "Remove the unused directive".to_string(),
        ),
        (false, _) => (
            Edit::File {
                span,
                content: format!("#{}{DIRECTIVE} {}{reason}", &text[..at], kept.join(", ")),
            },
            format!("Remove {} from the directive", unused.join(", ")),
        ),
    };
    Some(Fix::safe(message, vec![edit]))
}

/// The fix for an unused directive in a `Comment`: the unused names leave
/// its list, the whole directive (and its reason) leaves when nothing is
/// left, and the `Comment` goes when it held only the directive.
fn removal(s: &Suppression, comment: &str, unused: &[String]) -> Option<Fix> {
    let (at, reason, kept) = still_used(s, comment, unused)?;
    let before = comment[..at].trim_end();
    let new_comment = if kept.is_empty() {
        before.to_string()
    } else {
        format!("{}{DIRECTIVE} {}{reason}", &comment[..at], kept.join(", "))
    };
    let edit = if new_comment.is_empty() {
        Edit::RemoveMember {
            pointer: s.pointer.clone(),
        }
    } else {
        Edit::ReplaceValue {
            pointer: s.pointer.clone(),
            value: NewValue::string(new_comment),
        }
    };
    let message = if kept.is_empty() {
        "Remove the unused directive".to_string()
    } else {
        format!("Remove {} from the directive", unused.join(", "))
    };
    Some(Fix::safe(message, vec![edit]))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn directive_forms() {
        assert_eq!(parse("asl-lint-disable"), Some(vec![]));
        assert_eq!(
            parse("Stopped by the fleet reaper. asl-lint-disable unbounded-billable-resource"),
            Some(vec!["unbounded-billable-resource".to_string()])
        );
        assert_eq!(
            parse("asl-lint-disable a-rule, b-rule -- reviewed with finance"),
            Some(vec!["a-rule".to_string(), "b-rule".to_string()])
        );
        assert_eq!(parse("nothing here"), None);
        assert_eq!(parse("asl-lint-disabled for now"), None);
    }
}
