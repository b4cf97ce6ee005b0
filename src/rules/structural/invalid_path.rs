use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Segment, pointer_at, walk};
use crate::model::expr::{self, PathKind};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "invalid-path",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "a JSONPath is malformed, selects several nodes where one is needed, or a `.$` key holds no path",
    doc: include_str!("../../../rules/invalid-path.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// How a `.$` value reads: a path, an intrinsic function call, or neither.
pub enum Expr {
    Path,
    Intrinsic,
    Other,
}

pub fn classify(text: &str) -> Expr {
    let t = text.trim_start();
    if t.starts_with('$') && t.len() == text.len() {
        Expr::Path
    } else if t.starts_with("States") || t.contains('(') {
        Expr::Intrinsic
    } else {
        Expr::Other
    }
}

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for (at, kind) in expr::path_fields(m) {
        let text = at.node.as_str().expect("path fields are strings");
        if let Err(e) = expr::check_path(text, kind) {
            let field = at.pointer.rsplit('/').next().unwrap_or("");
            let help = match kind {
                PathKind::Full => "write a JSONPath such as `$.order.items[0]`",
                PathKind::Reference | PathKind::ResultPath => {
                    "this field takes a reference path: only `.name`, `['name']` and `[index]` steps, naming a single node"
                }
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    at.pointer.clone(),
                    format!(
                        "`{field}` path `{}` {}",
                        crate::diagnostic::shorten(text, 120),
                        e.message
                    ),
                )
                .label("invalid path")
                .help(help),
            );
        }
    }
    for template in cx.templates() {
        walk(template.at.node, |path, key, value| {
            let Some(key) = key.filter(|k| k.ends_with(".$")) else {
                return true;
            };
            if !matches!(path.last(), Some(Segment::Key(_))) {
                return true;
            }
            let ptr = || pointer_at(&template.at.pointer, path);
            match value.as_str() {
                None => out.push(
                    Diagnostic::new(
                        &RULE,
                        ptr(),
                        format!("`{key}` must hold a path or an intrinsic function as a string, found {}", value.type_name()),
                    )
                    .label("not a string")
                    .help("a key ending in `.$` takes its value from a path (`\"$.x\"`) or an intrinsic function; for a literal value, drop the `.$`"),
                ),
                Some(text) => match classify(text) {
                    Expr::Path => {
                        if let Err(e) = expr::check_path(text, PathKind::Full) {
                            out.push(
                                Diagnostic::new(&RULE, ptr(), format!("`{key}` path `{}` {}", crate::diagnostic::shorten(text, 120), e.message))
                                    .label("invalid path")
                                    .help("write a JSONPath such as `$.order.items[0]` or `$$.Execution.Id`"),
                            );
                        }
                    }
                    Expr::Intrinsic => {} // `invalid-intrinsic`
                    Expr::Other => out.push(
                        Diagnostic::new(&RULE, ptr(), format!("`{key}` must hold a path or an intrinsic function, found \"{}\"", crate::diagnostic::shorten(text, 120)))
                            .label("not a path")
                            .help("start the value with `$` for a path, or `States.` for an intrinsic function; for a literal value, drop the `.$`"),
                    ),
                },
            }
            false
        });
    }
    // Fail: ErrorPath and CausePath take a path or an intrinsic function.
    for (field, text, ptr) in expr::fail_paths(m) {
        match classify(text) {
            Expr::Path => {
                if let Err(e) = expr::check_path(text, PathKind::Reference) {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            ptr,
                            format!(
                                "`{field}` path `{}` {}",
                                crate::diagnostic::shorten(text, 120),
                                e.message
                            ),
                        )
                        .label("invalid path")
                        .help("write a reference path such as `$.error.message`"),
                    );
                }
            }
            Expr::Intrinsic => {}
            Expr::Other => out.push(
                Diagnostic::new(
                    &RULE,
                    ptr,
                    format!(
                        "`{field}` must be a path or an intrinsic function, found \"{}\"",
                        crate::diagnostic::shorten(text, 120)
                    ),
                )
                .label("not a path")
                .help(format!(
                    "for a fixed text use `{}` instead",
                    field.trim_end_matches("Path")
                )),
            ),
        }
    }
}
