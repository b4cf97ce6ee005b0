use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Segment, pointer_at, walk};
use crate::model::expr;
use crate::rules::invalid_path::{Expr, classify};
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "invalid-intrinsic",
    severity: Severity::Error,
    group: Group::Structural,
    summary: "an intrinsic function call is malformed, unknown, or has the wrong number or kind of arguments",
    doc: include_str!("../../../rules/invalid-intrinsic.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// Intrinsic functions that return a string (for `ErrorPath` and `CausePath`).
const STRING_RESULTS: &[&str] = &[
    "States.ArrayGetItem",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Format",
    "States.JsonToString",
    "States.Hash",
    "States.UUID",
];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for template in cx.templates() {
        walk(template.at.node, |path, key, value| {
            let is_member = matches!(path.last(), Some(Segment::Key(_)));
            if let (true, Some(key), Some(text)) =
                (is_member, key.filter(|k| k.ends_with(".$")), value.as_str())
            {
                if matches!(classify(text), Expr::Intrinsic) {
                    report(out, pointer_at(&template.at.pointer, path), key, text);
                }
                return false;
            }
            true
        });
    }
    for (field, text, ptr) in expr::fail_paths(m) {
        report(out, ptr.clone(), field, text);
        // The error and cause are strings: only string-returning functions fit.
        let called = text.trim().split('(').next().unwrap_or("").trim();
        if matches!(classify(text), Expr::Intrinsic)
            && expr::check_intrinsic(text).is_ok()
            && !STRING_RESULTS.contains(&called)
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    ptr,
                    format!("`{field}` needs a string, but `{called}` does not return one"),
                )
                .label("not a string result")
                .help(format!("use one of {}", STRING_RESULTS.join(", "))),
            );
        }
    }
}

fn report(out: &mut Vec<Diagnostic>, ptr: String, key: &str, text: &str) {
    if !matches!(classify(text), Expr::Intrinsic) {
        return;
    }
    if let Err(e) = expr::check_intrinsic(text) {
        let called = text.trim().split('(').next().unwrap_or("").trim();
        // A known name with bad arguments needs no "did you mean".
        let known = expr::intrinsic_names().any(|n| n == called);
        let close = (!known)
            .then(|| suggest(called, expr::intrinsic_names()))
            .flatten();
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            _ => "write `States.Name(argument, ...)` with strings in single quotes; see the list of intrinsic functions in the Step Functions Developer Guide".to_string(),
        };
        let shown = crate::diagnostic::shorten(text, 120);
        let mut d = Diagnostic::new(&RULE, ptr, format!("`{key}`: {} in `{shown}`", e.message))
            .label("invalid intrinsic function")
            .help(help);
        if e.too_deep {
            d = d.severity(crate::diagnostic::Severity::Info);
        }
        out.push(d);
    }
}
