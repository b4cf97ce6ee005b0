use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::json::DuplicateKey;
use crate::loader::pointer;
use crate::rules::{Group, Rule};

pub static RULE: Rule = Rule {
    name: "duplicate-key",
    severity: Severity::Error,
    group: Group::Input,
    summary: "an object has the same key twice, and all but the last are silently dropped",
    doc: include_str!("../../../rules/duplicate-key.md"),
    default_enabled: true,
    check: None,
    options: &[],
};

pub fn diagnostic(dup: &DuplicateKey) -> Diagnostic {
    let in_states = dup.object_pointer == "/States" || dup.object_pointer.ends_with("/States");
    let (message, help) = if in_states {
        (
            format!("state `{}` is defined twice", dup.key),
            "rename one of the states; only the last definition takes effect",
        )
    } else {
        (
            format!("key `{}` appears twice in the same object", dup.key),
            "remove one of them; JSON parsers keep only the last value",
        )
    };
    Diagnostic::new(&RULE, pointer::push(&dup.object_pointer, &dup.key), message)
        .span(dup.duplicate)
        .label("defined again here")
        .related_span(dup.first, "first defined here")
        .help(help)
}
