use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::json::ParseError;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-json",
    severity: Severity::Error,
    group: Group::Input,
    summary: "file is not strict JSON as Step Functions accepts it",
    doc: include_str!("../../../rules/invalid-json.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(error: &ParseError) -> Diagnostic {
    from_parse_error(&RULE, error)
}

/// A trailing comma in a file a template deploys (`DefinitionUri`): a
/// warning, not an error. SAM and CloudFormation read a definition file as
/// YAML, which accepts the comma, so the deploy works; tools that read the
/// file as JSON (the AWS CLI's `--definition file://`, editors, `jq`) reject it.
pub fn deployed_trailing_comma(error: &ParseError) -> Diagnostic {
    from_parse_error(&RULE, error)
        .severity(crate::diagnostic::Severity::Warning)
        .help(
            "remove it: the template's deploy reads this file as YAML, which accepts the comma, \
             but anything that reads it as JSON rejects it",
        )
}

/// A located syntax error as a file-level finding of `rule` (shared with
/// `invalid-yaml`).
pub fn from_parse_error(rule: &Rule, error: &ParseError) -> Diagnostic {
    let d = Diagnostic::new(rule, "", error.message.clone())
        .span(error.span)
        .label(error.label.clone());
    match &error.help {
        Some(help) => d.help(help.clone()),
        None => d,
    }
}
