use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "io-error",
    severity: Severity::Error,
    group: Group::Input,
    summary: "a file could not be read",
    doc: include_str!("../../../rules/io-error.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(what: &str) -> Diagnostic {
    Diagnostic::new(&RULE, "", format!("cannot read file: {what}"))
}
