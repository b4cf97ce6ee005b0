//! State machines inside CloudFormation, SAM and Serverless Framework files.
//!
//! An inline `Definition` is a subtree of the file, so its spans are already
//! right. A `DefinitionString` is text inside a scalar: it is decoded with a
//! map from each decoded byte back to the file, parsed, and every span is
//! mapped back, so findings land on the template's own lines.

use crate::loader::json::{self, DuplicateKey, ParseError};
use crate::loader::pointer;
use crate::loader::tree::{Member, Node, Span, Value};

const STEP_FUNCTIONS: &str = "AWS::StepFunctions::StateMachine";
const SERVERLESS: &str = "AWS::Serverless::StateMachine";

/// One definition found in a template.
#[derive(Debug)]
pub struct Embedded {
    /// Pointer to the resource (or Serverless state machine) in the file.
    pub pointer: String,
    pub root: Node,
    pub syntax: Option<ParseError>,
    pub duplicates: Vec<DuplicateKey>,
    /// Rule names from the resource's `Metadata: {asl-lint: {ignore: [...]}}`.
    pub ignore: Vec<String>,
    /// `STANDARD` or `EXPRESS`, as written (`StateMachineType`, SAM `Type`).
    pub workflow_type: Option<String>,
    /// Positions inside a `DefinitionString` could not be mapped exactly;
    /// findings point at the string's start.
    pub approximate: bool,
    /// Length of the definition text in characters, for `definition-too-large`.
    pub chars: usize,
    /// The construct path CDK records in the resource's metadata
    /// (`aws:cdk:path`), which names the code that made the definition.
    pub cdk_path: Option<String>,
    /// For a `DefinitionString`: the string scalars its text is decoded
    /// from, so that an edit inside one is escaped as that scalar is
    /// written. Empty for an inline definition (its spans are the file's).
    pub strings: Vec<StringScalar>,
}

/// How a string scalar is written in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// JSON, or YAML `"..."`: backslash escapes.
    DoubleQuoted,
    /// YAML `'...'`: a quote is doubled.
    SingleQuoted,
    /// YAML `|` or `>`: text as is, lines indented.
    Block,
    /// A YAML plain scalar.
    Plain,
}

/// One string scalar a `DefinitionString` is decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StringScalar {
    /// The scalar as written, quotes or block header included.
    pub span: Span,
    pub style: ScalarStyle,
    /// The scalar is an `Fn::Sub` template: a literal `${` is written `${!`.
    pub sub: bool,
}

/// A state machine resource whose definition cannot be linted here.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Pointer to the resource.
    pub resource: String,
    /// Pointer to the field that says where the definition is.
    pub field: String,
    pub reason: SkipReason,
    /// What the resource says about the definition, for a linked file.
    pub workflow_type: Option<String>,
    pub substitutions: Substitutions,
    /// Text rewrites of the rendered definition (Terraform `replace()`),
    /// innermost first.
    pub replacements: Vec<Replacement>,
}

/// A deploy-time rewrite of a definition's text: each `search` becomes
/// `with`, or a value known only at deploy time when `with` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Replacement {
    pub search: String,
    pub with: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    /// `DefinitionS3Location`, an `s3://` `DefinitionUri`, or a value built
    /// by an intrinsic we cannot evaluate.
    NotCheckable(String),
    /// A local `DefinitionUri` (relative to the template).
    LocalFile(String),
    /// The resource has no definition at all.
    NoDefinition,
}

#[derive(Debug, Default)]
pub struct Extracted {
    pub definitions: Vec<Embedded>,
    pub skipped: Vec<Skipped>,
}

/// Whether a parsed file is a template holding state machines.
pub fn is_template(root: &Node) -> bool {
    state_machine_resources(root).next().is_some() || serverless_machines(root).next().is_some()
}

fn state_machine_resources(root: &Node) -> impl Iterator<Item = &Member> {
    root.get("Resources")
        .and_then(Node::as_object)
        .into_iter()
        .flat_map(|o| o.members.iter())
        .filter(|m| {
            matches!(
                m.value.get("Type").and_then(Node::as_str),
                Some(STEP_FUNCTIONS | SERVERLESS)
            )
        })
}

fn serverless_machines(root: &Node) -> impl Iterator<Item = &Member> {
    root.get("stepFunctions")
        .and_then(|s| s.get("stateMachines"))
        .and_then(Node::as_object)
        .into_iter()
        .flat_map(|o| o.members.iter())
}

/// Finds every definition in a template. `text` is the whole file.
pub fn extract(text: &str, root: &Node) -> Extracted {
    let mut out = Extracted::default();
    for resource in state_machine_resources(root) {
        let base = pointer::push("/Resources", &resource.key);
        let serverless = resource.value.get("Type").and_then(Node::as_str) == Some(SERVERLESS);
        let props = resource.value.get("Properties");
        let prop = |name: &str| props.and_then(|p| p.get(name));
        let props_ptr = pointer::push(&base, "Properties");
        let workflow_type = prop(if serverless {
            "Type"
        } else {
            "StateMachineType"
        })
        .and_then(Node::as_str)
        .map(str::to_string);
        let ignore = metadata_ignore(&resource.value);
        let substitutions = prop("DefinitionSubstitutions");
        let found = if let Some(definition) = prop("Definition") {
            Some(inline(definition))
        } else if let Some(string) = prop("DefinitionString").filter(|_| !serverless) {
            match from_string(text, string) {
                Ok(found) => Some(found),
                Err(why) => {
                    out.skipped.push(Skipped {
                        resource: base.clone(),
                        field: pointer::push(&props_ptr, "DefinitionString"),
                        reason: SkipReason::NotCheckable(why),
                        workflow_type: None,
                        substitutions: Substitutions::new(),
                        replacements: Vec::new(),
                    });
                    None
                }
            }
        } else {
            let (field, reason) = if serverless && let Some(uri) = prop("DefinitionUri") {
                let reason = match uri.as_str() {
                    Some(path) if !path.starts_with("s3://") => {
                        SkipReason::LocalFile(path.to_string())
                    }
                    _ => SkipReason::NotCheckable(
                        "its `DefinitionUri` is in S3; lint the source file instead".into(),
                    ),
                };
                ("DefinitionUri", reason)
            } else if prop("DefinitionS3Location").is_some() {
                (
                    "DefinitionS3Location",
                    SkipReason::NotCheckable(
                        "its definition is in S3 (`DefinitionS3Location`); lint the source file \
                         instead"
                            .into(),
                    ),
                )
            } else {
                ("Type", SkipReason::NoDefinition)
            };
            let field_ptr = if field == "Type" {
                pointer::push(&base, "Type")
            } else {
                pointer::push(&props_ptr, field)
            };
            out.skipped.push(Skipped {
                resource: base.clone(),
                field: field_ptr,
                reason,
                workflow_type: workflow_type.clone(),
                substitutions: literal_substitutions(substitutions),
                replacements: Vec::new(),
            });
            None
        };
        let substitutions = literal_substitutions(substitutions);
        if let Some(mut found) = found {
            resolve_resources(&mut found.root, &substitutions);
            found.pointer = base;
            found.ignore = ignore;
            found.workflow_type = workflow_type;
            found.cdk_path = resource
                .value
                .get("Metadata")
                .and_then(|m| m.get("aws:cdk:path"))
                .and_then(Node::as_str)
                .map(str::to_string);
            out.definitions.push(found);
        }
    }
    for machine in serverless_machines(root) {
        let base = pointer::push("/stepFunctions/stateMachines", &machine.key);
        match machine.value.get("definition") {
            Some(definition) if definition.as_object().is_some() => {
                let mut found = inline(definition);
                found.pointer = base;
                found.workflow_type = machine
                    .value
                    .get("type")
                    .and_then(Node::as_str)
                    .map(str::to_string);
                out.definitions.push(found);
            }
            Some(_) => out.skipped.push(Skipped {
                workflow_type: None,
                substitutions: Substitutions::new(),
                replacements: Vec::new(),
                resource: base.clone(),
                field: pointer::push(&base, "definition"),
                reason: SkipReason::NotCheckable(
                    "its `definition` is not an inline mapping (a `${file(...)}` or other \
                     variable); lint that file directly"
                        .into(),
                ),
            }),
            None => out.skipped.push(Skipped {
                workflow_type: None,
                substitutions: Substitutions::new(),
                replacements: Vec::new(),
                resource: base.clone(),
                field: base.clone(),
                reason: SkipReason::NoDefinition,
            }),
        }
    }
    out
}

/// `Metadata: {asl-lint: {ignore: [rule, ...]}}` on a resource.
fn metadata_ignore(resource: &Node) -> Vec<String> {
    resource
        .get("Metadata")
        .and_then(|m| m.get("asl-lint"))
        .and_then(|m| m.get("ignore"))
        .and_then(Node::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn embedded(root: Node, chars: usize) -> Embedded {
    Embedded {
        pointer: String::new(),
        root,
        syntax: None,
        duplicates: Vec::new(),
        ignore: Vec::new(),
        workflow_type: None,
        approximate: false,
        chars,
        cdk_path: None,
        strings: Vec::new(),
    }
}

/// An inline `Definition`: the subtree, with intrinsics made opaque.
fn inline(definition: &Node) -> Embedded {
    let chars = (definition.span.len()).max(1);
    let mut root = definition.clone();
    deploy_time_values(&mut root);
    embedded(root, chars)
}

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

fn intrinsic_value(node: &Node) -> Option<Value> {
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
fn join_text(arg: &Node) -> Option<String> {
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
}

impl PlaceholderNames {
    pub fn defines(&self, placeholder: &str) -> bool {
        if self.names.contains(placeholder) {
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
fn json_scalar(text: &str) -> Value {
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
fn opaque_resolved(resolved: String) -> Value {
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

fn substitute(s: &str, subs: &Substitutions) -> String {
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

/// Decoded text with, for each byte of it (and one past the end), the byte
/// in the file it came from.
#[derive(Debug, Default)]
pub struct Mapped {
    pub text: String,
    pub map: Vec<u32>,
    pub exact: bool,
    /// The scalars the text was decoded from, exactly.
    pub scalars: Vec<StringScalar>,
}

impl Mapped {
    fn push_str(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        self.map.extend(std::iter::repeat_n(at as u32, s.len()));
    }

    fn push_char(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.map
            .extend(std::iter::repeat_n(at as u32, c.len_utf8()));
    }

    fn source(&self, offset: usize) -> usize {
        self.map
            .get(offset)
            .or(self.map.last())
            .copied()
            .unwrap_or(0) as usize
    }

    fn span(&self, s: Span) -> Span {
        let start = self.source(s.start as usize);
        // The end is where the next decoded byte came from, so an escaped
        // last character (`\"`) is covered whole; but the next byte may be
        // a `Fn::Join` delimiter, mapped to the part after it, and then the
        // span ends at the closing quote of the last byte's own part.
        let end = if s.end > s.start {
            let next = self.source(s.end as usize);
            let last = self.source(s.end as usize - 1);
            let own = self
                .scalars
                .iter()
                .find(|sc| (sc.span.start as usize) <= last && last < sc.span.end as usize);
            match own {
                Some(sc)
                    if next >= sc.span.end as usize
                        && matches!(
                            sc.style,
                            ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted
                        ) =>
                {
                    (sc.span.end as usize - 1).max(last + 1)
                }
                _ => next,
            }
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

/// A `DefinitionString` (plain, `Fn::Sub` or `Fn::Join`), parsed with spans
/// in the file.
fn from_string(text: &str, node: &Node) -> Result<Embedded, String> {
    let mut mapped = Mapped {
        exact: true,
        ..Mapped::default()
    };
    match (&node.value, intrinsic(node)) {
        (Value::String(s), _) => scalar_text(text, node, s, &mut mapped),
        (_, Some(("Fn::Sub", arg))) => {
            let target = match &arg.value {
                Value::Array(items) => items.first().ok_or("`Fn::Sub` has no string")?,
                _ => arg,
            };
            let s = target
                .as_str()
                .ok_or("its `Fn::Sub` is not built from a string")?;
            scalar_text(text, target, s, &mut mapped);
            for scalar in &mut mapped.scalars {
                scalar.sub = true;
            }
        }
        (_, Some(("Fn::Join", arg))) => {
            let [delimiter, parts] = arg.as_array().ok_or("its `Fn::Join` is malformed")? else {
                return Err("its `Fn::Join` is malformed".into());
            };
            let delimiter = delimiter
                .as_str()
                .ok_or("its `Fn::Join` delimiter is not a string")?;
            let parts = parts
                .as_array()
                .ok_or("its `Fn::Join` parts are not a list")?;
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    mapped.push_str(delimiter, part.span.start as usize);
                }
                match &part.value {
                    Value::String(s) => scalar_text(text, part, s, &mut mapped),
                    // A value known at deploy time: an opaque placeholder.
                    _ => mapped.push_str(&format!("${{__part_{i}}}"), part.span.start as usize),
                }
            }
        }
        (_, Some((name, _))) => {
            return Err(format!(
                "its `DefinitionString` is built with `{name}`, which asl-lint cannot evaluate"
            ));
        }
        _ => return Err("its `DefinitionString` is not a string".into()),
    }
    mapped
        .map
        .push(mapped.map.last().map_or(node.span.end, |&l| l + 1));
    let chars = mapped.text.chars().count();
    let (prepared, opaque) = neutralise_placeholders(&mapped.text);
    let parsed = json::parse(&prepared, 0);
    let mut e = embedded(
        Node {
            value: Value::Null,
            span: node.span,
        },
        chars,
    );
    e.approximate = !mapped.exact;
    match parsed {
        Ok(parsed) => {
            let mut root = parsed.root;
            restore_placeholders(&mut root, &opaque, &mapped.text);
            remap(&mut root, &mapped);
            e.root = root;
            e.duplicates = parsed
                .duplicates
                .into_iter()
                .map(|mut d| {
                    d.first = mapped.span(d.first);
                    d.duplicate = mapped.span(d.duplicate);
                    d
                })
                .collect();
        }
        Err(mut err) => {
            err.span = mapped.span(err.span);
            err.message = format!("`DefinitionString` is not valid JSON: {}", err.message);
            e.syntax = Some(err);
        }
    }
    e.strings = std::mem::take(&mut mapped.scalars);
    Ok(e)
}

fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    let o = node.as_object()?;
    let [m] = o.members.as_slice() else {
        return None;
    };
    Some((&m.key, &m.value))
}

/// Appends a string scalar's decoded value, mapping each byte back to the
/// file. Falls back to the scalar's start when the raw form is not one we
/// can walk (and marks the mapping approximate).
fn scalar_text(text: &str, node: &Node, value: &str, out: &mut Mapped) {
    let start = block_header_before(text, node.span.start as usize);
    let raw = &text[start..(node.span.end as usize).min(text.len())];
    let base = start;
    let mut attempt = Mapped::default();
    // The parser's value is the reference; a difference in whitespace only
    // is tolerated (saphyr keeps one space too many on the last line of a
    // `- |-` block in some layouts, where PyYAML agrees with this decoder).
    let same = |a: &str, b: &str| a == b || a.split_whitespace().eq(b.split_whitespace());
    let ok = decode_raw(raw, base, &mut attempt) && same(&attempt.text, value);
    if ok {
        out.text.push_str(&attempt.text);
        out.map.extend(attempt.map);
        let (skip, style) = scalar_style(raw);
        out.scalars.push(StringScalar {
            span: Span::new(base + skip, base + raw.len()),
            style,
            sub: false,
        });
    } else {
        out.exact = false;
        out.push_str(value, base);
    }
}

/// The parser starts some block scalars' spans at their first content line
/// (in a sequence item, `- |-`); step back to the `|` or `>` header then.
fn block_header_before(text: &str, start: usize) -> usize {
    let before = &text[..start];
    // Only indentation may lie between the scalar and the line break before
    // it. Looking back over that and no further keeps this constant for the
    // many scalars of one long flow line (100,000 `Fn::Join` parts).
    let indent = before.len() - before.trim_end_matches([' ', '\t']).len();
    let line_end = start - indent;
    if line_end == 0 || text.as_bytes()[line_end - 1] != b'\n' {
        return start;
    }
    let line_end = line_end - 1;
    let line_start = before[..line_end].rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..line_end];
    let trimmed = line.trim_end();
    let Some(at) = trimmed.rfind(['|', '>']) else {
        return start;
    };
    let header_ok = trimmed[at + 1..]
        .bytes()
        .all(|b| b == b'-' || b == b'+' || b.is_ascii_digit())
        && (at == 0 || trimmed.as_bytes()[at - 1] == b' ');
    if header_ok { line_start + at } else { start }
}

/// Decodes a scalar as written: a JSON or YAML double-quoted string, a
/// single-quoted one, a `|` or `>` block, or a plain one-line scalar. A
/// leading CloudFormation tag (`!Sub`) is skipped.
fn decode_raw(raw: &str, base: usize, out: &mut Mapped) -> bool {
    let skip = tag_length(raw);
    let body = &raw[skip..];
    let base = base + skip;
    match body.chars().next() {
        Some('"') => decode_double_quoted(body, base, out),
        Some('\'') => decode_single_quoted(body, base, out),
        Some('|') => decode_block(body, base, out, false),
        Some('>') => decode_block(body, base, out, true),
        Some(_) if !body.contains('\n') => {
            out.push_str_mapped(body.trim_end(), base);
            true
        }
        _ => false,
    }
}

/// The length of a leading CloudFormation tag (`!Sub `) and its spaces.
fn tag_length(raw: &str) -> usize {
    if !raw.starts_with('!') {
        return 0;
    }
    let skip = raw.find(|c: char| c.is_whitespace()).unwrap_or(raw.len());
    skip + raw[skip..].len() - raw[skip..].trim_start_matches([' ', '\t']).len()
}

/// Where a scalar's body starts after its tag, and how it is written.
fn scalar_style(raw: &str) -> (usize, ScalarStyle) {
    let skip = tag_length(raw);
    let style = match raw[skip..].chars().next() {
        Some('"') => ScalarStyle::DoubleQuoted,
        Some('\'') => ScalarStyle::SingleQuoted,
        Some('|' | '>') => ScalarStyle::Block,
        _ => ScalarStyle::Plain,
    };
    (skip, style)
}

impl Mapped {
    fn push_str_mapped(&mut self, s: &str, base: usize) {
        for (i, c) in s.char_indices() {
            self.push_char(c, base + i);
        }
    }
}

fn decode_double_quoted(body: &str, base: usize, out: &mut Mapped) -> bool {
    let mut chars = body.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return true,
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return false;
                };
                let decoded = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '/' => '/',
                    '\\' => '\\',
                    '"' => '"',
                    '0' => '\0',
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            let Some((_, h)) = chars.next() else {
                                return false;
                            };
                            let Some(d) = h.to_digit(16) else {
                                return false;
                            };
                            code = code * 16 + d;
                        }
                        if (0xD800..0xDC00).contains(&code) {
                            // A surrogate pair: `\uD83D\uDE00`.
                            let (Some((_, '\\')), Some((_, 'u'))) = (chars.next(), chars.next())
                            else {
                                return false;
                            };
                            let mut low = 0u32;
                            for _ in 0..4 {
                                let Some(d) = chars.next().and_then(|(_, h)| h.to_digit(16)) else {
                                    return false;
                                };
                                low = low * 16 + d;
                            }
                            if !(0xDC00..0xE000).contains(&low) {
                                return false;
                            }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        }
                        match char::from_u32(code) {
                            Some(c) => c,
                            None => return false,
                        }
                    }
                    _ => return false,
                };
                out.push_char(decoded, base + i);
            }
            // A line break inside a YAML double-quoted scalar folds: too
            // rare in templates to map, so let the caller fall back.
            '\n' => return false,
            c => out.push_char(c, base + i),
        }
    }
    false
}

fn decode_single_quoted(body: &str, base: usize, out: &mut Mapped) -> bool {
    let mut chars = body.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                chars.next();
                out.push_char('\'', base + i);
            }
            '\'' => return true,
            '\n' => return false,
            c => out.push_char(c, base + i),
        }
    }
    false
}

/// A `|` (literal) or `>` (folded) block scalar. Only the content's prefix
/// matters for mapping; the caller checks the result against the parser's
/// value and falls back if folding or chomping made them differ.
fn decode_block(body: &str, base: usize, out: &mut Mapped, folded: bool) -> bool {
    let Some(header_end) = body.find('\n') else {
        return false;
    };
    let header = &body[1..header_end];
    let explicit: Option<usize> = header
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|d| d as usize);
    let keep = header.contains('+');
    let strip = header.contains('-');
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = header_end + 1;
    for line in body[header_end + 1..].split_inclusive('\n') {
        lines.push((offset, line.strip_suffix('\n').unwrap_or(line)));
        offset += line.len();
    }
    let indent = explicit.unwrap_or_else(|| {
        lines
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map_or(0, |(_, l)| l.len() - l.trim_start_matches(' ').len())
    });
    if indent == 0 {
        return false;
    }
    // The block ends at the first non-empty line indented less.
    let content: Vec<(usize, &str)> = lines
        .into_iter()
        .take_while(|(_, l)| l.trim().is_empty() || l.starts_with(&" ".repeat(indent)))
        .map(|(o, l)| (o, if l.len() >= indent { &l[indent..] } else { "" }))
        .collect();
    let last_text = content.iter().rposition(|(_, l)| !l.is_empty());
    let Some(last_text) = last_text else {
        return true;
    };
    let mut previous_folds = false;
    for (k, (o, line)) in content.iter().enumerate().take(last_text + 1) {
        let at = base + o + indent;
        if k > 0 {
            let newline_at = at.saturating_sub(indent + 1);
            let more_indented = line.starts_with([' ', '\t']);
            if folded && previous_folds && !line.is_empty() && !more_indented {
                out.push_char(' ', newline_at);
            } else if !(folded && line.is_empty() && previous_folds) {
                out.push_char('\n', newline_at);
            }
            previous_folds = !line.is_empty() && !more_indented;
            if line.is_empty() && folded {
                previous_folds = false;
            }
        } else {
            previous_folds = !line.starts_with([' ', '\t']);
        }
        out.push_str_mapped(line, at);
    }
    if !strip {
        let end_at = base + content[last_text].0 + indent + content[last_text].1.len();
        out.push_char('\n', end_at);
        if keep {
            for (o, _) in &content[last_text + 1..] {
                out.push_char('\n', base + o);
            }
        }
    }
    true
}

/// Parses JSON in which `${...}` may stand outside strings (a file a
/// template substitutes), keeping those placeholders as opaque values.
pub fn parse_templated_json(text: &str, start: usize) -> Result<json::Parsed, ParseError> {
    let (prepared, opaque) = neutralise_placeholders(text);
    let mut parsed = json::parse(&prepared, start)?;
    restore_placeholders(&mut parsed.root, &opaque, text);
    Ok(parsed)
}

/// Replaces `${...}` written outside JSON strings (allowed by
/// `DefinitionSubstitutions`, e.g. `"IntervalSeconds": ${Interval}`) by
/// `null` padded to the same length, so the text parses and columns stay
/// put. Returns the text and the placeholders' offsets.
fn neutralise_placeholders(text: &str) -> (String, Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut opaque = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = text[i..].find('}')
            // A name is needed (`${}` is no placeholder), which also makes
            // the placeholder at least as long as the `null` it becomes.
            && close > 2
            && !text[i..i + close].contains(['\n', '"'])
        {
            let end = i + close + 1;
            out.push_str(&text[copied..i]);
            out.push_str("null");
            out.push_str(&" ".repeat(end - i - 4));
            opaque.push((i, end));
            copied = end;
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    (out, opaque)
}

/// Turns the `null`s that stood in for placeholders into opaque values.
fn restore_placeholders(root: &mut Node, opaque: &[(usize, usize)], original: &str) {
    if opaque.is_empty() {
        return;
    }
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        if matches!(node.value, Value::Null) {
            let start = node.span.start as usize;
            if let Ok(k) = opaque.binary_search_by_key(&start, |&(s, _)| s) {
                let (s, e) = opaque[k];
                node.value = Value::Opaque(original[s..e].into());
                node.span = Span::new(s, e);
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

/// Moves every span from decoded-text offsets to file offsets.
fn remap(root: &mut Node, mapped: &Mapped) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        node.span = mapped.span(node.span);
        match &mut node.value {
            Value::Object(o) => {
                for m in &mut o.members {
                    m.key_span = mapped.span(m.key_span);
                    stack.push(&mut m.value);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::yaml;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn json_definition_string_maps_into_the_escaped_text() {
        let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}"}}}}"#;
        let root = json::parse(text, 0).unwrap().root;
        let found = extract(text, &root);
        assert_eq!(found.definitions.len(), 1);
        let d = &found.definitions[0];
        assert!(!d.approximate);
        assert_eq!(d.pointer, "/Resources/M");
        let a = d
            .root
            .get("States")
            .unwrap()
            .as_object()
            .unwrap()
            .member("A")
            .unwrap();
        assert_eq!(slice(text, a.key_span), r#"\"A\""#);
        let ty = a.value.get("Type").unwrap();
        assert_eq!(slice(text, ty.span), r#"\"Pass\""#);
    }

    #[test]
    fn yaml_sub_block_maps_lines() {
        let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      StateMachineType: EXPRESS\n      DefinitionString: !Sub |\n        {\n          \"StartAt\": \"A\",\n          \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn}\", \"TimeoutSeconds\": ${T}, \"End\": true}}\n        }\n";
        let root = yaml::parse(text).unwrap().root;
        let found = extract(text, &root);
        let d = &found.definitions[0];
        assert!(!d.approximate, "{d:?}");
        assert_eq!(d.workflow_type.as_deref(), Some("EXPRESS"));
        let a = d.root.get("States").unwrap().get("A").unwrap();
        assert_eq!(slice(text, a.get("Resource").unwrap().span), "\"${Fn}\"");
        let t = a.get("TimeoutSeconds").unwrap();
        assert!(matches!(t.value, Value::Opaque(_)));
        assert_eq!(slice(text, t.span), "${T}");
    }

    #[test]
    fn inline_definitions_keep_spans_and_make_intrinsics_opaque() {
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Metadata:\n      asl-lint:\n        ignore: [unreachable-state]\n    Properties:\n      DefinitionSubstitutions:\n        Start: arn:aws:states:::aws-sdk:glue:createSession\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource: ${Start}\n            Next: B\n          B:\n            Type: Task\n            Resource: !GetAtt Fn.Arn\n            End: true\n";
        let root = yaml::parse(text).unwrap().root;
        let found = extract(text, &root);
        let d = &found.definitions[0];
        assert_eq!(d.ignore, ["unreachable-state"]);
        let states = d.root.get("States").unwrap();
        assert_eq!(
            states.get("A").unwrap().get("Resource").unwrap().as_str(),
            Some("arn:aws:states:::aws-sdk:glue:createSession")
        );
        let b = states.get("B").unwrap().get("Resource").unwrap();
        assert!(matches!(b.value, Value::Opaque(_)));
        assert_eq!(slice(text, b.span), "!GetAtt Fn.Arn");
    }

    #[test]
    fn join_parts_map_to_their_own_strings() {
        let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Join": ["", ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"", {"Fn::GetAtt": ["F", "Arn"]}, "\", \"End\": true}}}"]]}}}}}"#;
        let root = json::parse(text, 0).unwrap().root;
        let found = extract(text, &root);
        let d = &found.definitions[0];
        assert!(d.syntax.is_none(), "{:?}", d.syntax);
        let end = d
            .root
            .get("States")
            .unwrap()
            .get("A")
            .unwrap()
            .get("End")
            .unwrap();
        assert_eq!(slice(text, end.span), "true");
    }

    #[test]
    fn s3_locations_and_missing_definitions_are_skipped_with_a_reason() {
        let text = "Resources:\n  A:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionS3Location: {Bucket: b, Key: k}\n  B:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/b.asl.json\n";
        let root = yaml::parse(text).unwrap().root;
        let found = extract(text, &root);
        assert!(found.definitions.is_empty());
        assert!(matches!(
            found.skipped[0].reason,
            SkipReason::NotCheckable(_)
        ));
        assert_eq!(
            found.skipped[1].reason,
            SkipReason::LocalFile("statemachine/b.asl.json".into())
        );
    }
}
