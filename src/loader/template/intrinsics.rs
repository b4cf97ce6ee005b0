//! CloudFormation intrinsics (`!Ref`, `!GetAtt`, `!Sub`, `Fn::Join`) as
//! values known only at deploy time.

use crate::loader::tree::{Node, Value};

/// Replaces CloudFormation intrinsics inside a definition by what the rules
/// can use: `Fn::Sub` and `Fn::Join` become the strings they build (with
/// `${...}` where a value is unknown); `Ref`, `Fn::GetAtt` and the rest
/// become opaque `${...}` values that satisfy any type check.
pub fn deploy_time_values(root: &mut Node) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(replacement) = intrinsic_value(node) {
            node.value = replacement;
            continue;
        }
        match &mut node.value {
            Value::Object(o) => stack.extend(o.members.iter_mut().map(|m| &mut m.value)),
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

pub(super) fn intrinsic_value(node: &Node) -> Option<Value> {
    let o = node.as_object()?;
    let [member] = o.members.as_slice() else {
        return None;
    };
    let (name, arg) = (&*member.key, &member.value);
    if name != "Ref" && !name.starts_with("Fn::") {
        return None;
    }
    Some(match name {
        "Fn::Sub" => {
            let s = arg
                .as_str()
                .or_else(|| arg.as_array().and_then(|a| a.first()?.as_str()))?;
            Value::String(s.into())
        }
        "Fn::Join" => Value::String(join_text(arg)?.into()),
        "Ref" => Value::Opaque(format!("${{{}}}", arg.as_str().unwrap_or("Ref")).into()),
        "Fn::GetAtt" => {
            let target = match &arg.value {
                Value::String(s) => s.to_string(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(Node::as_str)
                    .collect::<Vec<_>>()
                    .join("."),
                _ => "GetAtt".into(),
            };
            Value::Opaque(format!("${{{target}}}").into())
        }
        other => Value::Opaque(format!("${{{other}}}").into()),
    })
}

/// `Fn::Join [delimiter, [parts]]` as text, unknown parts as `${...}`.
pub(super) fn join_text(arg: &Node) -> Option<String> {
    let [delimiter, parts] = arg.as_array()? else {
        return None;
    };
    let parts = parts.as_array()?;
    let texts: Vec<String> = parts
        .iter()
        .map(|p| match p.as_str() {
            Some(s) if matches!(p.value, Value::String(_)) => s.to_string(),
            _ => match intrinsic_value(p) {
                Some(Value::String(s) | Value::Opaque(s)) => s.to_string(),
                _ => "${Fn::Join}".to_string(),
            },
        })
        .collect();
    Some(texts.join(delimiter.as_str()?))
}

pub(super) fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    let o = node.as_object()?;
    let [m] = o.members.as_slice() else {
        return None;
    };
    Some((&m.key, &m.value))
}
