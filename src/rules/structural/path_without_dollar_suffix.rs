use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::loader::tree::{Segment, pointer_at, walk};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "path-without-dollar-suffix",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a payload value looks like a path or intrinsic function, but its key lacks `.$`, so it is passed as plain text",
    doc: include_str!("../../../rules/path-without-dollar-suffix.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// How sure we are that a literal was meant as a path or function call.
#[derive(PartialEq)]
enum Evidence {
    /// A valid path into the state input or context (`$.x`, `$$.Execution.Id`)
    /// or a valid intrinsic call.
    Strong,
    /// `$` alone or a path that starts at an array index (`$[0]`): state
    /// input is nearly always an object, and a lone `$` is also a currency.
    Weak,
}

fn evidence(text: &str) -> Option<Evidence> {
    use crate::model::expr::{PathKind, check_intrinsic, check_path};
    if text.starts_with("States.") && text.contains('(') && text.ends_with(')') {
        return check_intrinsic(text).is_ok().then_some(Evidence::Strong);
    }
    let candidate =
        text == "$" || text.starts_with("$.") || text.starts_with("$[") || text.starts_with("$$.");
    // Text that is no valid path (`$.a + $.b`, `$.price * 2`) is an
    // expression for the receiver to evaluate, not a forgotten `.$`.
    if !candidate || check_path(text, PathKind::Full).is_err() {
        return None;
    }
    if text == "$" || text.starts_with("$[") {
        Some(Evidence::Weak)
    } else {
        Some(Evidence::Strong)
    }
}

/// Keys whose values are paths or expressions as data: configuration for
/// the receiver (`"Path": "$.payload"`, `"TargetPath"`, `"JsonPathExpression"`),
/// which the receiver evaluates itself.
fn key_holds_an_expression(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    [
        "path",
        "jsonpath",
        "expression",
        "query",
        "selector",
        "filter",
        "pointer",
        "pattern",
    ]
    .iter()
    .any(|w| lower.ends_with(w) || lower.starts_with(w))
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for template in cx.templates() {
        walk(template.at.node, |path, key, value| {
            let Some(text) = value.as_str() else {
                return true;
            };
            let Some(key) =
                key.filter(|k| !k.ends_with(".$") && matches!(path.last(), Some(Segment::Key(_))))
            else {
                return false;
            };
            let Some(evidence) = evidence(text) else {
                return false;
            };
            if key_holds_an_expression(key) {
                return false;
            }
            {
                let weak = evidence == Evidence::Weak;
                let mut d = Diagnostic::new(
                        &RULE,
                        pointer_at(&template.at.pointer, path),
                        format!("`{key}` is passed the literal text \"{text}\", which looks like a path or function call"),
                    )
                    .on_key()
                    .label("no `.$` on this key")
                    .help(format!("rename the key to `{key}.$` to read the value from the path; AWS reports this as NO_DOLLAR"));
                // Unsafe: the value is then read from the input, which
                // fails the state when the path is absent there.
                if !weak {
                    d = d.fix(Fix::unsafe_(
                        format!("Rename `{key}` to `{key}.$`"),
                        vec![Edit::RenameKey {
                            pointer: pointer_at(&template.at.pointer, path),
                            key: format!("{key}.$"),
                        }],
                    ));
                }
                if weak {
                    d.message.push_str(
                        " (an info: a lone `$` or a path from an array index is often meant as text)",
                    );
                    d = d.severity(Severity::Info);
                }
                out.push(d);
            }
            false
        });
    }
}
