//! What a deploy fills in: SAM `DefinitionSubstitutions`, the placeholder
//! names a template defines, and Terraform `replace()` rewrites.

use crate::loader::tree::{Node, Value};

use super::*;

/// The literal string values of a `DefinitionSubstitutions` mapping.
/// Intrinsic values (`!GetAtt`) are unknown until deploy time and left out.
pub fn literal_substitutions(subs: Option<&Node>) -> Substitutions {
    subs.and_then(Node::as_object)
        .map(|o| {
            o.members
                .iter()
                .filter_map(|m| match &m.value.value {
                    Value::String(v) => Some((m.key.to_string(), v.to_string())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Placeholder name to literal value.
pub type Substitutions = std::collections::BTreeMap<String, String>;

/// The `${Name}` placeholders a deploy fills in for one state machine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceholderNames {
    /// `DefinitionSubstitutions` keys (any value), and for an `Fn::Sub`
    /// `DefinitionString` its variables, the template's parameters and
    /// resources.
    pub names: std::collections::BTreeSet<String>,
    /// Inside `Fn::Sub`: pseudo-parameters (`AWS::Region`) and attributes
    /// (`Resource.Arn`) resolve too.
    pub fn_sub: bool,
    /// Only plain strings hold placeholders the deploy must fill: in an
    /// `Fn::Join` `DefinitionString`, a part written with an intrinsic is
    /// CloudFormation's to evaluate.
    pub strings_only: bool,
}

impl PlaceholderNames {
    pub fn defines(&self, placeholder: &str) -> bool {
        if self.names.contains(placeholder) {
            return true;
        }
        // A part of an `Fn::Join` that is an intrinsic: the decoder marks
        // it `${__part_N}` (`scalars.rs`), and CloudFormation fills it.
        if self.strings_only && placeholder.starts_with("__part_") {
            return true;
        }
        self.fn_sub
            && (placeholder.starts_with("AWS::")
                || placeholder
                    .split_once('.')
                    .is_some_and(|(resource, _)| self.names.contains(resource)))
    }
}

/// What fills the placeholders of the state machine resource at `resource`
/// in a CloudFormation or SAM template; `None` where asl-lint cannot tell
/// (an inline `Definition`, whose intrinsics it turns into placeholders
/// itself, or anything not a CloudFormation resource).
pub fn placeholder_names(root: &Node, resource: &str) -> Option<PlaceholderNames> {
    let resolved = root.resolve(resource);
    if !resolved.exact {
        return None;
    }
    let props = resolved.node.get("Properties")?;
    // An inline `Definition` mixes plain strings with intrinsics (`!Sub`)
    // that the tree does not tell apart: not checked.
    if props.get("Definition").is_some() {
        return None;
    }
    let mut out = PlaceholderNames::default();
    let keys = |n: Option<&Node>| -> Vec<String> {
        n.and_then(Node::as_object)
            .map(|o| o.members.iter().map(|m| m.key.to_string()).collect())
            .unwrap_or_default()
    };
    out.names.extend(keys(props.get("DefinitionSubstitutions")));
    if let Some(string) = props.get("DefinitionString") {
        match intrinsic(string) {
            Some(("Fn::Sub", arg)) => {
                out.fn_sub = true;
                out.names.extend(keys(root.get("Parameters")));
                out.names.extend(keys(root.get("Resources")));
                if let Some([_, vars]) = arg.as_array() {
                    out.names.extend(keys(Some(vars)));
                }
            }
            // The parts of an `Fn::Join` are joined, not substituted.
            Some(("Fn::Join", _)) => out.strings_only = true,
            Some(_) => return None,
            None => {}
        }
    }
    Some(out)
}

/// Applies literal `DefinitionSubstitutions` to every string of the
/// definition, keys included, as the deploy does: `"Type": "${StateType}"`
/// and `"Next": "${NextStep}"` are the substituted text to every rule. An
/// unquoted placeholder that resolves to a number or boolean becomes one.
pub fn resolve_resources(root: &mut Node, subs: &Substitutions) {
    if subs.is_empty() {
        return;
    }
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        if let Value::Opaque(s) = &node.value
            && s.contains("${")
        {
            node.value = opaque_resolved(substitute(s, subs));
            continue;
        }
        match &mut node.value {
            Value::Object(o) => {
                if o.members.iter().any(|m| m.key.contains("${")) {
                    let mut members = std::mem::take(&mut o.members);
                    for m in &mut members {
                        if m.key.contains("${") {
                            m.key = substitute(&m.key, subs).into();
                        }
                    }
                    // Keys changed: rebuild the object's key index.
                    *o = crate::loader::tree::Object::new(members);
                }
                for m in &mut o.members {
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::String(s) if s.contains("${") => {
                let resolved = substitute(s, subs);
                *s = resolved.into();
            }
            _ => {}
        }
    }
}

/// Applies deploy-time text rewrites to a parsed definition, as far as they
/// stay inside string values: a search for a whole quoted string (`"\"__X__\""`)
/// replaces every string value equal to it with the JSON its replacement
/// spells, a search for other text rewrites it inside strings. An unknown
/// replacement makes the value opaque.
pub fn apply_replacements(root: &mut Node, replacements: &[Replacement]) {
    for r in replacements {
        let whole = r
            .search
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .filter(|inner| !inner.contains(['"', '\\']));
        let mut stack: Vec<&mut Node> = vec![&mut *root];
        while let Some(node) = stack.pop() {
            if let Value::String(s) = &node.value {
                let replaced = match (whole, &r.with) {
                    (Some(inner), with) if **s == *inner => Some(
                        with.as_deref()
                            .map_or_else(|| Value::Opaque(r.search.as_str().into()), json_scalar),
                    ),
                    (Some(_), _) => None,
                    (None, _) if r.search.is_empty() || !s.contains(r.search.as_str()) => None,
                    (None, Some(with)) => {
                        Some(Value::String(s.replace(r.search.as_str(), with).into()))
                    }
                    (None, None) => Some(Value::Opaque(s.clone())),
                };
                if let Some(value) = replaced {
                    node.value = value;
                }
                continue;
            }
            match &mut node.value {
                Value::Object(o) => stack.extend(o.members.iter_mut().map(|m| &mut m.value)),
                Value::Array(items) => stack.extend(items.iter_mut()),
                _ => {}
            }
        }
    }
}

/// The value JSON text spells when it is a scalar; otherwise opaque.
pub(super) fn json_scalar(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Null) => Value::Null,
        Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
        Ok(serde_json::Value::String(s)) => Value::String(s.into()),
        Ok(serde_json::Value::Number(n)) => Value::Number(match n.as_i64() {
            Some(i) => crate::loader::tree::Number::Int(i),
            None => crate::loader::tree::Number::Float(n.as_f64().unwrap_or(0.0)),
        }),
        _ => Value::Opaque(text.into()),
    }
}

/// An unquoted placeholder after substitution: still opaque while a part is
/// unknown, else the JSON scalar its text spells, else a string.
pub(super) fn opaque_resolved(resolved: String) -> Value {
    let t = resolved.trim();
    if resolved.contains("${") {
        Value::Opaque(resolved.into())
    } else if let Ok(n) = t.parse::<i64>() {
        Value::Number(crate::loader::tree::Number::Int(n))
    } else if let Some(f) = t.parse::<f64>().ok().filter(|f| f.is_finite()) {
        Value::Number(crate::loader::tree::Number::Float(f))
    } else if t == "true" || t == "false" {
        Value::Bool(t == "true")
    } else {
        Value::String(resolved.into())
    }
}

pub(super) fn substitute(s: &str, subs: &Substitutions) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let name = &after[..close];
        match subs.get(name) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[at..at + 2 + close + 1]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}
