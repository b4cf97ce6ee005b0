use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::template::{SkipReason, Skipped};
use crate::loader::tree::Node;
use crate::rules::unlintable_definition::field_span;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "missing-definition-file",
    severity: Severity::Error,
    group: Group::Input,
    summary: "a SAM `DefinitionUri` or Terraform `file()` names a definition file that does not exist",
    doc: include_str!("../../rules/missing-definition-file.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// Checks a local `DefinitionUri` against the template's directory.
pub fn diagnostic(
    skipped: &Skipped,
    tree: Option<&Node>,
    dir: Option<&Path>,
) -> Option<Diagnostic> {
    let SkipReason::LocalFile(uri) = &skipped.reason else {
        return None;
    };
    // Without a directory (stdin) there is nothing to resolve against.
    let dir = dir?;
    let wanted = dir.join(uri);
    if wanted.is_file() {
        return None;
    }
    let mut d = Diagnostic::new(
        &RULE,
        "",
        format!(
            "`{}` names `{uri}`, which does not exist",
            skipped.field.rsplit('/').next().unwrap_or("DefinitionUri")
        ),
    )
    .label("no such file");
    d = match case_only_match(&wanted) {
        Some(actual) => d.help(format!(
            "`{actual}` exists with different letter case; SAM resolves paths case-sensitively \
             on Linux, so write it exactly"
        )),
        None => d.help("the path is relative to the template's folder"),
    };
    Some(match tree {
        Some(tree) => d.span(field_span(tree, &skipped.field)),
        None => d,
    })
}

/// A file whose name differs from `wanted`'s only in letter case.
fn case_only_match(wanted: &Path) -> Option<String> {
    let parent = wanted.parent()?;
    let name = wanted.file_name()?.to_string_lossy().to_lowercase();
    let mut entries: Vec<String> = std::fs::read_dir(parent)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase() == name)
        .collect();
    entries.sort();
    entries.into_iter().next()
}
