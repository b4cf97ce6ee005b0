use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::loader::pointer;
use crate::loader::tree::{Node, Segment, pointer_at, walk};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "duplicate-parameter-key",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a payload template has both `key` and `key.$`, which name the same output field",
    doc: include_str!("../../../rules/duplicate-parameter-key.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for template in cx.templates() {
        // The template object itself, and every object inside it.
        check_object(&template.at.pointer, &[], template.at.node, out);
        walk(template.at.node, |path, _, node| {
            if node.as_object().is_some() {
                check_object(&template.at.pointer, path, node, out);
            }
            true
        });
    }
}

fn check_object(base: &str, path: &[Segment<'_>], node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(obj) = node.as_object() else { return };
    // Only a `key.$` can clash with a `key`; most objects have none.
    if !obj.members.iter().any(|m| m.key.ends_with(".$")) {
        return;
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for m in &obj.members {
        let bare = m.key.strip_suffix(".$").unwrap_or(&m.key);
        match seen.get(bare) {
            Some(&first) if first != &*m.key => {
                let ptr = pointer_at(base, path);
                out.push(
                    Diagnostic::new(&RULE, pointer::push(&ptr, &m.key), format!("`{}` and `{first}` both set the field `{bare}`", m.key))
                        .on_key()
                        .label("same field again")
                        .related(pointer::push(&ptr, first), Target::Key, "first set here")
                        .help("keep one: `key` for a literal value, or `key.$` for a path or intrinsic function"),
                );
            }
            Some(_) => {} // an exact duplicate is `duplicate-key`
            None => {
                seen.insert(bare, &m.key);
            }
        }
    }
}
