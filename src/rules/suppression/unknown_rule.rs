use crate::diagnostic::Severity;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "unknown-rule",
    severity: Severity::Warning,
    group: Group::Suppression,
    summary: "an `asl-lint-disable` directive names a rule that does not exist",
    doc: include_str!("../../../rules/unknown-rule.md"),
    default_enabled: true,
    check: None,
    options: &[],
};
