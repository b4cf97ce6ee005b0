use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "file-too-large",
    severity: Severity::Error,
    group: Group::Input,
    summary: "file is larger than the 64 MiB asl-lint reads, so it was skipped",
    doc: include_str!("../../rules/file-too-large.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// Files above this are not read. AWS accepts definitions up to 1 MiB, so
/// anything this large is not a deployable definition.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub fn diagnostic(size: u64) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        "",
        format!(
            "file is {} MiB; asl-lint reads at most {} MiB, so it was not linted",
            size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .help("Step Functions accepts definitions up to 1,048,576 characters; split or shrink the definition")
}
