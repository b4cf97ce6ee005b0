use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::template::{SkipReason, Skipped};
use crate::loader::tree::Node;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "unlintable-definition",
    severity: Severity::Info,
    group: Group::Input,
    summary: "a template's state machine has a definition asl-lint cannot read (S3, unsupported intrinsic)",
    doc: include_str!("../../../rules/unlintable-definition.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

/// The finding for a skipped resource, placed on the field that says where
/// the definition is. `None` for local files (see `missing-definition-file`).
pub fn diagnostic(skipped: &Skipped, tree: Option<&Node>) -> Option<Diagnostic> {
    let why = match &skipped.reason {
        SkipReason::NotCheckable(why) => why.clone(),
        SkipReason::NoDefinition => {
            "it has no `Definition`, `DefinitionString`, `DefinitionUri` or \
             `DefinitionS3Location`"
                .to_string()
        }
        SkipReason::LocalFile(_) => return None,
    };
    let d = Diagnostic::new(
        &RULE,
        "",
        format!(
            "state machine `{}` is not linted: {why}",
            skipped.resource.rsplit('/').next().unwrap_or_default()
        ),
    )
    .label("not checked")
    .help("keep the definition in the template or in a local file so it can be linted");
    Some(match tree {
        Some(tree) => d.span(field_span(tree, &skipped.field)),
        None => d,
    })
}

/// The span of a template field: its key when it exists.
pub fn field_span(tree: &Node, pointer: &str) -> crate::loader::tree::Span {
    let r = tree.resolve(pointer);
    r.key_span.unwrap_or(r.node.span)
}
