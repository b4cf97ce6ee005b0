use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::loader::tree::Span;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "byte-order-mark",
    severity: Severity::Warning,
    group: Group::Input,
    summary: "file starts with a UTF-8 byte order mark",
    doc: include_str!("../../../rules/byte-order-mark.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(span: Span) -> Diagnostic {
    Diagnostic::new(&RULE, "", "file starts with a UTF-8 byte order mark")
        .span(span)
        .label("byte order mark")
        .help("save the file as UTF-8 without a BOM; JSON text must not start with one")
        .fix(Fix::safe(
            "Remove the byte order mark",
            vec![Edit::File {
                span,
                content: String::new(),
            }],
        ))
}
