use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::json::ParseError;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-yaml",
    severity: Severity::Error,
    group: Group::Input,
    summary: "a YAML definition or template does not parse",
    doc: include_str!("../../../rules/invalid-yaml.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(error: &ParseError) -> Diagnostic {
    crate::rules::invalid_json::from_parse_error(&RULE, error)
}
