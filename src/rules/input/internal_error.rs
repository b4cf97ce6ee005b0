use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "internal-error",
    severity: Severity::Error,
    group: Group::Input,
    summary: "asl-lint failed on this file (a bug in asl-lint)",
    doc: include_str!("../../../rules/internal-error.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(what: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        "",
        format!("internal error while linting this file: {what}"),
    )
    .help(format!(
        "this is a bug in asl-lint {}; please report it with the file at {}/issues",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_REPOSITORY")
    ))
}
