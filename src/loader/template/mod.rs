//! State machines inside CloudFormation, SAM and Serverless Framework files.
//!
//! An inline `Definition` is a subtree of the file, so its spans are already
//! right. A `DefinitionString` is text inside a scalar: it is decoded with a
//! map from each decoded byte back to the file, parsed, and every span is
//! mapped back, so findings land on the template's own lines.
//!
//! Here: finding the resources and what they say; `scalars.rs` the byte
//! maps of a `DefinitionString`, `intrinsics.rs` deploy-time values,
//! `substitutions.rs` what a deploy fills in, `placeholders.rs` definition
//! files with `${Name}` outside strings. Terraform is `loader/terraform.rs`.

use crate::loader::json::{DuplicateKey, ParseError};
use crate::loader::pointer;
use crate::loader::tree::{Member, Node, Span, Value};

mod intrinsics;
mod placeholders;
mod role;
mod scalars;
mod substitutions;

pub use intrinsics::*;
pub use placeholders::*;
pub use role::*;
pub use scalars::*;
pub use substitutions::*;

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
    /// Declared in Terraform: a local file is a Terraform template
    /// (`${...}` and `%{...}` in template syntax).
    pub terraform: bool,
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
    /// What each state machine's role allows, by resource pointer, when the
    /// loader reads it while extracting (Terraform); templates read it on
    /// demand from their tree ([`role_access`]).
    pub roles: Vec<(String, RoleAccess)>,
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
        extract_resource(text, resource, &mut out);
    }
    for machine in serverless_machines(root) {
        extract_serverless(machine, &mut out);
    }
    out
}

/// A CloudFormation or SAM state machine: its definition, or why it has
/// none that can be linted here.
fn extract_resource(text: &str, resource: &Member, out: &mut Extracted) {
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
    let substitutions = prop("DefinitionSubstitutions");
    let found = if let Some(definition) = prop("Definition") {
        inline(definition)
    } else if let Some(string) = prop("DefinitionString").filter(|_| !serverless) {
        match from_string(text, string) {
            Ok(found) => found,
            Err(why) => {
                out.skipped.push(Skipped {
                    resource: base.clone(),
                    field: pointer::push(&props_ptr, "DefinitionString"),
                    reason: SkipReason::NotCheckable(why),
                    workflow_type: None,
                    substitutions: Substitutions::new(),
                    replacements: Vec::new(),
                    terraform: false,
                });
                return;
            }
        }
    } else {
        let (field, reason) = not_in_the_template(serverless, &prop);
        let field = if field == "Type" {
            pointer::push(&base, "Type")
        } else {
            pointer::push(&props_ptr, field)
        };
        out.skipped.push(Skipped {
            resource: base,
            field,
            reason,
            workflow_type,
            substitutions: literal_substitutions(substitutions),
            replacements: Vec::new(),
            terraform: false,
        });
        return;
    };
    let mut found = found;
    resolve_resources(&mut found.root, &literal_substitutions(substitutions));
    found.pointer = base;
    found.ignore = metadata_ignore(&resource.value);
    found.workflow_type = workflow_type;
    found.cdk_path = resource
        .value
        .get("Metadata")
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(Node::as_str)
        .map(str::to_string);
    out.definitions.push(found);
}

/// Where a state machine with neither `Definition` nor `DefinitionString`
/// keeps its definition (the field, and why it is not linted here): a
/// local `DefinitionUri`, S3, or nowhere.
fn not_in_the_template<'n>(
    serverless: bool,
    prop: &dyn Fn(&str) -> Option<&'n Node>,
) -> (&'static str, SkipReason) {
    if serverless && let Some(uri) = prop("DefinitionUri") {
        let reason = match uri.as_str() {
            Some(path) if !path.starts_with("s3://") => SkipReason::LocalFile(path.to_string()),
            _ => SkipReason::NotCheckable(
                "its `DefinitionUri` is in S3; lint the source file instead".into(),
            ),
        };
        ("DefinitionUri", reason)
    } else if let Some(path) = prop("DefinitionS3Location")
        .and_then(Node::as_str)
        .filter(|p| !p.starts_with("s3://"))
    {
        // A local path, as `aws cloudformation package` takes it (it
        // uploads the file and writes the S3 location).
        (
            "DefinitionS3Location",
            SkipReason::LocalFile(path.to_string()),
        )
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
    }
}

/// A Serverless Framework state machine: an inline `definition`, or why not.
fn extract_serverless(machine: &Member, out: &mut Extracted) {
    let base = pointer::push("/stepFunctions/stateMachines", &machine.key);
    let skipped = |field: String, reason: SkipReason| Skipped {
        workflow_type: None,
        substitutions: Substitutions::new(),
        replacements: Vec::new(),
        terraform: false,
        resource: base.clone(),
        field,
        reason,
    };
    match machine.value.get("definition") {
        Some(definition) if definition.as_object().is_some() => {
            let mut found = inline(definition);
            found.pointer = base.clone();
            found.workflow_type = machine
                .value
                .get("type")
                .and_then(Node::as_str)
                .map(str::to_string);
            out.definitions.push(found);
        }
        Some(definition) if file_variable(definition).is_some() => {
            // `definition: ${file(./machine.asl.json)}`: the file is linted
            // as this machine's definition, as SAM's `DefinitionUri` is.
            let path = file_variable(definition).unwrap_or_default();
            out.skipped.push(skipped(
                pointer::push(&base, "definition"),
                SkipReason::LocalFile(path),
            ));
        }
        Some(_) => out.skipped.push(skipped(
            pointer::push(&base, "definition"),
            SkipReason::NotCheckable(
                "its `definition` is not an inline mapping (a variable other than \
                 `${file(path)}`); lint that file directly"
                    .into(),
            ),
        )),
        None => out
            .skipped
            .push(skipped(base.clone(), SkipReason::NoDefinition)),
    }
}

/// The path of a Serverless Framework `${file(path)}` variable that is the
/// whole value (no `:key` selector, no default), quotes removed.
fn file_variable(node: &Node) -> Option<String> {
    let text = match &node.value {
        Value::String(s) | Value::Opaque(s) => s.trim(),
        _ => return None,
    };
    let inner = text.strip_prefix("${file(")?.strip_suffix(")}")?.trim();
    let path = inner
        .strip_prefix('\'')
        .and_then(|p| p.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|p| p.strip_suffix('"')))
        .unwrap_or(inner);
    let simple = !path.is_empty() && !path.contains(['$', '{', '}', ',', ')', '(']);
    simple.then(|| path.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::json;
    use crate::loader::tree::Value;
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
