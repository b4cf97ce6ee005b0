use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::loader::pointer;
use crate::model::schema::{self, ObjectKind};
use crate::rules::{Context, Group, Rule, suggest, unique_correction};

pub static RULE: Rule = Rule {
    name: "unknown-field",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a field that Step Functions does not know, often a misspelling",
    doc: include_str!("../../../rules/unknown-field.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for obj in cx.objects() {
        let fields = schema::fields(obj.kind);
        for (m, field) in obj.members() {
            let key: &str = &m.key;
            if field.is_some() {
                continue;
            }
            // A field of another state type is `field-not-allowed`.
            if matches!(obj.kind, ObjectKind::State(_)) && !schema::types_with_field(key).is_empty()
            {
                continue;
            }
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let help = match suggest(key, names.iter().copied())
                .or_else(|| case_insensitive(key, &names))
            {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "valid fields here: {}",
                    crate::diagnostic::quoted_list(&names, names.len())
                ),
            };
            let mut d = Diagnostic::new(
                &RULE,
                pointer::push(&obj.pointer, key),
                format!("`{key}` is not a field of {}", obj.kind.describe()),
            )
            .on_key()
            .label("unknown field")
            .help(help);
            // A misspelt field is renamed only when the right name is not
            // already there (two members of one name would be worse).
            if let Some(correct) = unique_correction(key, names.iter().copied())
                && obj.node.get(correct).is_none()
            {
                d = d.fix(Fix::safe(
                    format!("Rename `{key}` to `{correct}`"),
                    vec![Edit::RenameKey {
                        pointer: pointer::push(&obj.pointer, key),
                        key: correct.to_string(),
                    }],
                ));
            }
            out.push(d);
        }
    }
}

fn case_insensitive<'a>(key: &str, names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|n| n.eq_ignore_ascii_case(key))
}
