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
    doc: include_str!("../../../rules/missing-definition-file.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// Where a template's local definition file leads.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// A regular file inside the repository (or the template's folder).
    File(std::path::PathBuf),
    Missing,
    /// Outside the repository that holds the template, directly or through
    /// a symlink: never read, since its text would be quoted in the output.
    Outside,
    /// Not a regular file: what it is.
    NotAFile(String),
}

/// Resolves `uri` against the template's folder `dir`. A definition file
/// must be a regular file inside the repository that holds the template
/// (the nearest folder upward with a `.git`): a template in a pull request
/// must not make asl-lint read `/etc/passwd` or `/proc/self/environ` into a
/// CI log. Outside any repository (an unpacked archive, a copied folder)
/// the bound is the current folder when the template is inside it, since
/// the user chose to lint from there, and else the template's own folder.
pub fn resolve(dir: &Path, uri: &str) -> Resolved {
    // A template named without a folder lives in the current one.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let wanted = dir.join(uri);
    let Ok(meta) = std::fs::metadata(&wanted) else {
        return Resolved::Missing;
    };
    if !meta.is_file() {
        return Resolved::NotAFile(crate::read::describe_non_file(&meta));
    }
    let (Ok(real), Ok(dir_real)) = (std::fs::canonicalize(&wanted), std::fs::canonicalize(dir))
    else {
        return Resolved::Missing;
    };
    let root = dir_real
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
        .or_else(|| {
            std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .ok()
                .filter(|cwd| dir_real.starts_with(cwd))
        })
        .unwrap_or_else(|| dir_real.clone());
    if real.starts_with(&root) {
        Resolved::File(wanted)
    } else {
        Resolved::Outside
    }
}

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
    let field = skipped.field.rsplit('/').next().unwrap_or("DefinitionUri");
    let uri_shown = crate::diagnostic::shorten(uri, 200);
    let d = match resolve(dir, uri) {
        Resolved::File(_) => return None,
        Resolved::Outside => Diagnostic::new(
            &RULE,
            "",
            format!(
                "`{field}` names `{uri_shown}`, which is outside the repository that holds the \
                 template, so asl-lint does not read it"
            ),
        )
        .label("outside the repository")
        .help("keep definition files in the repository, next to the template or below it"),
        Resolved::NotAFile(what) => Diagnostic::new(
            &RULE,
            "",
            format!("`{field}` names `{uri_shown}`, but {what}"),
        )
        .label("not a regular file")
        .help("a definition file must be a regular JSON or YAML file"),
        Resolved::Missing => {
            let wanted = dir.join(uri);
            let d = Diagnostic::new(
                &RULE,
                "",
                format!("`{field}` names `{uri_shown}`, which does not exist"),
            )
            .label("no such file");
            match case_only_match(&wanted) {
                Some(actual) => d.help(format!(
                    "`{actual}` exists with different letter case; SAM resolves paths \
                     case-sensitively on Linux, so write it exactly"
                )),
                None => d.help("the path is relative to the template's folder"),
            }
        }
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
