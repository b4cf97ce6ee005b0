use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::loader::pointer;
use crate::rules::structural::sdk_contract::{Visit, correction, sdk_tasks, walk_payload};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "unknown-parameter",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "an `aws-sdk:` Task passes a parameter that the API action does not have",
    doc: include_str!("../../../rules/unknown-parameter.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for task in sdk_tasks(cx) {
        walk_payload(&task, |visit| {
            let Visit::Unknown {
                pointer: at,
                object,
                shape,
                key,
                name,
            } = visit
            else {
                return;
            };
            let suffix = &key[name.len()..];
            let guess = correction(shape, name);
            let help = match guess {
                Some((right, _)) => format!("did you mean `{right}{suffix}`?"),
                None if shape.members.is_empty() => "this takes no parameters".to_string(),
                None => {
                    let names: Vec<&str> = shape.members.keys().map(String::as_str).collect();
                    format!(
                        "its parameters: {}",
                        crate::diagnostic::quoted_list(&names[..names.len().min(12)], names.len())
                    )
                }
            };
            let mut d = Diagnostic::new(
                &RULE,
                pointer::push(at, key),
                format!("`{name}` is not a parameter here"),
            )
            .on_key()
            .label("unknown parameter")
            .help(help);
            if let Some((right, true)) = guess {
                let new_key = format!("{right}{suffix}");
                // Never two members of one name.
                let taken =
                    object.get(right).is_some() || object.get(&format!("{right}.$")).is_some();
                if !taken {
                    d = d.fix(Fix::safe(
                        format!("Rename `{key}` to `{new_key}`"),
                        vec![Edit::RenameKey {
                            pointer: pointer::push(at, key),
                            key: new_key,
                        }],
                    ));
                }
            }
            out.push(d);
        });
    }
}
