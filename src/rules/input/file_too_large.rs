use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "file-too-large",
    severity: Severity::Error,
    group: Group::Input,
    summary: "file is larger than the 64 MiB asl-lint reads, so it was skipped",
    doc: include_str!("../../../rules/file-too-large.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// Files above this are not read. AWS accepts definitions up to 1 MiB, so
/// anything this large is not a deployable definition.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// `size` in bytes when known (stdin's is not: it is read only to the cap).
pub fn diagnostic(size: Option<u64>) -> Diagnostic {
    let what = match size {
        Some(size) => format!("file is {size} bytes"),
        None => "input is larger than that".to_string(),
    };
    Diagnostic::new(
        &RULE,
        "",
        format!(
            "asl-lint reads at most {MAX_FILE_BYTES} bytes ({} MiB) of a file, and this {what}, \
             so it was not linted",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .help("Step Functions accepts definitions up to 1,048,576 characters; split or shrink the definition")
}
