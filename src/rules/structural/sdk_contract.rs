//! What the service-contract rules share (`unknown-sdk-action`,
//! `unknown-parameter`, `missing-required-parameter`,
//! `invalid-parameter-value`, `unknown-error-name`, `unknown-result-field`):
//! the `aws-sdk:` Tasks of a definition resolved against the AWS service
//! models, and one walk of a Task's payload along the operation's input
//! shape. Not a rule itself.

use crate::catalog::aws_models::{self, Operation, Service, Shape};
use crate::loader::pointer;
use crate::loader::tree::{Node, Object, Value};
use crate::model::{Pattern, QueryLanguage, ResourceKind, State, StateType};
use crate::rules::Context;

/// An `aws-sdk:` Task whose service and action the models know.
pub struct SdkTask<'a, 't> {
    pub state: &'a State<'t>,
    pub service: &'static Service,
    pub operation: &'static Operation,
    pub pattern: Pattern,
}

/// The `aws-sdk:` Tasks of the definition, with the raw service and action
/// written in `Resource` (whether or not the models know them).
pub fn sdk_states<'a, 't>(
    cx: &'a Context<'_, 't>,
) -> impl Iterator<Item = (&'a State<'t>, &'a str, &'a str, Pattern)> {
    cx.machine.states.iter().filter_map(|state| {
        if state.ty != StateType::Task {
            return None;
        }
        match &state.resource.as_ref()?.kind {
            ResourceKind::Integration {
                service,
                action,
                pattern,
                sdk: true,
            } => Some((state, service.as_str(), action.as_str(), *pattern)),
            _ => None,
        }
    })
}

/// The `aws-sdk:` Tasks whose service and operation exist in the models.
pub fn sdk_tasks<'a, 't>(cx: &'a Context<'_, 't>) -> Vec<SdkTask<'a, 't>> {
    sdk_states(cx)
        .filter_map(|(state, service, action, pattern)| {
            let service = aws_models::service(service)?;
            let (_, operation) = service.operation(action)?;
            Some(SdkTask {
                state,
                service,
                operation,
                pattern,
            })
        })
        .collect()
}

/// A value known only at run or deploy time: a template intrinsic, a
/// `${...}` placeholder, or a JSONata `{% ... %}` expression.
pub fn is_opaque(node: &Node) -> bool {
    match &node.value {
        Value::Opaque(_) => true,
        Value::String(s) => s.contains("${") || s.trim_start().starts_with("{%"),
        _ => false,
    }
}

/// What the payload walk meets.
pub enum Visit<'n> {
    /// An object checked against a structure shape.
    Structure {
        pointer: &'n str,
        object: &'n Object,
        shape: &'static Shape,
    },
    /// A member the structure does not have; `name` is the key without a
    /// `.$` suffix.
    Unknown {
        pointer: &'n str,
        object: &'n Object,
        shape: &'static Shape,
        key: &'n str,
        name: &'n str,
    },
    /// A literal value (not an object for a structure or map, not an array
    /// for a list) against its shape.
    Literal {
        pointer: &'n str,
        node: &'n Node,
        shape: &'static Shape,
    },
}

/// The Task's payload (`Parameters` or, in JSONata, `Arguments`) and its
/// pointer, when it is a literal object.
pub fn payload<'t>(task: &SdkTask<'_, 't>) -> Option<(&'t Node, String)> {
    let field = match task.state.query_language {
        QueryLanguage::JsonPath => "Parameters",
        QueryLanguage::Jsonata => "Arguments",
    };
    let node = task.state.get(field)?;
    node.as_object()?;
    Some((node, pointer::push(&task.state.pointer, field)))
}

/// Walks the Task's payload along the operation's input shape, calling
/// `visit` for each object, unknown member and literal. Values written with
/// `.$`, placeholders and JSONata expressions are not entered. A work list,
/// not recursion: the depth is the input's choice.
pub fn walk_payload(task: &SdkTask<'_, '_>, mut visit: impl FnMut(Visit<'_>)) {
    let Some((node, ptr)) = payload(task) else {
        return;
    };
    let Some(input) = task
        .operation
        .input
        .as_deref()
        .and_then(|i| task.service.shape(i))
    else {
        return;
    };
    let jsonpath = task.state.query_language == QueryLanguage::JsonPath;
    let service = task.service;
    let mut pending: Vec<(&Node, &'static Shape, String)> = vec![(node, input, ptr)];
    while let Some((node, shape, ptr)) = pending.pop() {
        if is_opaque(node) {
            continue;
        }
        match shape.ty.as_str() {
            "structure" => {
                let Some(object) = node.as_object() else {
                    visit(Visit::Literal {
                        pointer: &ptr,
                        node,
                        shape,
                    });
                    continue;
                };
                visit(Visit::Structure {
                    pointer: &ptr,
                    object,
                    shape,
                });
                for m in object.members.iter().rev() {
                    let key: &str = &m.key;
                    if key.contains("${") {
                        continue;
                    }
                    let (name, dynamic) = match key.strip_suffix(".$") {
                        Some(name) if jsonpath => (name, true),
                        _ => (key, false),
                    };
                    match shape.members.get(name) {
                        _ if alias_of(service, shape, name).is_some() => {}
                        Some(target) => {
                            if !dynamic && let Some(target) = service.shape(target) {
                                pending.push((&m.value, target, pointer::push(&ptr, key)));
                            }
                        }
                        None => visit(Visit::Unknown {
                            pointer: &ptr,
                            object,
                            shape,
                            key,
                            name,
                        }),
                    }
                }
            }
            "list" => match node.as_array() {
                Some(items) => {
                    if let Some(member) =
                        shape.list_member.as_deref().and_then(|l| service.shape(l))
                    {
                        for (i, item) in items.iter().enumerate().rev() {
                            pending.push((item, member, pointer::push_index(&ptr, i)));
                        }
                    }
                }
                None => visit(Visit::Literal {
                    pointer: &ptr,
                    node,
                    shape,
                }),
            },
            "map" => match node.as_object() {
                Some(object) => {
                    if let Some(value) = shape.map_value.as_deref().and_then(|v| service.shape(v)) {
                        for m in object.members.iter().rev() {
                            if jsonpath && m.key.ends_with(".$") {
                                continue;
                            }
                            pending.push((&m.value, value, pointer::push(&ptr, &m.key)));
                        }
                    }
                }
                None => visit(Visit::Literal {
                    pointer: &ptr,
                    node,
                    shape,
                }),
            },
            "document" | "eventstream" => {}
            _ => visit(Visit::Literal {
                pointer: &ptr,
                node,
                shape,
            }),
        }
    }
}

/// The member a misspelt key most likely means, and whether that guess is
/// certain enough for a safe fix: the raw API spelling
/// (`DBInstanceIdentifier` for `DbInstanceIdentifier`), a case slip
/// (`bucket`), a singular or plural slip (`Filter` for `Filters`), or a
/// close name.
pub fn correction<'s>(shape: &'s Shape, name: &str) -> Option<(&'s str, bool)> {
    let members = || shape.members.keys().map(String::as_str);
    // The raw botocore spelling, in either case of its first letter.
    if let Some((sfn, _)) = shape.raw.iter().find(|(_, raw)| {
        raw.as_str() == name || (raw.len() == name.len() && first_letter_case(raw, name))
    }) {
        return Some((sfn.as_str(), true));
    }
    let unique = |found: Vec<&'s str>| match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    if let Some(m) = unique(members().filter(|m| m.eq_ignore_ascii_case(name)).collect()) {
        return Some((m, true));
    }
    let lower = name.to_ascii_lowercase();
    let number_slip = |m: &str| {
        let m = m.to_ascii_lowercase();
        [
            format!("{lower}s"),
            format!("{lower}es"),
            lower.strip_suffix('s').unwrap_or_default().to_string(),
            lower.strip_suffix("es").unwrap_or_default().to_string(),
            match lower.strip_suffix('y') {
                Some(stem) => format!("{stem}ies"),
                None => String::new(),
            },
            match lower.strip_suffix("ies") {
                Some(stem) => format!("{stem}y"),
                None => String::new(),
            },
        ]
        .iter()
        .any(|c| !c.is_empty() && *c == m)
    };
    if let Some(m) = unique(members().filter(|m| number_slip(m)).collect()) {
        return Some((m, true));
    }
    if let Some(m) = crate::rules::unique_correction(name, members()) {
        return Some((m, true));
    }
    crate::rules::suggest(name, members()).map(|m| (m, false))
}

/// Whether two names are equal but for the case of the first letter.
fn first_letter_case(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    match (x.next(), y.next()) {
        (Some(p), Some(q)) => p.eq_ignore_ascii_case(&q) && x.as_str() == y.as_str(),
        _ => false,
    }
}

/// Names the AWS SDK for Java v2 adds to a shape through its per-service
/// customisations, with the member each stands for: S3's `CopyObject` and
/// `UploadPartCopy` also take `DestinationBucket`/`DestinationKey` for
/// `Bucket`/`Key`, and `SourceBucket`, `SourceKey`, `SourceVersionId` for
/// `CopySource` (`docs/aws-models.md`).
pub fn alias_of(service: &Service, shape: &Shape, name: &str) -> Option<&'static str> {
    if service.service != "s3" || !shape.members.contains_key("CopySource") {
        return None;
    }
    match name {
        "DestinationBucket" => Some("Bucket"),
        "DestinationKey" => Some("Key"),
        "SourceBucket" | "SourceKey" | "SourceVersionId" => Some("CopySource"),
        _ => None,
    }
}
