use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::loader::yaml::ImplicitScalar;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "yaml-implicit-type",
    severity: Severity::Warning,
    group: Group::Input,
    summary: "an unquoted YAML value that YAML 1.1 (SAM, CloudFormation) reads as a boolean or number",
    doc: include_str!("../../../rules/yaml-implicit-type.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(scalar: &ImplicitScalar) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        "",
        format!(
            "YAML 1.1, which SAM and CloudFormation use, reads unquoted `{}` as {}",
            scalar.text, scalar.reading
        ),
    )
    .span(scalar.span)
    .label("read as a non-string")
    .help(format!(
        "quote it (\"{}\") so every tool reads the same string",
        scalar.text
    ))
    .fix(Fix::safe(
        format!("Quote `{}`", scalar.text),
        vec![Edit::File {
            span: scalar.span,
            content: format!("\"{}\"", scalar.text),
        }],
    ))
}
