//! What a state machine's execution role allows, as far as its template
//! says: the role the resource names (`RoleArn`, SAM `Role`) when it is
//! defined in the same template, with its inline policies and the
//! `AWS::IAM::Policy`/`ManagedPolicy`/`RolePolicy` resources attached to it,
//! or the role SAM makes from `Policies`. Anything asl-lint cannot read (a
//! role outside the template, an AWS managed policy, a policy document built
//! by an intrinsic, SAM connectors) makes the whole role unknown: a check
//! built on it must then say nothing.
//!
//! Values the deploy fills in become `*` in the patterns, so they match any
//! action or resource: a grant is never missed because of one.

use crate::loader::tree::{Node, Value};

use super::*;

const IAM_ROLE: &str = "AWS::IAM::Role";

/// What the template says a state machine's role allows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoleAccess {
    /// The template does not say everything the role allows; why.
    Unknown(String),
    Known(Role),
}

/// A role whose every grant the template shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Role {
    /// The role's logical id (for SAM `Policies`, the id SAM gives the role
    /// it makes: the machine's id followed by `Role`).
    pub name: String,
    /// Made by SAM from the machine's `Policies`.
    pub sam: bool,
    /// `Allow` statements; `Deny` ones are left out (never evaluated).
    pub statements: Vec<Statement>,
    /// SAM policy templates, expanded by the rule from the catalogue.
    pub templates: Vec<TemplateUse>,
    /// What the state machine's own configuration needs of the role.
    pub machine: MachineNeeds,
}

/// What a state machine's configuration (not its states) needs of its
/// role, as the template writes it. A setting written with an intrinsic or
/// a reference is not known, so needs nothing here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MachineNeeds {
    /// It logs to CloudWatch Logs: a literal level other than `OFF`.
    pub logging: Option<String>,
    /// X-Ray tracing is on, and the role is not one that SAM gives the
    /// X-Ray policy itself (SAM adds it to the role it makes from
    /// `Policies` when `Tracing` is enabled).
    pub tracing: bool,
}

impl MachineNeeds {
    /// From a logging level and a tracing flag as written (`Level`,
    /// `Enabled`): only literal values count.
    pub fn from_settings(level: Option<&Node>, tracing: Option<&Node>) -> MachineNeeds {
        let logging = level
            .and_then(literal_str)
            .filter(|l| !l.eq_ignore_ascii_case("OFF"));
        let tracing = tracing.is_some_and(|t| match &t.value {
            Value::Bool(b) => *b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        });
        MachineNeeds { logging, tracing }
    }
}

/// One `Allow` statement, as patterns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// A SAM policy template in `Policies`: its name and each parameter's
/// literal value (`None` when the deploy fills it in).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TemplateUse {
    pub name: String,
    pub parameters: Vec<(String, Option<String>)>,
}

/// The role of the CloudFormation or SAM state machine at `resource` (a
/// pointer `/Resources/<id>`) or Serverless Framework state machine
/// (`/stepFunctions/stateMachines/<name>`); `None` for anything else
/// (Terraform), which is not checked.
pub fn role_access(root: &Node, resource: &str) -> Option<RoleAccess> {
    role_access_with(root, resource, &Scans::default())
}

/// What every role of one template shares, found in one pass over its
/// resources and kept for all its state machines: a template of many
/// machines used to rescan every resource for each one (quadratic).
#[derive(Debug, Default)]
pub struct Scans {
    /// The template's `Resources` (CloudFormation, SAM).
    template: std::sync::OnceLock<Scan>,
    /// A Serverless service's `resources.Resources`.
    serverless: std::sync::OnceLock<Scan>,
}

#[derive(Debug)]
struct Scan {
    /// A SAM connector anywhere: it adds to roles at deploy time.
    connector: bool,
    /// Indexes (in `Resources`) of the IAM policy resources, which may
    /// attach to any role.
    policies: Vec<usize>,
    /// The template's resource policies, as statements (see
    /// `resource_policies`).
    resource_statements: Vec<Statement>,
}

#[cfg(test)]
thread_local! {
    /// Scans built on this thread, for the test that guards linearity.
    static SCANS_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Scan {
    fn of(root: &Node) -> Scan {
        #[cfg(test)]
        SCANS_BUILT.with(|c| c.set(c.get() + 1));
        let mut resource_statements = Vec::new();
        resource_policies(root, &mut resource_statements);
        Scan {
            connector: has_connector(root),
            policies: root
                .get("Resources")
                .and_then(Node::as_object)
                .map(|o| {
                    o.members
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| {
                            matches!(
                                r.value.get("Type").and_then(Node::as_str),
                                Some(
                                    "AWS::IAM::Policy"
                                        | "AWS::IAM::ManagedPolicy"
                                        | "AWS::IAM::RolePolicy"
                                )
                            )
                        })
                        .map(|(i, _)| i)
                        .collect()
                })
                .unwrap_or_default(),
            resource_statements,
        }
    }
}

/// [`role_access`] with the template's scans, built on first use and kept
/// by the caller for the template's other state machines.
pub fn role_access_with(root: &Node, resource: &str, scans: &Scans) -> Option<RoleAccess> {
    let mut segments = crate::loader::pointer::segments(resource);
    match segments.next().as_deref() {
        Some("Resources") => {}
        Some("stepFunctions") => return serverless_role(root, resource, scans),
        _ => return None,
    }
    let id = segments.next()?.into_owned();
    if segments.next().is_some() {
        return None;
    }
    let resources = root.get("Resources")?.as_object()?;
    let machine = &resources.member(&id)?.value;
    let props = machine.get("Properties");
    let prop = |name: &str| props.and_then(|p| p.get(name));
    let ty = machine.get("Type").and_then(Node::as_str)?;
    if ty != SERVERLESS && ty != STEP_FUNCTIONS {
        return None;
    }
    // A connector adds policies to the role of its source, and SAM writes
    // them only when it transforms the template.
    let scan = scans.template.get_or_init(|| Scan::of(root));
    if scan.connector {
        return Some(unknown("SAM connectors add to its role"));
    }
    let named = prop(if ty == SERVERLESS { "Role" } else { "RoleArn" });
    let mut access = match named {
        Some(role) => named_role(root, role, scan),
        None if ty == SERVERLESS => sam_policies(root, &id, prop("Policies"), scan),
        None => unknown("it names no role"),
    };
    if let RoleAccess::Known(role) = &mut access {
        let (logging, tracing) = if ty == SERVERLESS {
            ("Logging", "Tracing")
        } else {
            ("LoggingConfiguration", "TracingConfiguration")
        };
        role.machine = MachineNeeds::from_settings(
            prop(logging).and_then(|l| l.get("Level")),
            prop(tracing).and_then(|t| t.get("Enabled")),
        );
        // SAM gives the role it makes the X-Ray write policy itself.
        if role.sam {
            role.machine.tracing = false;
        }
    }
    Some(access)
}

/// The role of a Serverless Framework state machine
/// (`/stepFunctions/stateMachines/<name>`): with `role`, the
/// `AWS::IAM::Role` it names in the service's `resources.Resources`, read as
/// in a CloudFormation template; without it, the serverless-step-functions
/// plugin makes a role from the definition itself, so there is nothing to
/// check.
fn serverless_role(root: &Node, machine: &str, scans: &Scans) -> Option<RoleAccess> {
    let mut segments = crate::loader::pointer::segments(machine);
    segments.next();
    if segments.next().as_deref() != Some("stateMachines") {
        return None;
    }
    let name = segments.next()?.into_owned();
    let node = root
        .get("stepFunctions")?
        .get("stateMachines")?
        .as_object()?
        .member(&name)?;
    let role = node.value.get("role")?;
    // CloudFormation resources of the service live under
    // `resources.Resources`: read them as a template of their own.
    let mut access = match root.get("resources") {
        Some(resources) if resources.get("Resources").is_some() => {
            let scan = scans.serverless.get_or_init(|| Scan::of(resources));
            if scan.connector {
                return Some(unknown("SAM connectors add to its role"));
            }
            named_role(resources, role, scan)
        }
        _ => unknown("its role is not defined in this service"),
    };
    // The serverless-step-functions plugin's `loggingConfig` and
    // `tracingConfig`.
    if let RoleAccess::Known(role) = &mut access {
        role.machine = MachineNeeds::from_settings(
            node.value.get("loggingConfig").and_then(|l| l.get("level")),
            node.value
                .get("tracingConfig")
                .and_then(|t| t.get("enabled")),
        );
    }
    Some(access)
}

fn unknown(why: impl Into<String>) -> RoleAccess {
    RoleAccess::Unknown(why.into())
}

/// The role `RoleArn` or SAM `Role` points at: `!GetAtt R.Arn`,
/// `Fn::GetAtt: [R, Arn]`, `!Sub ${R.Arn}`, an ARN built with `${R}`, or
/// `!Ref R`, where `R` is an `AWS::IAM::Role` of the template.
fn named_role(root: &Node, value: &Node, scan: &Scan) -> RoleAccess {
    let Some(id) = referenced_resource(value) else {
        return unknown("its role is not defined in this template");
    };
    let Some(role) = root.get("Resources").and_then(|r| r.get(&id)) else {
        return unknown(format!("its role `{id}` is not defined in this template"));
    };
    if role.get("Type").and_then(Node::as_str) != Some(IAM_ROLE) {
        return unknown(format!("`{id}` is not an `{IAM_ROLE}`"));
    }
    let mut out = Role {
        name: id.clone(),
        sam: false,
        statements: Vec::new(),
        templates: Vec::new(),
        machine: MachineNeeds::default(),
    };
    let props = role.get("Properties");
    if let Some(policies) = props.and_then(|p| p.get("Policies")) {
        let Some(list) = policies.as_array() else {
            return unknown(format!("the `Policies` of `{id}` are built at deploy time"));
        };
        for policy in list {
            if let Some(("Ref", arg)) = call(policy)
                && arg.as_str() == Some("AWS::NoValue")
            {
                continue;
            }
            let Some(document) = policy.get("PolicyDocument") else {
                return unknown(format!("a policy of `{id}` is built at deploy time"));
            };
            if let Err(why) = read_document(document, &mut out.statements) {
                return unknown(format!("a policy of `{id}` {why}"));
            }
        }
    }
    if let Some(managed) = props.and_then(|p| p.get("ManagedPolicyArns")) {
        let Some(list) = managed.as_array() else {
            return unknown(format!(
                "the managed policies of `{id}` are chosen at deploy time"
            ));
        };
        for arn in list {
            // A managed policy of the same template, by `!Ref`, is read
            // below with the policies attached to the role; any other is not.
            let local = match call(arn) {
                Some(("Ref", target)) => target.as_str().and_then(|t| {
                    let ty = root.get("Resources")?.get(t)?.get("Type")?.as_str()?;
                    (ty == "AWS::IAM::ManagedPolicy").then(|| t.to_string())
                }),
                _ => None,
            };
            match local {
                Some(policy) => {
                    let doc = root
                        .get("Resources")
                        .and_then(|r| r.get(&policy))
                        .and_then(|p| p.get("Properties"))
                        .and_then(|p| p.get("PolicyDocument"));
                    let Some(doc) = doc else {
                        return unknown(format!("`{policy}` has no policy document"));
                    };
                    if let Err(why) = read_document(doc, &mut out.statements) {
                        return unknown(format!("`{policy}` {why}"));
                    }
                }
                None => {
                    let name = arn.as_str().unwrap_or("a managed policy");
                    return unknown(format!(
                        "`{id}` has the managed policy `{name}`, which asl-lint cannot read"
                    ));
                }
            }
        }
    }
    let role_name = props.and_then(|p| p.get("RoleName")).and_then(literal_str);
    if let Err(why) = attached_policies(root, scan, &id, role_name, &mut out.statements) {
        return unknown(why);
    }
    out.statements
        .extend(scan.resource_statements.iter().cloned());
    RoleAccess::Known(out)
}

/// The resource a role reference names, whatever intrinsic spells it.
fn referenced_resource(value: &Node) -> Option<String> {
    match call(value)? {
        ("Fn::GetAtt", arg) => {
            let target = match &arg.value {
                Value::String(s) => s.split('.').next()?.to_string(),
                Value::Array(parts) => parts.first()?.as_str()?.to_string(),
                _ => return None,
            };
            Some(target)
        }
        ("Ref", arg) => arg.as_str().map(str::to_string),
        ("Fn::Sub", arg) => {
            let text = arg.as_str().or_else(|| arg.as_array()?.first()?.as_str())?;
            // One resource placeholder (`${R.Arn}` or `${R}`); pseudo
            // parameters (`${AWS::AccountId}`) may surround it.
            let mut named = text
                .split("${")
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name))
                .filter(|name| !name.starts_with("AWS::") && !name.starts_with('!'))
                .map(|name| name.strip_suffix(".Arn").unwrap_or(name));
            let first = named.next()?;
            (named.next().is_none() && !first.contains('.')).then(|| first.to_string())
        }
        _ => None,
    }
}

/// The role SAM makes from `Policies` (none: a role with no policy).
fn sam_policies(root: &Node, id: &str, policies: Option<&Node>, scan: &Scan) -> RoleAccess {
    let name = format!("{id}Role");
    let mut out = Role {
        name: name.clone(),
        sam: true,
        statements: Vec::new(),
        templates: Vec::new(),
        machine: MachineNeeds::default(),
    };
    let items: Vec<&Node> = match policies {
        None => Vec::new(),
        Some(p) => match &p.value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) if call(p).is_none() => vec![p],
            _ => {
                return unknown("its `Policies` name a managed policy or are built at deploy time");
            }
        },
    };
    for item in items {
        match &item.value {
            Value::String(s) => {
                return unknown(format!(
                    "its `Policies` include the managed policy `{s}`, which asl-lint cannot read"
                ));
            }
            Value::Object(_) if item.get("Statement").is_some() => {
                if let Err(why) = read_document(item, &mut out.statements) {
                    return unknown(format!("a policy in its `Policies` {why}"));
                }
            }
            Value::Object(o) if call(item).is_none() && o.members.len() == 1 => {
                let m = &o.members[0];
                let parameters = m
                    .value
                    .as_object()
                    .map(|p| {
                        p.members
                            .iter()
                            .map(|a| (a.key.to_string(), literal_str(&a.value)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.templates.push(TemplateUse {
                    name: m.key.to_string(),
                    parameters,
                });
            }
            _ => return unknown("an entry of its `Policies` is built at deploy time"),
        }
    }
    if let Err(why) = attached_policies(root, scan, &name, None, &mut out.statements) {
        return unknown(why);
    }
    out.statements
        .extend(scan.resource_statements.iter().cloned());
    RoleAccess::Known(out)
}

/// An `AWS::Serverless::Connector`, or a resource with embedded
/// `Connectors` (a resource attribute, or a property).
fn has_connector(root: &Node) -> bool {
    root.get("Resources")
        .and_then(Node::as_object)
        .is_some_and(|o| {
            o.members.iter().any(|m| {
                m.value.get("Type").and_then(Node::as_str) == Some("AWS::Serverless::Connector")
                    || m.value.get("Connectors").is_some()
                    || m.value
                        .get("Properties")
                        .is_some_and(|p| p.get("Connectors").is_some())
            })
        })
}

/// Statements of the `AWS::IAM::Policy`, `ManagedPolicy` and `RolePolicy`
/// resources attached to role `id` (by `!Ref`, or by its literal name). A
/// policy attached to a role named by an expression asl-lint cannot follow
/// might be this one: then the role is unknown.
fn attached_policies(
    root: &Node,
    scan: &Scan,
    id: &str,
    role_name: Option<String>,
    statements: &mut Vec<Statement>,
) -> Result<(), String> {
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return Ok(());
    };
    for r in scan.policies.iter().map(|&i| &resources.members[i]) {
        let ty = r.value.get("Type").and_then(Node::as_str);
        let props = r.value.get("Properties");
        let roles: Vec<&Node> = match ty {
            Some("AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy") => {
                match props.and_then(|p| p.get("Roles")) {
                    Some(list) => match list.as_array() {
                        Some(items) => items.iter().collect(),
                        None => vec![list],
                    },
                    None => continue,
                }
            }
            Some("AWS::IAM::RolePolicy") => match props.and_then(|p| p.get("RoleName")) {
                Some(role) => vec![role],
                None => continue,
            },
            _ => continue,
        };
        let mut ours = false;
        for role in roles {
            match (call(role), literal_str(role)) {
                (Some(("Ref", target)), _) => ours |= target.as_str() == Some(id),
                (None, Some(name)) => ours |= role_name.as_deref() == Some(name.as_str()),
                _ => {
                    return Err(format!(
                        "`{}` attaches to a role asl-lint cannot name, which may be this one",
                        r.key
                    ));
                }
            }
        }
        if !ours {
            continue;
        }
        let Some(document) = props.and_then(|p| p.get("PolicyDocument")) else {
            return Err(format!("`{}` has no policy document", r.key));
        };
        read_document(document, statements).map_err(|why| format!("`{}` {why}", r.key))?;
    }
    Ok(())
}

/// Resource-based policies of the template that may name the role (any
/// principal but an AWS service): within one account they grant as the
/// role's own policies do, so their actions count, on any resource.
fn resource_policies(root: &Node, out: &mut Vec<Statement>) {
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return;
    };
    let service_only = |principal: Option<&Node>| match principal {
        Some(p) => match (&p.value, call(p)) {
            (Value::String(s), _) => {
                s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn")
            }
            (Value::Object(o), None) => o.members.iter().all(|m| &*m.key == "Service"),
            _ => false,
        },
        None => false,
    };
    for r in &resources.members {
        let props = r.value.get("Properties");
        let prop = |name: &str| props.and_then(|p| p.get(name));
        match r.value.get("Type").and_then(Node::as_str) {
            Some("AWS::Lambda::Permission") => {
                if !service_only(prop("Principal"))
                    && let Some(action) = prop("Action")
                {
                    out.push(Statement {
                        actions: patterns(action),
                        resources: vec!["*".into()],
                    });
                }
            }
            Some(
                "AWS::SQS::QueuePolicy"
                | "AWS::SNS::TopicPolicy"
                | "AWS::S3::BucketPolicy"
                | "AWS::Events::EventBusPolicy",
            ) => {
                let Some(statements) = prop("PolicyDocument").and_then(|d| d.get("Statement"))
                else {
                    continue;
                };
                let list: Vec<&Node> = match statements.as_array() {
                    Some(items) => items.iter().collect(),
                    None => vec![statements],
                };
                for st in list {
                    if st.get("Effect").and_then(literal_str).as_deref() == Some("Deny")
                        || service_only(st.get("Principal"))
                    {
                        continue;
                    }
                    let actions = match st.get("Action") {
                        Some(a) => patterns(a),
                        // NotAction or an odd statement: anything.
                        None => vec!["*".into()],
                    };
                    out.push(Statement {
                        actions,
                        resources: vec!["*".into()],
                    });
                }
            }
            _ => {}
        }
    }
}

/// The `Allow` statements of a policy document. `Err` says why the
/// document cannot be read.
pub(crate) fn read_document(document: &Node, out: &mut Vec<Statement>) -> Result<(), String> {
    if document.as_object().is_none() || call(document).is_some() {
        return Err("is built at deploy time".into());
    }
    let Some(statement) = document.get("Statement") else {
        return Ok(());
    };
    let mut pending: Vec<&Node> = vec![statement];
    while let Some(node) = pending.pop() {
        match (&node.value, call(node)) {
            (Value::Array(items), _) => pending.extend(items.iter()),
            // Either branch may be deployed: both count.
            (_, Some(("Fn::If", arg))) => match arg.as_array() {
                Some([_, a, b]) => pending.extend([a, b]),
                _ => return Err("has a condition asl-lint cannot read".into()),
            },
            (_, Some(("Ref", arg))) if arg.as_str() == Some("AWS::NoValue") => {}
            (_, Some(_)) => return Err("has a statement built at deploy time".into()),
            (Value::Object(_), None) => read_statement(node, out)?,
            _ => return Err("has a statement that is not an object".into()),
        }
    }
    Ok(())
}

fn read_statement(node: &Node, out: &mut Vec<Statement>) -> Result<(), String> {
    // An effect chosen at deploy time may be Allow.
    if node.get("Effect").and_then(literal_str).as_deref() == Some("Deny") {
        return Ok(());
    }
    if node.get("NotAction").is_some() {
        return Err("allows everything but some actions (`NotAction`)".into());
    }
    let actions = node.get("Action").map(patterns).unwrap_or_default();
    let resources = match (node.get("Resource"), node.get("NotResource")) {
        (_, Some(_)) => vec!["*".to_string()],
        (Some(r), None) => patterns(r),
        (None, None) => Vec::new(),
    };
    out.push(Statement { actions, resources });
    Ok(())
}

/// An intrinsic function call (`Ref`, `Fn::...`): its name and argument.
fn call(node: &Node) -> Option<(&str, &Node)> {
    intrinsic(node).filter(|(name, _)| *name == "Ref" || name.starts_with("Fn::"))
}

/// A literal string value (not an intrinsic).
fn literal_str(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Every pattern a policy value may take: strings as written, `${...}` and
/// values the deploy fills in as `*`, both branches of an `Fn::If`.
pub fn patterns(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match (&node.value, call(node)) {
            (Value::String(s), _) => out.push(wildcard_placeholders(s)),
            (Value::Number(n), _) => out.push(n.to_string()),
            (Value::Bool(b), _) => out.push(b.to_string()),
            (Value::Array(items), _) => pending.extend(items.iter().rev()),
            (_, Some(("Fn::If", arg))) => match arg.as_array() {
                Some([_, a, b]) => pending.extend([b, a]),
                _ => out.push("*".into()),
            },
            (_, Some(("Ref", arg))) if arg.as_str() == Some("AWS::NoValue") => {}
            (_, Some(("Fn::Sub", arg))) => {
                match arg.as_str().or_else(|| arg.as_array()?.first()?.as_str()) {
                    Some(s) => out.push(wildcard_placeholders(s)),
                    None => out.push("*".into()),
                }
            }
            (_, Some(("Fn::Join", arg))) => match join_text(arg) {
                Some(s) => out.push(wildcard_placeholders(&s)),
                None => out.push("*".into()),
            },
            _ => out.push("*".into()),
        }
    }
    out
}

/// `${...}` (a deploy-time value, or an IAM policy variable) as `*`.
pub fn wildcard_placeholders(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push('*');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::yaml;

    fn access(text: &str) -> RoleAccess {
        let root = yaml::parse(text).unwrap().root;
        role_access(&root, "/Resources/M").unwrap()
    }

    #[test]
    fn many_machines_of_one_template_share_one_scan_of_its_resources() {
        let mut text = String::from("Resources:\n");
        for i in 0..300 {
            text.push_str(&format!(
                "  M{i}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Policies:\n        - LambdaInvokePolicy: {{FunctionName: f{i}}}\n"
            ));
        }
        let root = yaml::parse(&text).unwrap().root;
        let scans = Scans::default();
        let before = SCANS_BUILT.with(|c| c.get());
        for i in 0..300 {
            let access = role_access_with(&root, &format!("/Resources/M{i}"), &scans);
            assert!(matches!(access, Some(RoleAccess::Known(_))), "{access:?}");
        }
        assert_eq!(SCANS_BUILT.with(|c| c.get()) - before, 1);
    }

    #[test]
    fn a_cloudformation_role_with_inline_and_attached_policies() {
        let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !GetAtt R.Arn\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: lambda:InvokeFunction\n                Resource: !Sub 'arn:${AWS::Partition}:lambda:*:*:function:f'\n              - Effect: Deny\n                Action: '*'\n                Resource: '*'\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      Roles: [!Ref R]\n      PolicyDocument:\n        Statement:\n          Effect: Allow\n          Action: [glue:StartJobRun]\n          Resource: '*'\n  Other:\n    Type: AWS::IAM::Policy\n    Properties:\n      Roles: [!Ref Elsewhere]\n      PolicyDocument: {Statement: []}\n";
        let role = match access(text) {
            RoleAccess::Known(role) => role,
            other => panic!("{other:?}"),
        };
        assert_eq!(role.name, "R");
        assert_eq!(
            role.statements,
            [
                Statement {
                    actions: vec!["lambda:InvokeFunction".into()],
                    resources: vec!["arn:*:lambda:*:*:function:f".into()]
                },
                Statement {
                    actions: vec!["glue:StartJobRun".into()],
                    resources: vec!["*".into()]
                }
            ]
        );
    }

    #[test]
    fn roles_it_cannot_read_are_unknown() {
        let outside = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::1:role/r\n";
        assert!(matches!(access(outside), RoleAccess::Unknown(_)));
        let managed = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !Sub '${R.Arn}'\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/AWSLambdaRole]\n";
        assert!(matches!(access(managed), RoleAccess::Unknown(w) if w.contains("AWSLambdaRole")));
        let sam = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Policies: [AWSXrayWriteOnlyAccess]\n";
        assert!(matches!(access(sam), RoleAccess::Unknown(_)));
        let not_action = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Policies:\n        - Statement:\n            - Effect: Allow\n              NotAction: iam:*\n              Resource: '*'\n";
        assert!(matches!(access(not_action), RoleAccess::Unknown(_)));
    }

    #[test]
    fn sam_policies_keep_templates_and_statements() {
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Policies:\n        - LambdaInvokePolicy:\n            FunctionName: !Ref Fn\n        - DynamoDBCrudPolicy: {TableName: orders}\n        - Statement:\n            - Effect: Allow\n              Action: [!If [C, sqs:SendMessage, sns:Publish]]\n              Resource: '*'\n";
        let role = match access(text) {
            RoleAccess::Known(role) => role,
            other => panic!("{other:?}"),
        };
        assert_eq!(role.name, "MRole");
        assert_eq!(
            role.templates[0].parameters,
            [("FunctionName".into(), None)]
        );
        assert_eq!(
            role.templates[1].parameters,
            [("TableName".into(), Some("orders".into()))]
        );
        assert_eq!(
            role.statements[0].actions,
            ["sqs:SendMessage", "sns:Publish"]
        );
    }

    #[test]
    fn placeholders_become_wildcards() {
        assert_eq!(
            wildcard_placeholders("arn:${AWS::Partition}:s3:::${B}/*"),
            "arn:*:s3:::*/*"
        );
        assert_eq!(wildcard_placeholders("a${b"), "a*");
    }
}
