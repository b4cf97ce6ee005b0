use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "definition-too-large",
    severity: Severity::Error,
    group: Group::Input,
    summary: "the definition is larger than the 1,048,576 characters Step Functions accepts",
    doc: include_str!("../../../rules/definition-too-large.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// AWS's limit on a definition, in characters.
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

pub fn diagnostic(chars: usize) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        "",
        format!("the definition is {chars} characters long; Step Functions accepts at most {MAX_DEFINITION_CHARS}"),
    )
    .help("split it: move parts into child state machines (`states:startExecution.sync:2`), or pass large data through S3 instead of inline `Result` or `Parameters`")
}
