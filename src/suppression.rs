//! Inline suppressions. ASL has no comments, so they live in `Comment`
//! fields: `asl-lint-disable rule-a, rule-b -- reason`. In a state's
//! `Comment` they apply to that state, in the top-level `Comment` to the
//! whole definition. A bare `asl-lint-disable` disables every rule.

use crate::diagnostic::Diagnostic;
use crate::loader::pointer;
use crate::loader::tree::Node;
use crate::model::Machine;
use crate::rules::{self, suggest};

const DIRECTIVE: &str = "asl-lint-disable";

#[derive(Debug, Clone)]
pub struct Suppression {
    /// The state it applies to; `None` for the whole definition.
    pub state: Option<String>,
    /// The rules it names; `None` for all.
    pub rules: Option<Vec<String>>,
    /// Pointer to the `Comment` holding it.
    pub pointer: String,
    /// Rules it actually suppressed.
    used: Vec<String>,
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
            let rule_ok = s
                .rules
                .as_ref()
                .is_none_or(|r| r.iter().any(|n| n == d.rule));
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
                    if rules::by_name(name).is_none() {
                        let hint = suggest(name, rules::RULES.iter().map(|r| r.name))
                            .map(|x| format!("did you mean `{x}`?"))
                            .unwrap_or_else(|| {
                                "`asl-lint --list-rules` lists the rule names".to_string()
                            });
                        diagnostics.push(
                            Diagnostic::new(
                                &rules::unknown_rule::RULE,
                                s.pointer.clone(),
                                format!("`{name}` is not an asl-lint rule"),
                            )
                            .label("unknown rule in asl-lint-disable")
                            .help(hint),
                        );
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
            diagnostics.push(d);
        }
    }
    suppressed
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
