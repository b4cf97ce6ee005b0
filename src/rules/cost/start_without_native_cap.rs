use crate::catalog::{self, Cap, catalog};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::pointer;
use crate::loader::tree::{Node, Value};
use crate::model::{State, StateType};
use crate::rule_options::NumberOption;
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "start-without-native-cap",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a start call leaves out the service's own idle or run-time cap, or sets it very high",
    doc: include_str!("../../../rules/start-without-native-cap.md"),
    default_enabled: true,
    check: Some(check),
    options: &[
        CAP_OPTIONS[0].declared(),
        CAP_OPTIONS[1].declared(),
        CAP_OPTIONS[2].declared(),
    ],
};

/// The largest values accepted for the caps the catalogue gives an
/// `option`: a Glue session's IdleTimeout (an hour of idling) and Timeout
/// (a working day), in minutes, and a SageMaker training job's
/// MaxRuntimeInSeconds (a day).
const CAP_OPTIONS: [NumberOption; 3] = [
    NumberOption::new("glue-idle-timeout-max-minutes", 60.0),
    NumberOption::new("glue-timeout-max-minutes", 480.0),
    NumberOption::new("sagemaker-max-runtime-seconds", 86_400.0),
];

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cat = catalog();
    for state in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        for cap in cat.caps_for(state) {
            if let Some(d) = check_cap(cx, state, cap) {
                out.push(d);
            }
        }
    }
}

fn action(state: &State<'_>) -> String {
    state
        .resource
        .as_ref()
        .and_then(catalog::key)
        .unwrap_or_default()
        .to_string()
}

fn check_cap(cx: &Context<'_, '_>, state: &State<'_>, cap: &Cap) -> Option<Diagnostic> {
    let max = match &cap.option {
        Some(name) => CAP_OPTIONS
            .iter()
            .find(|o| o.name() == name)
            .map(|o| cx.number(&RULE, o)),
        None => cap.max,
    };
    let (field, params) = match (state.get("Parameters"), state.get("Arguments")) {
        (Some(p), _) => ("Parameters", Some(p)),
        (None, Some(a)) => ("Arguments", Some(a)),
        (None, None) => ("Parameters", None),
    };
    let base = pointer::push(&state.pointer, field);
    let Some((keys, node)) = params.and_then(|p| catalog::param_path(p, &cap.param)) else {
        return missing(state, cap, field, params, base);
    };
    let ptr = keys.iter().fold(base, |acc, k| pointer::push(&acc, k));
    let dynamic = keys.last().is_some_and(|k| k.ends_with(".$"))
        || node
            .as_str()
            .is_some_and(|s| s.trim_start().starts_with("{%"));
    if dynamic {
        if max.is_none() && cap.equals.is_none() {
            return None;
        }
        return Some(
            Diagnostic::new(
                &RULE,
                ptr,
                format!(
                    "`{}` sets `{}` at run time, so asl-lint cannot check it",
                    state.name, cap.param
                ),
            )
            .on_key()
            .severity(Severity::Info)
            .label("value known only at run time")
            .help(expectation(cap, max)),
        );
    }
    if let Some(expected) = &cap.equals
        && !same(node, expected)
    {
        return not_the_expected_value(state, cap, max, node, expected, ptr);
    }
    match (max, node.as_number().map(|n| n.as_f64())) {
        (Some(max), Some(value)) if value > max => Some(above_the_cap(state, cap, max, value, ptr)),
        _ => None,
    }
}

/// The cap's parameter is missing: a finding when the catalogue requires
/// it (and the exception it allows does not hold), with the fix that sets
/// the catalogue's value.
fn missing(
    state: &State<'_>,
    cap: &Cap,
    field: &str,
    params: Option<&Node>,
    base: String,
) -> Option<Diagnostic> {
    if !cap.required {
        return None;
    }
    if let (Some(param), Some(expected)) = (&cap.unless_param, &cap.unless_equals)
        && params
            .and_then(|p| catalog::param_path(p, param))
            .is_some_and(|(_, n)| same(n, expected))
    {
        return None;
    }
    let why = cap.why.clone().unwrap_or_default();
    let ptr = if params.is_some() {
        base
    } else {
        state.pointer.clone()
    };
    let mut d = Diagnostic::new(
        &RULE,
        ptr,
        format!(
            "`{}` calls `{}` without `{}`",
            state.name,
            action(state),
            cap.param
        ),
    )
    .label(format!("no `{}`", cap.param))
    .help(format!("set `{}`; {why}", cap.param))
    .on_key();
    let keeps_data = {
        let said = format!(
            "{} {}",
            state.name,
            state.get("Comment").and_then(Node::as_str).unwrap_or("")
        )
        .to_ascii_lowercase();
        cap.keeps_data_words
            .iter()
            .any(|w| said.contains(w.as_str()))
    };
    if keeps_data {
        d = d.help(format!(
            "set `{}` only if nothing on it must be kept: the state says it holds data someone \
             wants back, so asl-lint offers no fix; {why}",
            cap.param
        ));
    } else if let Some(value) = cap.fix_value.as_ref().and_then(new_value)
        && let Some(edit) = insert_param(state, field, params, &cap.param, value)
    {
        d = d.fix(Fix::unsafe_(
            format!(
                "Set `{}` to {}{}",
                cap.param,
                expected_text(cap.fix_value.as_ref().unwrap()),
                unit_suffix(cap)
            ),
            vec![edit],
        ));
    }
    Some(d)
}

/// The parameter is set to something other than the value the cap needs.
fn not_the_expected_value(
    state: &State<'_>,
    cap: &Cap,
    max: Option<f64>,
    node: &Node,
    expected: &toml::Value,
    ptr: String,
) -> Option<Diagnostic> {
    Some(
        Diagnostic::new(
            &RULE,
            ptr.clone(),
            format!(
                "`{}` sets `{}` to {}, not {}",
                state.name,
                cap.param,
                shown(node),
                expected_text(expected)
            ),
        )
        .label(format!("should be {}", expected_text(expected)))
        .help(format!(
            "{}; {}",
            expectation(cap, max),
            cap.why.clone().unwrap_or_default()
        ))
        .fix(Fix::unsafe_(
            format!("Set `{}` to {}", cap.param, expected_text(expected)),
            vec![Edit::ReplaceValue {
                pointer: ptr,
                value: new_value(expected)?,
            }],
        )),
    )
}

/// The parameter is above the largest value accepted.
fn above_the_cap(state: &State<'_>, cap: &Cap, max: f64, value: f64, ptr: String) -> Diagnostic {
    let unit = &cap.unit;
    let option = cap
        .option
        .as_ref()
        .map(|o| format!(" (threshold: option `{o}`)"))
        .unwrap_or_default();
    Diagnostic::new(
        &RULE,
        ptr.clone(),
        format!(
            "`{}` sets `{}` to {value} {unit}, above {max} {unit}{option}",
            state.name, cap.param
        ),
    )
    .label(format!("above {max} {unit}"))
    .help(format!(
        "lower `{}` to bound what an idle or stuck run can cost",
        cap.param
    ))
    .fix(Fix::unsafe_(
        format!("Lower `{}` to {max} {unit}", cap.param),
        vec![Edit::ReplaceValue {
            pointer: ptr,
            value: NewValue::Integer(max as i64),
        }],
    ))
}

fn unit_suffix(cap: &Cap) -> String {
    if cap.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", cap.unit)
    }
}

fn new_value(v: &toml::Value) -> Option<NewValue> {
    match v {
        toml::Value::String(s) => Some(NewValue::string(s.clone())),
        toml::Value::Integer(i) => Some(NewValue::Integer(*i)),
        toml::Value::Boolean(b) => Some(NewValue::Bool(*b)),
        _ => None,
    }
}

/// The edit that adds a dotted parameter (`AutoTerminationPolicy.IdleTimeout`):
/// into the deepest object of the path that exists, the rest as nested
/// objects; `Parameters` itself when the state has none. `None` when the
/// path runs into something that is not an object (a JSONata string, a
/// `.$` path).
fn insert_param(
    state: &State<'_>,
    field: &str,
    params: Option<&Node>,
    dotted: &str,
    value: NewValue,
) -> Option<Edit> {
    let keys: Vec<&str> = dotted.split('.').collect();
    let mut object_ptr = pointer::push(&state.pointer, field);
    let Some(mut node) = params else {
        let nested = keys
            .iter()
            .rev()
            .fold(value, |inner, k| NewValue::object([(*k, inner)]));
        return Some(Edit::InsertMember {
            object: state.pointer.clone(),
            key: field.to_string(),
            value: nested,
        });
    };
    let mut depth = 0;
    while depth < keys.len() - 1 {
        match node.get(keys[depth]) {
            Some(child) => {
                child.as_object()?;
                object_ptr = pointer::push(&object_ptr, keys[depth]);
                node = child;
                depth += 1;
            }
            None => break,
        }
    }
    node.as_object()?;
    let nested = keys[depth + 1..]
        .iter()
        .rev()
        .fold(value, |inner, k| NewValue::object([(*k, inner)]));
    Some(Edit::InsertMember {
        object: object_ptr,
        key: keys[depth].to_string(),
        value: nested,
    })
}

/// What a value known only at run time must resolve to; `max` is the cap's
/// own or its option's.
fn expectation(cap: &Cap, max: Option<f64>) -> String {
    match (&cap.equals, max) {
        (Some(e), _) => format!("make sure it resolves to {}", expected_text(e)),
        (None, Some(max)) => format!("make sure it resolves to at most {max} {}", cap.unit),
        _ => String::new(),
    }
}

fn same(node: &Node, expected: &toml::Value) -> bool {
    match (&node.value, expected) {
        (Value::Bool(a), toml::Value::Boolean(b)) => a == b,
        (Value::String(a), toml::Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Value::Number(a), toml::Value::Integer(b)) => a.as_f64() == *b as f64,
        (Value::Number(a), toml::Value::Float(b)) => a.as_f64() == *b,
        _ => false,
    }
}

fn shown(node: &Node) -> String {
    match &node.value {
        Value::String(s) => format!("\"{s}\""),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().to_string(),
        _ => node.type_name().to_string(),
    }
}

fn expected_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{s}\""),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option the catalogue names is one this rule declares, and each
    /// declared option is used by some cap: the data and the declaration
    /// cannot drift apart.
    #[test]
    fn the_catalogue_names_exactly_the_declared_options() {
        let named: std::collections::BTreeSet<&str> = catalog()
            .caps()
            .iter()
            .filter_map(|c| c.option.as_deref())
            .collect();
        let declared: std::collections::BTreeSet<&str> =
            CAP_OPTIONS.iter().map(NumberOption::name).collect();
        assert_eq!(named, declared);
        assert_eq!(RULE.options.len(), CAP_OPTIONS.len());
    }
}
