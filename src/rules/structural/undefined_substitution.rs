use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Value, pointer_at, walk};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "undefined-substitution",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a `${Name}` placeholder that nothing the deploy knows fills in, so it stays literal text",
    doc: include_str!("../../../rules/undefined-substitution.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// The placeholder names in `text`: `${Name}`, but not the `${!Name}` escape
/// that `Fn::Sub` writes as literal `${Name}`.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && !name.starts_with('!') {
            out.push(name.trim());
        }
        rest = &after[close + 1..];
    }
    out
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some(known) = cx.placeholders else {
        return;
    };
    let mut report = |ptr: String, name: &str| {
        out.push(
            Diagnostic::new(
                &RULE,
                ptr,
                format!(
                    "`${{{}}}` is not filled in by the deploy: the definition Step Functions gets \
                     holds this text literally",
                    crate::diagnostic::shorten(name, 80)
                ),
            )
            .label("nothing substitutes this")
            .help(if known.fn_sub {
                "add it to `DefinitionSubstitutions`, or name a parameter, resource or \
                 pseudo-parameter of the `Fn::Sub`; write `${!Name}` for literal text"
            } else {
                "add it to the state machine's `DefinitionSubstitutions`"
            }),
        );
    };
    walk(cx.machine.root, |path, key, node| {
        if let Some(k) = key
            && k.contains("${")
            && matches!(path.last(), Some(crate::loader::tree::Segment::Key(_)))
        {
            for name in placeholders(k) {
                if !known.defines(name) {
                    report(pointer_at("", path), name);
                }
            }
        }
        let text = match &node.value {
            Value::String(s) => Some(s),
            Value::Opaque(s) if !known.strings_only => Some(s),
            _ => None,
        };
        if let Some(s) = text {
            for name in placeholders(s) {
                if !known.defines(name) {
                    report(pointer_at("", path), name);
                }
            }
        }
        true
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_placeholders_but_not_escapes() {
        assert_eq!(
            super::placeholders("a ${X} b ${!Y} ${Z.Arn}"),
            ["X", "Z.Arn"]
        );
    }
}
