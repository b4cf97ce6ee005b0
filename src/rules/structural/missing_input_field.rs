use crate::dataflow::shape::Shape;
use crate::dataflow::{Hop, Problem, ProblemKind, Seg, Stage, Trail};
use crate::dataflow::{is_error_object, is_lambda_envelope};
use crate::diagnostic::{Diagnostic, Severity};
use crate::loader::tree::{Node, walk};
use crate::model::{Machine, QueryLanguage, ScopeKind, StateType};
use crate::rules::{Context, Group, Rule, suggest};

pub static RULE: Rule = Rule {
    name: "missing-input-field",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a path reads a field that cannot be in the state's input on some route that reaches it",
    doc: include_str!("../../../rules/missing-input-field.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

/// States named on a route: the one that made the value, then the last few.
const ROUTE_STATES: usize = 4;

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let machine = cx.machine;
    for p in cx.dataflow().problems(machine) {
        out.push(diagnostic(machine, &p));
    }
    map_context_outside_map(cx, out);
}

fn diagnostic(m: &Machine<'_>, p: &Problem) -> Diagnostic {
    let state = &m.states[p.state];
    let route = match p.stage {
        // A result does not depend on the route.
        Stage::Result => format!("in `{}`", state.name),
        _ => format!("on the route {}", route(m, &p.trail, p.state)),
    };
    let value = match p.stage {
        Stage::Raw | Stage::Effective => "input",
        Stage::Result => "result",
        Stage::Output => "output",
        Stage::CatchError(_) => "error output",
    };
    match &p.kind {
        ProblemKind::MissingField { seg, within } => {
            let field = match &p.segs[*seg] {
                Seg::Field(f) => f.to_string(),
                Seg::Index => "[…]".to_string(),
            };
            let holder = if *seg == 0 {
                format!("the {value}")
            } else {
                format!("`{}`", shown(&p.text, p.jsonata, &p.segs[..*seg]))
            };
            let message = if p.jsonata {
                format!(
                    "`{}` is always undefined {route}: {holder} has no field `{field}`",
                    p.text
                )
            } else if matches!(within, Shape::Object(_)) {
                format!(
                    "`{}` cannot be found {route}: {holder} has no field `{field}`",
                    p.text
                )
            } else {
                format!(
                    "`{}` cannot be found {route}: {holder} is {}",
                    p.text,
                    within.type_name()
                )
            };
            Diagnostic::new(&RULE, p.pointer.clone(), message)
                .label(format!("{holder} there: {}", within.summary()))
                .help(help(m, p, *seg, &field, within))
        }
        ProblemKind::ItemsNotIterable { found } => Diagnostic::new(
            &RULE,
            p.pointer.clone(),
            format!(
                "`ItemsPath` `{}` selects {} {route}, not an array",
                p.text,
                found.type_name()
            ),
        )
        .label("not an array")
        .help(format!(
            "point `ItemsPath` of `{}` at the array of items",
            state.name
        )),
        ProblemKind::WriteIntoNonObject { seg } => {
            let holder = if *seg == 0 {
                "the input".to_string()
            } else {
                format!("`{}`", shown(&p.text, false, &p.segs[..*seg]))
            };
            Diagnostic::new(
                &RULE,
                p.pointer.clone(),
                format!(
                    "`ResultPath` `{}` writes into {holder}, which is not an object {route}",
                    p.text
                ),
            )
            .label("not an object")
            .help("write the result at a path whose parent is an object, or at `$` to replace the input")
        }
    }
}

/// `A -> B -> C`: the state that made the value, the last states before
/// this one, and this one.
fn route(m: &Machine<'_>, trail: &Trail, here: usize) -> String {
    let mut hops = trail.last(ROUTE_STATES);
    let origin = trail.origin();
    let skipped = trail.len() > hops.len();
    let mut parts: Vec<String> = Vec::new();
    if let (true, Some(o)) = (skipped, origin) {
        parts.push(hop_name(m, o));
        parts.push("…".to_string());
    }
    hops.push(Hop {
        state: here,
        caught: false,
    });
    parts.extend(hops.iter().map(|h| hop_name(m, *h)));
    if parts.len() == 1 {
        return format!("into `{}` from the execution input", m.states[here].name);
    }
    format!("`{}`", parts.join(" -> "))
}

fn hop_name(m: &Machine<'_>, hop: Hop) -> String {
    let name = m.states[hop.state].name;
    if hop.caught {
        format!("{name} (Catch)")
    } else {
        name.to_string()
    }
}

/// The path as written up to `segs`: `$.a.b` or `$states.input.a`.
fn shown(text: &str, jsonata: bool, segs: &[Seg]) -> String {
    let mut s = if jsonata {
        text.split('.').take(2).collect::<Vec<_>>().join(".")
    } else {
        "$".to_string()
    };
    for seg in segs {
        match seg {
            Seg::Field(f) if f.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                s.push('.');
                s.push_str(f);
            }
            Seg::Field(f) if !jsonata => s.push_str(&format!("['{f}']")),
            Seg::Field(f) => s.push_str(&format!(".`{f}`")),
            Seg::Index => s.push_str("[0]"),
        }
    }
    s
}

fn help(m: &Machine<'_>, p: &Problem, seg: usize, field: &str, within: &Shape) -> String {
    let origin = p.trail.origin();
    let origin_name = origin.map(|o| m.states[o.state].name).unwrap_or_default();
    if is_lambda_envelope(within) {
        let mut fixed: Vec<Seg> = p.segs[..seg].to_vec();
        fixed.push(Seg::Field("Payload".into()));
        fixed.extend(p.segs[seg..].iter().cloned());
        let right = shown(&p.text, p.jsonata, &fixed);
        return if p.jsonata || origin.is_none() || p.stage == Stage::Result {
            format!("a Lambda function's output is under `Payload`: did you mean `{right}`?")
        } else {
            format!(
                "the `lambda:invoke` result of `{origin_name}` replaced the input, and the function's output is under `Payload`: did you mean `{right}`? Or give `{origin_name}` `\"OutputPath\": \"$.Payload\"`, or a `ResultPath` to keep its input"
            )
        };
    }
    if is_error_object(within)
        && let Some(o) = origin.filter(|o| o.caught)
    {
        let _ = o;
        return format!(
            "a Catch of `{origin_name}` replaces the input with the error (`Error`, `Cause`); give that Catch a `ResultPath` such as `$.error` to keep the input"
        );
    }
    if let Shape::Object(obj) = within {
        if let Some(close) = suggest(field, obj.fields.keys().map(|k| &**k)) {
            let mut fixed: Vec<Seg> = p.segs.clone();
            fixed[seg] = Seg::Field(close.into());
            return format!("did you mean `{}`?", shown(&p.text, p.jsonata, &fixed));
        }
        if obj.fields.is_empty() {
            return "nothing is there on that route".to_string();
        }
        let from = if origin.is_some() {
            format!(" (made by `{origin_name}`)")
        } else {
            String::new()
        };
        return format!(
            "on that route it holds only {}{from}",
            crate::diagnostic::quoted_list(
                &obj.fields.keys().map(|k| &**k).take(12).collect::<Vec<_>>(),
                obj.fields.len()
            )
        );
    }
    match origin {
        Some(_) => format!(
            "`{origin_name}` makes it {}; read the fields of its items, or keep the input with a `ResultPath`",
            within.type_name()
        ),
        None => format!("it is {} there", within.type_name()),
    }
}

/// `$$.Map.Item...` in a state that is not a Map and not inside one: the
/// context object has no `Map` there.
fn map_context_outside_map(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    for t in cx.templates() {
        let state = &m.states[t.at.state];
        if state.query_language != QueryLanguage::JsonPath || in_map(m, t.at.state) {
            continue;
        }
        let mut visit = |path: &[crate::loader::tree::Segment<'_>], key: Option<&str>, v: &Node| {
            if let (Some(k), Some(text)) = (key, v.as_str())
                && k.ends_with(".$")
                && text.contains("$$.Map.")
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        crate::loader::tree::pointer_at(&t.at.pointer, path),
                        format!(
                            "`$$.Map` is read in `{}`, which is not in a Map: the context object has no `Map` there",
                            state.name
                        ),
                    )
                    .label("no Map here")
                    .help("`$$.Map.Item.Index` and `$$.Map.Item.Value` are set in a Map state's `ItemSelector`"),
                );
            }
        };
        walk(t.at.node, |path, key, v| {
            visit(path, key, v);
            true
        });
    }
}

/// Whether a state is a Map or inside a Map's item processor.
fn in_map(m: &Machine<'_>, state: usize) -> bool {
    let s = &m.states[state];
    if s.ty == StateType::Map {
        return true;
    }
    let mut scope = s.scope;
    // Scopes are a tree; the loop ends at the root.
    loop {
        let sc = &m.scopes[scope];
        if sc.kind == ScopeKind::MapProcessor {
            return true;
        }
        match sc.parent {
            Some(parent) => scope = m.states[parent].scope,
            None => return false,
        }
    }
}
