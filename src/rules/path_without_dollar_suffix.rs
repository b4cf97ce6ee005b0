use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Segment, pointer_at, walk};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "path-without-dollar-suffix",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a payload value looks like a path or intrinsic function, but its key lacks `.$`, so it is passed as plain text",
    doc: include_str!("../../rules/path-without-dollar-suffix.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn looks_dynamic(text: &str) -> bool {
    text == "$"
        || text.starts_with("$.")
        || text.starts_with("$[")
        || text.starts_with("$$.")
        || (text.starts_with("States.") && text.contains('(') && text.ends_with(')'))
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
            if looks_dynamic(text) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        pointer_at(&template.at.pointer, path),
                        format!("`{key}` is passed the literal text \"{text}\", which looks like a path or function call"),
                    )
                    .on_key()
                    .label("no `.$` on this key")
                    .help(format!("rename the key to `{key}.$` to read the value from the path; AWS reports this as NO_DOLLAR")),
                );
            }
            false
        });
    }
}
