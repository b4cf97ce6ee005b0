use crate::diagnostic::Severity;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "unused-suppression",
    severity: Severity::Info,
    group: Group::Suppression,
    summary: "an `asl-lint-disable` directive suppresses nothing",
    doc: include_str!("../../../rules/unused-suppression.md"),
    default_enabled: true,
    check: None,
    options: &[],
};
