//! What a Terraform state machine's execution role allows, as far as its
//! module (the folder's `.tf` files) says: the `aws_iam_role` its
//! `role_arn` names, with the role's `inline_policy` blocks and
//! `managed_policy_arns`, and the `aws_iam_role_policy`,
//! `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` and
//! `aws_iam_role_policy_attachments_exclusive` resources that name it.
//! Policies are read when written as `jsonencode({...})`, a heredoc or a
//! string of JSON, or `data "aws_iam_policy_document"` (its `statement`
//! blocks, and the documents it merges).
//!
//! Values Terraform knows only when it runs (references, interpolations)
//! are `*`, as a template's intrinsics are: a grant is never missed because
//! of one. Anything that may add to the role and cannot be read (a role
//! from a variable or another module, an AWS managed policy, a policy read
//! from a file or built by `for` or `dynamic`, an attachment to a role named
//! by an expression, a file of the module that is not HCL) makes the whole
//! role unknown: the check then says nothing.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::Element;

use super::{At, MAX_UNWRAP, Scope, call_name, eval, labels, reference, template};
use crate::loader::template::{MachineNeeds, Role, RoleAccess, Statement, patterns, read_document};
use crate::loader::tree::{Node, Span, Value};

/// How many policy documents one document may merge, through
/// `source_policy_documents` and the like, before the role is unknown.
const MAX_DOCUMENTS: usize = 64;

/// A policy file larger than this is not read (IAM's own limit on a
/// managed policy is 6,144 characters).
const MAX_POLICY_BYTES: u64 = 1 << 20;

type Found<'s> = (At<'s>, &'s Block);

/// The role of the `aws_sfn_state_machine` block `machine`; `None` when it
/// names none.
pub(super) fn role_access<'s>(
    scope: &'s Scope<'s>,
    machine: &'s Block,
    roles: &Roles<'s>,
) -> Option<RoleAccess> {
    let role_arn = machine.body.get_attribute("role_arn")?;
    let here = At {
        text: scope.text,
        here: true,
    };
    let mut access = match roles.module.get_or_init(|| Module::of(scope)) {
        Ok(module) => module.role(here, &role_arn.value, &roles.read),
        Err(why) => RoleAccess::Unknown(why.clone()),
    };
    if let RoleAccess::Known(role) = &mut access {
        role.machine = machine_needs(scope.text, machine);
    }
    Some(access)
}

/// `logging_configuration { level = ... }` and `tracing_configuration {
/// enabled = ... }`, when written literally (a `dynamic` block is not).
fn machine_needs(text: &str, machine: &Block) -> MachineNeeds {
    let setting = |block: &str, attribute: &str| -> Option<Node> {
        let b = machine.body.get_blocks(block).next()?;
        let value = &b.body.get_attribute(attribute)?.value;
        Some(eval::value(value, text, Span::default()))
    };
    MachineNeeds::from_settings(
        setting("logging_configuration", "level").as_ref(),
        setting("tracing_configuration", "enabled").as_ref(),
    )
}

/// The module and the roles already read, for all the state machines of
/// one file: many machines sharing a role read it (and scan the module's
/// resources for its attachments) once, not once each.
#[derive(Default)]
pub(super) struct Roles<'s> {
    module: std::cell::OnceCell<Result<Module<'s>, String>>,
    read: std::cell::RefCell<std::collections::HashMap<&'s str, RoleAccess>>,
}

/// Every file of the module, this one first.
struct Module<'s> {
    scope: &'s Scope<'s>,
    bodies: Vec<(At<'s>, &'s Body)>,
}

/// `TYPE.NAME.ATTR` (or `data.TYPE.NAME.ATTR`), indexes and splats left
/// out: the type, the name and the last attribute.
struct Reference<'e> {
    kind: String,
    name: &'e str,
    attribute: Option<&'e str>,
}

fn resource_reference(t: &Traversal) -> Option<Reference<'_>> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut names = t.operators.iter().filter_map(|op| match op.value() {
        TraversalOperator::GetAttr(name) => Some(name.value().as_str()),
        _ => None,
    });
    let root = root.value().as_str();
    let kind = if root == "data" {
        format!("data.{}", names.next()?)
    } else {
        root.to_string()
    };
    let name = names.next()?;
    Some(Reference {
        kind,
        name,
        attribute: names.next_back(),
    })
}

/// What an expression is once parentheses, `"${x}"` and `local.X` are
/// followed.
enum Resolved<'s> {
    Expression(At<'s>, &'s Expression),
    /// A `local.X` no `locals` block defines, or a cycle.
    Lost(String),
}

impl<'s> Module<'s> {
    fn of(scope: &'s Scope<'s>) -> Result<Module<'s>, String> {
        let mut bodies = vec![(
            At {
                text: scope.text,
                here: true,
            },
            scope.body,
        )];
        // Without its module (text from stdin or an editor buffer), a
        // policy attached in another file would be missed.
        let Some(others) = scope.others else {
            return Err("its module's other files are not known".into());
        };
        let files = &others.module.files;
        if files.len() > others.limit {
            return Err("its module has more `.tf` files than asl-lint reads".into());
        }
        for (name, parsed) in files {
            if name == others.own {
                continue;
            }
            match parsed {
                Some(f) => bodies.push((
                    At {
                        text: &f.text,
                        here: false,
                    },
                    &f.body,
                )),
                None => {
                    return Err(format!(
                        "`{name}` of its module cannot be read as HCL, and may add to its role"
                    ));
                }
            }
        }
        Ok(Module { scope, bodies })
    }

    /// `resource "KIND" "NAME"` (or `data`), in any file of the module.
    fn find(&self, kind: &str, name: &str) -> Option<Found<'s>> {
        let (ident, kind) = match kind.strip_prefix("data.") {
            Some(k) => ("data", k),
            None => ("resource", kind),
        };
        self.bodies.iter().find_map(|(at, body)| {
            body.get_blocks(ident)
                .find(|b| labels(b) == [kind, name])
                .map(|b| (*at, b))
        })
    }

    /// Every `resource` block of the module.
    fn resources(&self) -> impl Iterator<Item = (At<'s>, &'s Block, Vec<String>)> + '_ {
        self.bodies.iter().flat_map(|(at, body)| {
            body.get_blocks("resource")
                .map(move |b| (*at, b, labels(b)))
        })
    }

    fn resolve(&self, at: At<'s>, e: &'s Expression) -> Resolved<'s> {
        let (mut at, mut e) = (at, e);
        for _ in 0..MAX_UNWRAP {
            match e {
                Expression::Parenthesis(p) => e = p.inner(),
                Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
                    [Element::Interpolation(i)] => e = &i.expr,
                    _ => return Resolved::Expression(at, e),
                },
                Expression::Traversal(t) => match reference(t) {
                    Some(("local", name, [])) => match self.scope.local(name) {
                        Some(found) => (at, e) = found,
                        None => {
                            return Resolved::Lost(format!(
                                "`local.{name}` is defined in no `locals` block of its module"
                            ));
                        }
                    },
                    _ => return Resolved::Expression(at, e),
                },
                _ => return Resolved::Expression(at, e),
            }
        }
        Resolved::Lost("its references go round in a cycle".into())
    }

    /// The role `role_arn` names.
    fn role(
        &self,
        at: At<'s>,
        role_arn: &'s Expression,
        read: &std::cell::RefCell<std::collections::HashMap<&'s str, RoleAccess>>,
    ) -> RoleAccess {
        let unknown = RoleAccess::Unknown;
        let (at, e) = match self.resolve(at, role_arn) {
            Resolved::Expression(at, e) => (at, e),
            Resolved::Lost(why) => return unknown(why),
        };
        let written = || eval::written(at.text, e);
        let name = match e {
            Expression::Traversal(t) => match resource_reference(t) {
                Some(r) if r.kind == "aws_iam_role" => r.name,
                _ => {
                    return unknown(format!(
                        "its role `{}` is not an `aws_iam_role` of its module",
                        written()
                    ));
                }
            },
            _ => {
                return unknown(format!(
                    "its role `{}` is not defined in its module",
                    written()
                ));
            }
        };
        if let Some(known) = read.borrow().get(name) {
            return known.clone();
        }
        let access = self.read_named_role(name);
        read.borrow_mut().insert(name, access.clone());
        access
    }

    /// `aws_iam_role.NAME` with everything attached to it.
    fn read_named_role(&self, name: &'s str) -> RoleAccess {
        let unknown = RoleAccess::Unknown;
        let Some((role_at, block)) = self.find("aws_iam_role", name) else {
            return unknown(format!(
                "its role `aws_iam_role.{name}` is not defined in its module"
            ));
        };
        let mut out = Role {
            name: format!("aws_iam_role.{name}"),
            sam: false,
            statements: Vec::new(),
            templates: Vec::new(),
            machine: MachineNeeds::default(),
        };
        match self.read_role(name, role_at, block, &mut out.statements) {
            Ok(()) => RoleAccess::Known(out),
            Err(why) => unknown(why),
        }
    }

    fn read_role(
        &self,
        name: &str,
        at: At<'s>,
        block: &'s Block,
        out: &mut Vec<Statement>,
    ) -> Result<(), String> {
        let id = format!("aws_iam_role.{name}");
        for b in block.body.blocks() {
            match b.ident.as_str() {
                "inline_policy" => {
                    if let Some(policy) = b.body.get_attribute("policy") {
                        self.read_policy(at, &policy.value, out)
                            .map_err(|why| format!("an inline policy of `{id}` {why}"))?;
                    }
                }
                "dynamic" => {
                    return Err(format!("`{id}` has `dynamic` blocks asl-lint cannot read"));
                }
                _ => {}
            }
        }
        if let Some(managed) = block.body.get_attribute("managed_policy_arns") {
            self.read_policy_arns(at, &managed.value, out)
                .map_err(|why| format!("`{id}` {why}"))?;
        }
        // The role's literal `name`, which attachments may use instead of a
        // reference; a name built at plan time is a pattern.
        let role_name = block
            .body
            .get_attribute("name")
            .map(|a| eval::value(&a.value, at.text, Span::default()))
            .map(|n| match &n.value {
                Value::String(s) => crate::loader::template::wildcard_placeholders(s),
                _ => "*".to_string(),
            });
        let ours = |at: At<'s>, e: &'s Expression| -> Result<bool, String> {
            match self.resolve(at, e) {
                Resolved::Expression(at, e) => match e {
                    Expression::Traversal(t) => match resource_reference(t) {
                        Some(r) if r.kind == "aws_iam_role" => Ok(r.name == name),
                        _ => Err(eval::written(at.text, e)),
                    },
                    Expression::String(s) => Ok(role_name.as_deref().is_some_and(|pattern| {
                        crate::loader::template::wildcard_placeholders(s.value()) == pattern
                            || (pattern.contains('*') && glob_matches(pattern, s.value()))
                    })),
                    _ => Err(eval::written(at.text, e)),
                },
                Resolved::Lost(why) => Err(why),
            }
        };
        let cannot_name = |resource: &str, written: String| {
            format!(
                "`{resource}` attaches to the role `{written}`, which asl-lint cannot name and may be `{id}`"
            )
        };
        for (at, block, labels) in self.resources() {
            let [kind, resource_name] = labels.as_slice() else {
                continue;
            };
            let resource = format!("{kind}.{resource_name}");
            let attribute = |name: &str| block.body.get_attribute(name).map(|a| &a.value);
            let targets: Vec<(At<'s>, &'s Expression)> = match kind.as_str() {
                "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {
                    attribute("role").map(|e| (at, e)).into_iter().collect()
                }
                "aws_iam_role_policy_attachments_exclusive" => attribute("role_name")
                    .map(|e| (at, e))
                    .into_iter()
                    .collect(),
                "aws_iam_policy_attachment" => {
                    match attribute("roles").map(|e| self.resolve(at, e)) {
                        Some(Resolved::Expression(list_at, Expression::Array(items))) => {
                            items.iter().map(|i| (list_at, i)).collect()
                        }
                        Some(Resolved::Expression(list_at, other)) => {
                            let written = eval::written(list_at.text, other);
                            return Err(cannot_name(&resource, written));
                        }
                        Some(Resolved::Lost(why)) => return Err(cannot_name(&resource, why)),
                        None => Vec::new(),
                    }
                }
                "aws_lambda_permission" => {
                    // A resource-based policy naming any principal but an
                    // AWS service may name the role: its action counts.
                    let principal =
                        attribute("principal").map(|p| eval::value(p, at.text, Span::default()));
                    let service = principal
                        .as_ref()
                        .and_then(Node::as_str)
                        .is_some_and(|p| p.ends_with(".amazonaws.com"));
                    if !service && let Some(action) = attribute("action") {
                        out.push(Statement {
                            actions: patterns(&eval::value(action, at.text, Span::default())),
                            resources: vec!["*".into()],
                        });
                    }
                    continue;
                }
                _ => continue,
            };
            let mut attached = false;
            for (target_at, target) in targets {
                match ours(target_at, target) {
                    Ok(is) => attached |= is,
                    Err(written) => return Err(cannot_name(&resource, written)),
                }
            }
            if !attached {
                continue;
            }
            let read = match kind.as_str() {
                "aws_iam_role_policy" => match attribute("policy") {
                    Some(policy) => self.read_policy(at, policy, out),
                    None => Err("has no `policy`".into()),
                },
                "aws_iam_role_policy_attachments_exclusive" => match attribute("policy_arns") {
                    Some(arns) => self.read_policy_arns(at, arns, out),
                    None => Ok(()),
                },
                _ => match attribute("policy_arn") {
                    Some(arn) => self.read_policy_arn(at, arn, out),
                    None => Err("has no `policy_arn`".into()),
                },
            };
            read.map_err(|why| format!("`{resource}` {why}"))?;
        }
        Ok(())
    }

    /// A list of policy ARNs: each an `aws_iam_policy` of the module.
    fn read_policy_arns(
        &self,
        at: At<'s>,
        e: &'s Expression,
        out: &mut Vec<Statement>,
    ) -> Result<(), String> {
        let (at, e) = match self.resolve(at, e) {
            Resolved::Expression(at, e) => (at, e),
            Resolved::Lost(why) => return Err(why),
        };
        match e {
            Expression::Array(items) => {
                for item in items.iter() {
                    self.read_policy_arn(at, item, out)?;
                }
                Ok(())
            }
            _ => Err(format!(
                "has managed policies chosen by `{}`, which asl-lint cannot read",
                eval::written(at.text, e)
            )),
        }
    }

    /// One policy ARN: `aws_iam_policy.P.arn` is read; any other (an AWS
    /// managed policy, a variable) is not.
    fn read_policy_arn(
        &self,
        at: At<'s>,
        e: &'s Expression,
        out: &mut Vec<Statement>,
    ) -> Result<(), String> {
        let (at, e) = match self.resolve(at, e) {
            Resolved::Expression(at, e) => (at, e),
            Resolved::Lost(why) => return Err(why),
        };
        if let Expression::Traversal(t) = e
            && let Some(r) = resource_reference(t)
            && r.kind == "aws_iam_policy"
        {
            let Some((policy_at, block)) = self.find("aws_iam_policy", r.name) else {
                return Err(format!(
                    "attaches `aws_iam_policy.{}`, which its module does not define",
                    r.name
                ));
            };
            let Some(policy) = block.body.get_attribute("policy") else {
                return Err(format!(
                    "attaches `aws_iam_policy.{}`, which has no `policy`",
                    r.name
                ));
            };
            return self
                .read_policy(policy_at, &policy.value, out)
                .map_err(|why| {
                    format!("attaches `aws_iam_policy.{}`, whose policy {why}", r.name)
                });
        }
        Err(format!(
            "attaches the managed policy `{}`, which asl-lint cannot read",
            eval::written(at.text, e)
        ))
    }

    /// A policy document, as a resource's `policy` writes it. `Err` says
    /// why it cannot be read.
    fn read_policy(
        &self,
        at: At<'s>,
        e: &'s Expression,
        out: &mut Vec<Statement>,
    ) -> Result<(), String> {
        let mut pending = vec![(at, e)];
        let mut documents = 0;
        while let Some((at, e)) = pending.pop() {
            documents += 1;
            if documents > MAX_DOCUMENTS {
                return Err("merges more policy documents than asl-lint reads".into());
            }
            let (at, e) = match self.resolve(at, e) {
                Resolved::Expression(at, e) => (at, e),
                Resolved::Lost(why) => return Err(why),
            };
            let written = || eval::written(at.text, e);
            let document = match e {
                Expression::FuncCall(call) if call_name(call) == "jsonencode" => {
                    match call.args.iter().collect::<Vec<_>>().as_slice() {
                        [inner] => eval::value(inner, at.text, Span::default()),
                        _ => return Err(format!("is `{}`", written())),
                    }
                }
                Expression::FuncCall(call)
                    if matches!(call_name(call), "file" | "templatefile") =>
                {
                    self.policy_file(at, call.args.iter().next())
                        .map_err(|why| format!("is read from a file (`{}`): {why}", written()))?
                }
                Expression::HeredocTemplate(h) => {
                    let Some(body) = h.template.span() else {
                        return Err("is an empty heredoc".into());
                    };
                    json_document(&at.text[body.start..body.end])?
                }
                Expression::String(s) => json_document(s.value())?,
                Expression::Traversal(t) => match resource_reference(t) {
                    Some(r)
                        if r.kind == "data.aws_iam_policy_document"
                            && matches!(r.attribute, Some("json" | "minified_json")) =>
                    {
                        let Some((doc_at, block)) = self.find(&r.kind, r.name) else {
                            return Err(format!(
                                "is `{}`, which its module does not define",
                                written()
                            ));
                        };
                        self.policy_document(doc_at, block, out, &mut pending)
                            .map_err(|why| format!("is `{}`, which {why}", written()))?;
                        continue;
                    }
                    _ => {
                        return Err(format!("is `{}`, which asl-lint cannot read", written()));
                    }
                },
                _ => {
                    return Err(format!(
                        "is built by `{}`, which asl-lint cannot evaluate",
                        written()
                    ));
                }
            };
            read_document(&document, out)?;
        }
        Ok(())
    }

    /// The JSON a `file()` or `templatefile()` reads, from the module's
    /// folder: its `${...}` are placeholders (which match anything) and a
    /// `%{ }` directive makes what it builds unreadable.
    fn policy_file(&self, at: At<'s>, path: Option<&'s Expression>) -> Result<Node, String> {
        let path = path.ok_or("no path")?;
        let path = super::path_of(self.scope, at, path)?;
        let dir = self
            .scope
            .others
            .and_then(|o| o.module.dir.as_deref())
            .ok_or("its module's folder is not known")?;
        let text = crate::read::read_text_capped(&dir.join(&path), MAX_POLICY_BYTES)
            .map_err(|why| format!("`{path}` cannot be read: {why}"))?;
        json_document(&text).map_err(|why| format!("`{path}` {why}"))
    }

    /// The `statement` blocks of a `data "aws_iam_policy_document"`; the
    /// documents it merges (`source_policy_documents`,
    /// `override_policy_documents`, `source_json`, `override_json`) are
    /// pushed on `pending`: all their statements count (an override only
    /// replaces statements, so counting both never misses a grant).
    fn policy_document(
        &self,
        at: At<'s>,
        block: &'s Block,
        out: &mut Vec<Statement>,
        pending: &mut Vec<(At<'s>, &'s Expression)>,
    ) -> Result<(), String> {
        for name in ["source_policy_documents", "override_policy_documents"] {
            if let Some(a) = block.body.get_attribute(name) {
                match self.resolve(at, &a.value) {
                    Resolved::Expression(at, Expression::Array(items)) => {
                        pending.extend(items.iter().map(|i| (at, i)));
                    }
                    Resolved::Expression(..) => {
                        return Err(format!("has a `{name}` asl-lint cannot read"));
                    }
                    Resolved::Lost(why) => return Err(why),
                }
            }
        }
        for name in ["source_json", "override_json"] {
            if let Some(a) = block.body.get_attribute(name) {
                pending.push((at, &a.value));
            }
        }
        for b in block.body.blocks() {
            match b.ident.as_str() {
                "statement" => {}
                "dynamic" => return Err("has `dynamic` statements".into()),
                _ => continue,
            }
            let value = |name: &str| {
                b.body
                    .get_attribute(name)
                    .map(|a| eval::value(&a.value, at.text, Span::default()))
            };
            // An effect chosen at plan time may be Allow.
            if let Some(Node {
                value: Value::String(effect),
                ..
            }) = value("effect")
                && &*effect == "Deny"
            {
                continue;
            }
            if b.body.get_attribute("not_actions").is_some() {
                return Err("allows everything but some actions (`not_actions`)".into());
            }
            let actions = value("actions").map(|a| patterns(&a)).unwrap_or_default();
            let resources = match (value("resources"), b.body.get_attribute("not_resources")) {
                (_, Some(_)) => vec!["*".to_string()],
                (Some(r), None) => patterns(&r),
                (None, None) => Vec::new(),
            };
            out.push(Statement { actions, resources });
        }
        Ok(())
    }
}

/// A policy written as JSON text (a heredoc or a string), in Terraform
/// template syntax: `${...}` is a placeholder.
fn json_document(text: &str) -> Result<Node, String> {
    match template::parse(text, 0) {
        Ok(template::Rendered::Json(parsed)) => Ok(parsed.root),
        Ok(template::Rendered::BuiltByDirective) => {
            Err("is built by template directives (`%{ for }`, `%{ if }`)".into())
        }
        Err(_) => Err("is not valid JSON".into()),
    }
}

/// Whether `text` matches `pattern`, whose `*` is any run of characters
/// (greedy with backtracking to the last `*`: linear in practice).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == t[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::terraform::{ModuleLocals, Others, extract};

    fn role_of(text: &str, others: &[(&str, &str)]) -> RoleAccess {
        role_in(text, others, None)
    }

    fn role_in(text: &str, others: &[(&str, &str)], dir: Option<&std::path::Path>) -> RoleAccess {
        let mut files: Vec<(String, Option<String>)> = vec![("main.tf".into(), None)];
        files.extend(
            others
                .iter()
                .map(|(n, t)| (n.to_string(), Some(t.to_string()))),
        );
        let mut module = ModuleLocals::new(files);
        if let Some(dir) = dir {
            module = module.in_dir(dir);
        }
        let others = Others {
            module: &module,
            own: "main.tf",
            limit: 256,
        };
        let (_, found) = extract(text, Some(&others));
        found.roles.into_iter().next().expect("a role").1
    }

    const MACHINE: &str = "resource \"aws_sfn_state_machine\" \"m\" {\n  role_arn = aws_iam_role.sfn.arn\n  definition = jsonencode({ StartAt = \"A\", States = { A = { Type = \"Succeed\" } } })\n  logging_configuration {\n    level = \"ALL\"\n  }\n  tracing_configuration {\n    enabled = true\n  }\n}\n";

    fn known(access: RoleAccess) -> Role {
        match access {
            RoleAccess::Known(role) => role,
            RoleAccess::Unknown(why) => panic!("unknown: {why}"),
        }
    }

    #[test]
    fn inline_attached_and_document_policies_are_read() {
        let iam = r#"
resource "aws_iam_role" "sfn" {
  name = "sfn"
  inline_policy {
    name = "a"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = aws_lambda_function.f.arn }]
    })
  }
}
resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.sfn.id
  policy = data.aws_iam_policy_document.d.json
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["glue:StartJobRun"]
    resources = ["arn:aws:glue:*:*:job/${var.job}"]
  }
  statement {
    effect = "Deny"
    actions = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "q" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "${aws_sqs_queue.q.arn}"}]}
EOF
}
resource "aws_iam_role_policy_attachment" "a" {
  role = "sfn"
  policy_arn = aws_iam_policy.q.arn
}
resource "aws_iam_role_policy" "other" {
  role = aws_iam_role.other.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;
        let role = known(role_of(MACHINE, &[("iam.tf", iam)]));
        assert_eq!(role.name, "aws_iam_role.sfn");
        let actions: Vec<&str> = role
            .statements
            .iter()
            .flat_map(|s| s.actions.iter().map(String::as_str))
            .collect();
        assert_eq!(
            actions,
            [
                "lambda:InvokeFunction",
                "glue:StartJobRun",
                "sqs:SendMessage"
            ]
        );
        assert_eq!(role.statements[1].resources, ["arn:aws:glue:*:*:job/*"]);
        assert_eq!(role.machine.logging.as_deref(), Some("ALL"));
        assert!(role.machine.tracing);
    }

    #[test]
    fn what_it_cannot_read_makes_the_role_unknown() {
        let cases = [
            "resource \"aws_iam_role\" \"sfn\" {\n  managed_policy_arns = [\"arn:aws:iam::aws:policy/AWSLambdaRole\"]\n}\n",
            "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy_attachment\" \"a\" {\n  role = aws_iam_role.sfn.name\n  policy_arn = \"arn:aws:iam::aws:policy/AWSLambdaRole\"\n}\n",
            "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy\" \"a\" {\n  role = var.role\n  policy = \"{}\"\n}\n",
            "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy\" \"a\" {\n  role = aws_iam_role.sfn.name\n  policy = jsonencode({ Statement = [for a in var.actions : { Effect = \"Allow\", Action = a }] })\n}\n",
            "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy\" \"a\" {\n  role = aws_iam_role.sfn.name\n  policy = file(\"p.json\")\n}\n",
            "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy\" \"a\" {\n  role = aws_iam_role.sfn.name\n  policy = data.aws_iam_policy_document.d.json\n}\ndata \"aws_iam_policy_document\" \"d\" {\n  dynamic \"statement\" {\n    for_each = var.s\n    content {}\n  }\n}\n",
            "resource \"aws_iam_role\" \"other\" {}\n",
        ];
        for iam in cases {
            assert!(
                matches!(role_of(MACHINE, &[("iam.tf", iam)]), RoleAccess::Unknown(_)),
                "{iam}"
            );
        }
        let (_, alone) = extract(MACHINE, None);
        assert!(
            matches!(&alone.roles[0].1, RoleAccess::Unknown(why) if why.contains("other files"))
        );
        let from_variable = MACHINE.replace("aws_iam_role.sfn.arn", "var.role_arn");
        assert!(matches!(
            role_of(&from_variable, &[]),
            RoleAccess::Unknown(why) if why.contains("var.role_arn")
        ));
    }

    #[test]
    fn attachments_follow_locals() {
        let iam = "locals {\n  sfn_roles = [aws_iam_role.sfn.name]\n}\nresource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = { Effect = \"Allow\", Action = \"sns:Publish\", Resource = \"*\" } })\n}\nresource \"aws_iam_policy_attachment\" \"a\" {\n  name = \"a\"\n  roles = local.sfn_roles\n  policy_arn = aws_iam_policy.p.arn\n}\n";
        let role = known(role_of(MACHINE, &[("iam.tf", iam)]));
        assert_eq!(role.statements[0].actions, ["sns:Publish"]);
    }

    #[test]
    fn a_policy_file_is_read_from_the_module_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("policies")).unwrap();
        std::fs::write(
            dir.path().join("policies/sfn.json"),
            r#"{"Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": "${child_arn}"}]}"#,
        )
        .unwrap();
        let iam = "resource \"aws_iam_role\" \"sfn\" {}\nresource \"aws_iam_role_policy\" \"p\" {\n  role = aws_iam_role.sfn.name\n  policy = templatefile(\"${path.module}/policies/sfn.json\", { child_arn = aws_sfn_state_machine.c.arn })\n}\n";
        let role = known(role_in(MACHINE, &[("iam.tf", iam)], Some(dir.path())));
        assert_eq!(role.statements[0].actions, ["states:StartExecution"]);
        assert_eq!(role.statements[0].resources, ["*"]);
        let missing = iam.replace("policies/sfn.json", "policies/none.json");
        assert!(matches!(
            role_in(MACHINE, &[("iam.tf", &missing)], Some(dir.path())),
            RoleAccess::Unknown(_)
        ));
    }
}
