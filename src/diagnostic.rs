//! What rules report (a JSON pointer, never an offset) and what renderers get
//! (the same finding resolved to a file, span, line and column).

use std::fmt;

use serde::Serialize;

use crate::edit::{Fix, PlacedFix};
use crate::source::LineCol;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of the node a pointer names gets the label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The member's key (`"Next"` in `"Next": "B"`); the value when there is no key.
    Key,
    /// The value.
    Value,
}

/// A secondary label, such as "first defined here".
#[derive(Clone, Debug)]
pub struct Related {
    pub pointer: String,
    pub target: Target,
    /// An exact span, for places no pointer can name (e.g. a duplicate key).
    pub span: Option<Span>,
    pub label: String,
}

/// A finding as a rule reports it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// RFC 6901 pointer into the definition; `""` for file-level findings.
    pub pointer: String,
    pub target: Target,
    /// Overrides the pointer's span (parse errors have no pointer to resolve).
    pub span: Option<Span>,
    pub related: Vec<Related>,
    /// The state the finding is about; filled from the pointer when unset.
    pub state: Option<String>,
    /// The edits that would resolve it, when the remedy is mechanical.
    pub fix: Option<Fix>,
    /// The path through the state machine it is about, for diagrams.
    pub path: Option<Box<FlowPath>>,
}

/// A path through a state machine that a finding is about: where it starts,
/// the states it passes, how it leaves and what is missing on the way (the
/// step summary draws it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowPath {
    /// States in order, the first where the path starts; each with whether
    /// it was entered through a Catch.
    pub states: Vec<(String, bool)>,
    /// Where states of a long path were left out: the index in `states` of
    /// the first state after the gap.
    pub gap_before: Option<usize>,
    /// How the path leaves the state machine: "fails", "ends", ...
    pub exit: String,
    /// What should have happened before the exit ("stop the Glue session").
    pub missing: Option<String>,
    /// States that never run because of it (the rest of a job chain).
    pub never_run: Vec<String>,
}

/// What a finding needs to know of its rule: findings know nothing else of
/// rules, so this module sits below them.
pub trait RuleId {
    fn name(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
}

/// Longer messages are cut (see [`Diagnostic::new`]).
const MAX_MESSAGE_BYTES: usize = 2_000;

impl Diagnostic {
    pub fn new(
        rule: &(impl RuleId + ?Sized),
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut message: String = message.into();
        // A backstop for text quoted from the input: messages stay readable
        // whatever a hostile file holds.
        if message.len() > MAX_MESSAGE_BYTES {
            message = shorten(&message, MAX_MESSAGE_BYTES / 4);
        }
        Diagnostic {
            rule: rule.name(),
            severity: rule.default_severity(),
            message,
            label: None,
            help: None,
            pointer: pointer.into(),
            target: Target::Value,
            span: None,
            related: Vec::new(),
            state: None,
            fix: None,
            path: None,
        }
    }

    pub fn path(mut self, path: FlowPath) -> Self {
        self.path = Some(Box::new(path));
        self
    }

    pub fn on_key(mut self) -> Self {
        self.target = Target::Key;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Appends a note to the help (or starts one), for context the engine
    /// knows and the rule does not, such as the template that deploys it.
    pub fn add_help(&mut self, note: &str) {
        self.help = Some(match self.help.take() {
            Some(help) => format!("{help}; {note}"),
            None => note.to_string(),
        });
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn state(mut self, name: impl Into<String>) -> Self {
        self.state = Some(name.into());
        self
    }

    pub fn related(
        mut self,
        pointer: impl Into<String>,
        target: Target,
        label: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            pointer: pointer.into(),
            target,
            span: None,
            label: label.into(),
        });
        self
    }

    pub fn related_span(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            pointer: String::new(),
            target: Target::Value,
            span: Some(span),
            label: label.into(),
        });
        self
    }
}

/// A finding placed in its file, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub state: Option<String>,
    /// Pointer to the state-machine resource inside a template.
    pub definition: Option<String>,
    pub pointer: String,
    pub span: Span,
    pub start: LineCol,
    /// Exclusive: the column after the last character.
    pub end: LineCol,
    pub related: Vec<(Span, String)>,
    pub fingerprint: String,
    /// The fix, placed as byte edits of this file.
    pub fix: Option<PlacedFix>,
    pub path: Option<Box<FlowPath>>,
    /// For a definition in generated CDK output: the construct path that
    /// made it (`aws:cdk:path`, `Stack/Construct/Resource`).
    pub construct: Option<String>,
}

impl Finding {
    /// The construct that made the definition, as messages name it:
    /// `Stack/Construct` (the `aws:cdk:path` without its `/Resource`).
    pub fn construct_name(&self) -> Option<&str> {
        let path = self.construct.as_deref()?;
        Some(path.strip_suffix("/Resource").unwrap_or(path))
    }

    /// The message, followed by ` (Stack/Construct)` for a definition in
    /// generated CDK output.
    pub fn message_with_construct(&self) -> std::borrow::Cow<'_, str> {
        match self.construct_name() {
            Some(c) => format!("{} ({c})", self.message).into(),
            None => self.message.as_str().into(),
        }
    }

    /// The documented report order: file, line, column, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.start.line,
            self.start.column,
            self.rule,
            &self.message,
        )
    }
}

/// A stable hash of where a finding is, without line numbers or message, so
/// it survives unrelated edits: FNV-1a 64 over file, rule, definition, state
/// and pointer, separated by NUL.
pub fn fingerprint(
    file: &str,
    rule: &str,
    definition: Option<&str>,
    state: Option<&str>,
    pointer: &str,
) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let fields = [
        file,
        rule,
        definition.unwrap_or(""),
        state.unwrap_or(""),
        pointer,
    ];
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            hash ^= 0;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for byte in field.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// "`A`", "`A` and `B`", "`A`, `B` and 3 more".
/// User text quoted in a message: one line, at most `max` characters (a
/// hostile file's 1 MB token must not become a 1 MB message).
pub fn shorten(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        out.push(if matches!(c, '\n' | '\r') { ' ' } else { c });
    }
    out
}

pub fn quoted_list(names: &[&str], total: usize) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let more = total.saturating_sub(names.len());
    match (quoted.len(), more) {
        (0, _) => String::new(),
        (1, 0) => quoted[0].clone(),
        (_, 0) => format!(
            "{} and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
        (_, n) => format!("{} and {n} more", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_field_sensitive() {
        let a = fingerprint(
            "a.asl.json",
            "unreachable-state",
            None,
            Some("X"),
            "/States/X",
        );
        assert_eq!(
            a,
            fingerprint(
                "a.asl.json",
                "unreachable-state",
                None,
                Some("X"),
                "/States/X"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "a.asl.json",
                "unreachable-state",
                None,
                Some("Y"),
                "/States/X"
            )
        );
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(
            fingerprint("ab", "c", None, None, ""),
            fingerprint("a", "bc", None, None, "")
        );
        assert_eq!(a.len(), 16);
    }
}
