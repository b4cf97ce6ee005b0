//! One state's effect on the data, in the order Step Functions applies it:
//! `InputPath`, `Parameters`, the result, `ResultSelector`, `ResultPath`,
//! `OutputPath` (JSONPath); `$states.input`, the result and `Output`
//! (JSONata). Each state's fields are read once into a [`Plan`]; running a
//! plan on an input shape gives the output and the Catch outputs.

use std::rc::Rc;

use super::path::{self, PathRef, Root};
use super::shape::{Read, Seg, Shape};
use super::{Alt, Trail};
use crate::catalog::aws_models;
use crate::loader::pointer;
use crate::loader::tree::{Node, Segment, Value, pointer_at, walk};
use crate::model::{Pattern, QueryLanguage, ResourceKind, ScopeKind, State, StateId, StateType};

/// Which value a reference path is evaluated against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The state's input as it arrives (`InputPath`, `ErrorPath`, JSONata
    /// `$states.input`).
    Raw,
    /// The input after `InputPath` (`Parameters`, Choice rules, `ItemsPath`).
    Effective,
    /// The state's result (`ResultSelector`, JSONata `$states.result`).
    Result,
    /// The result merged at `ResultPath` (`OutputPath`).
    Output,
    /// The error output a Catch receives (JSONata `$states.errorOutput`).
    CatchError(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    /// `segs[seg]` names a field that the value there (`within`) lacks.
    MissingField { seg: usize, within: Shape },
    /// `ItemsPath` selects a value that is neither an array nor an object.
    ItemsNotIterable { found: Shape },
    /// `ResultPath` writes below a value that is not an object.
    WriteIntoNonObject { seg: usize },
}

/// A read that cannot succeed on one route.
#[derive(Clone, Debug)]
pub struct Problem {
    pub state: StateId,
    /// Which reference of the state, to report each once.
    pub site: usize,
    pub pointer: String,
    /// The path or JSONata reference as written.
    pub text: String,
    pub segs: Vec<Seg>,
    pub stage: Stage,
    pub jsonata: bool,
    pub kind: ProblemKind,
    /// The route that brings the failing input (the state itself excluded).
    pub trail: Trail,
}

#[derive(Clone, Debug)]
enum Sel {
    Keep,
    /// `null`: an empty object.
    Empty,
    Path(Vec<Seg>),
    Unknown,
}

#[derive(Clone, Debug)]
enum Put {
    /// `$`, or no `ResultPath`: the result replaces the input.
    Replace,
    /// `null`: the input passes on.
    Discard,
    At(Vec<Seg>),
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SiteKind {
    Read,
    /// `ItemsPath`: a read that must give an array or an object.
    Items,
    /// `ResultPath` (a Catch's when `catch` is set): a write.
    Write {
        catch: Option<usize>,
    },
}

#[derive(Clone, Debug)]
struct Site {
    pointer: String,
    text: String,
    segs: Vec<Seg>,
    stage: Stage,
    jsonata: bool,
    kind: SiteKind,
    /// For a Choice rule's reads: the rule's index.
    rule: Option<usize>,
}

struct CatchPlan<'t> {
    put: Put,
    output: Option<&'t Node>,
}

pub(super) struct Plan<'a, 't> {
    state: &'a State<'t>,
    ty: StateType,
    jsonata: bool,
    input_path: Sel,
    output_path: Sel,
    result_path: Put,
    /// JSONPath `Parameters` (for a Map, its `ItemSelector` or legacy
    /// `Parameters`, which shape the items instead).
    parameters: Option<&'t Node>,
    result: Outcome<'t>,
    result_selector: Option<&'t Node>,
    /// JSONata `Output`.
    output: Option<&'t Node>,
    /// JSONata `Arguments` (a Parallel's branches get them).
    arguments: Option<&'t Node>,
    items_path: Option<Vec<Seg>>,
    /// A Distributed Map reading from S3, or batching: items are not the
    /// input's.
    items_elsewhere: bool,
    catches: Vec<CatchPlan<'t>>,
    /// The reads and the top-level Choice rules, built the first time a
    /// value that is not "any value" reaches the state: most states only
    /// ever see unknown input, and building pointers for their paths was
    /// most of the analysis's cost on real definitions.
    built: std::cell::OnceCell<Built<'t>>,
}

#[derive(Default)]
struct Built<'t> {
    sites: Vec<Site>,
    /// The top-level Choice rules.
    rules: Vec<&'t Node>,
}

/// What a state's work returns.
enum Outcome<'t> {
    Nothing,
    Any,
    Known(Shape),
    Literal(&'t Node),
    /// A Pass without `Result`: its (effective) input.
    PassInput,
    Array,
}

pub(super) struct Run {
    pub output: Option<(Shape, bool)>,
    pub caught: Vec<Option<(Shape, bool)>>,
    pub eff: Option<Shape>,
}

/// The error output a Catch receives: `Error` and, usually, `Cause`
/// (developer guide, "Handling errors in Step Functions workflows": "the
/// error output ... is a JSON object with the fields Error and Cause").
fn error_object() -> Shape {
    Shape::object([
        ("Error", Shape::String, true),
        ("Cause", Shape::String, false),
    ])
}

/// What `lambda:invoke` returns (developer guide, "Invoke an AWS Lambda
/// function with Step Functions"): the function's output is `Payload`.
pub fn lambda_envelope() -> Shape {
    Shape::object([
        ("ExecutedVersion", Shape::String, true),
        ("Payload", Shape::Any, true),
        ("SdkHttpMetadata", Shape::Any, true),
        ("SdkResponseMetadata", Shape::Any, true),
        ("StatusCode", Shape::Number, true),
        ("LogResult", Shape::String, false),
    ])
}

/// Whether a shape is [`lambda_envelope`].
pub fn is_lambda_envelope(shape: &Shape) -> bool {
    match shape {
        Shape::Object(o) => {
            o.closed && o.fields.contains_key("Payload") && o.fields.contains_key("StatusCode")
        }
        _ => false,
    }
}

/// Whether a shape is the error object a Catch gives.
pub fn is_error_object(shape: &Shape) -> bool {
    *shape == error_object()
}

fn selection(node: Option<&Node>) -> Sel {
    match node.map(|n| &n.value) {
        None => Sel::Keep,
        Some(Value::Null) => Sel::Empty,
        Some(Value::String(s)) => match path::parse(s) {
            Some(PathRef {
                root: Root::Value,
                segs,
            }) if segs.is_empty() => Sel::Keep,
            Some(PathRef {
                root: Root::Value,
                segs,
            }) => Sel::Path(segs),
            _ => Sel::Unknown,
        },
        _ => Sel::Unknown,
    }
}

fn placement(node: Option<&Node>) -> Put {
    match node.map(|n| &n.value) {
        None => Put::Replace,
        Some(Value::Null) => Put::Discard,
        Some(Value::String(s)) => match path::parse(s) {
            Some(PathRef {
                root: Root::Value,
                segs,
            }) if segs.is_empty() => Put::Replace,
            Some(PathRef {
                root: Root::Value,
                segs,
            }) if segs.iter().all(|s| matches!(s, Seg::Field(_))) => Put::At(segs),
            _ => Put::Unknown,
        },
        _ => Put::Unknown,
    }
}

fn outcome<'t>(state: &State<'t>) -> Outcome<'t> {
    match state.ty {
        StateType::Pass => match state.get("Result") {
            Some(node) if state.query_language == QueryLanguage::JsonPath => Outcome::Literal(node),
            _ => Outcome::PassInput,
        },
        StateType::Map | StateType::Parallel => Outcome::Array,
        StateType::Task => {
            let Some(resource) = &state.resource else {
                return Outcome::Any;
            };
            match &resource.kind {
                ResourceKind::Integration {
                    service,
                    action,
                    pattern: Pattern::RequestResponse,
                    sdk: false,
                } if service == "lambda" && action == "invoke" => Outcome::Known(lambda_envelope()),
                ResourceKind::Integration {
                    service,
                    action,
                    pattern: Pattern::RequestResponse,
                    sdk: true,
                } => sdk_output(service, action).map_or(Outcome::Any, Outcome::Known),
                _ => Outcome::Any,
            }
        }
        _ => Outcome::Nothing,
    }
}

/// The response of an `aws-sdk:` call: its top-level members (the Step
/// Functions spelling), each of which may be missing; nothing else.
fn sdk_output(service: &str, action: &str) -> Option<Shape> {
    let service = aws_models::service(service)?;
    let (_, op) = service.operation(action)?;
    let Some(name) = op.output.as_deref() else {
        return Some(Shape::empty_object());
    };
    let shape = service.shape(name)?;
    if shape.ty != "structure" || shape.members.len() > super::shape::MAX_FIELDS {
        return None;
    }
    let mut obj = super::shape::Obj {
        fields: Default::default(),
        closed: true,
    };
    for member in shape.members.keys() {
        obj.fields.insert(
            member.as_str().into(),
            super::shape::Field {
                shape: Shape::Any,
                present: false,
            },
        );
    }
    Some(Shape::Object(Rc::new(obj)))
}

impl<'a, 't> Plan<'a, 't> {
    pub(super) fn of(state: &'a State<'t>) -> Plan<'a, 't> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let catch_nodes: &[Node] = state
            .get("Catch")
            .and_then(Node::as_array)
            .unwrap_or_default();
        let catches = catch_nodes
            .iter()
            .map(|c| CatchPlan {
                put: if jsonata {
                    Put::Replace
                } else {
                    placement(c.get("ResultPath"))
                },
                output: if jsonata { c.get("Output") } else { None },
            })
            .collect();
        let parameters = if jsonata {
            None
        } else if state.ty == StateType::Map {
            state
                .get("ItemSelector")
                .or_else(|| state.get("Parameters"))
        } else {
            state.get("Parameters")
        };
        let mut plan = Plan {
            state,
            ty: state.ty,
            jsonata,
            input_path: if jsonata {
                Sel::Keep
            } else {
                selection(state.get("InputPath"))
            },
            output_path: if jsonata {
                Sel::Keep
            } else {
                selection(state.get("OutputPath"))
            },
            result_path: if jsonata {
                Put::Replace
            } else {
                placement(state.get("ResultPath"))
            },
            parameters,
            result: outcome(state),
            result_selector: if jsonata {
                None
            } else {
                state.get("ResultSelector")
            },
            output: if jsonata { state.get("Output") } else { None },
            arguments: if jsonata {
                state.get("Arguments")
            } else {
                None
            },
            items_path: None,
            items_elsewhere: state.get("ItemReader").is_some()
                || state.get("ItemBatcher").is_some(),
            catches,
            built: std::cell::OnceCell::new(),
        };
        if state.ty == StateType::Map && !jsonata {
            plan.items_path = match selection(state.get("ItemsPath")) {
                Sel::Keep => Some(Vec::new()),
                Sel::Path(segs) => Some(segs),
                _ => None,
            };
        }
        plan
    }

    fn built(&self) -> &Built<'t> {
        self.built.get_or_init(|| {
            if self.jsonata {
                jsonata_sites(self.state)
            } else {
                jsonpath_sites(
                    self.state,
                    self.items_elsewhere,
                    matches!(self.result, Outcome::Known(_)),
                )
            }
        })
    }

    fn sites(&self) -> &[Site] {
        &self.built().sites
    }

    fn rules(&self) -> &[&'t Node] {
        &self.built().rules
    }
}

fn jsonpath_sites<'t>(state: &State<'t>, items_elsewhere: bool, known_result: bool) -> Built<'t> {
    let mut built = Built::default();
    {
        let here = |field: &str| pointer::push(&state.pointer, field);
        let add_path = |sites: &mut Vec<Site>,
                        ptr: String,
                        text: &str,
                        stage: Stage,
                        kind: SiteKind,
                        rule: Option<usize>| {
            let texts: Vec<&str> = if path::is_intrinsic(text) {
                path::intrinsic_paths(text)
            } else {
                vec![text]
            };
            for t in texts {
                if let Some(PathRef {
                    root: Root::Value,
                    segs,
                }) = path::parse(t)
                    && (!segs.is_empty() || kind == SiteKind::Items)
                {
                    sites.push(Site {
                        pointer: ptr.clone(),
                        text: t.to_string(),
                        segs,
                        stage,
                        jsonata: false,
                        kind,
                        rule,
                    });
                }
            }
        };
        let mut sites = Vec::new();
        if let Some(t) = state.get("InputPath").and_then(Node::as_str) {
            add_path(
                &mut sites,
                here("InputPath"),
                t,
                Stage::Raw,
                SiteKind::Read,
                None,
            );
        }
        // Payload templates read the effective input; a Map's
        // `ItemSelector` reads the Map's.
        for field in ["Parameters", "ItemSelector"] {
            if let Some(node) = state.get(field) {
                template_sites(node, &here(field), &mut |p, t| {
                    add_path(&mut sites, p, t, Stage::Effective, SiteKind::Read, None)
                });
            }
        }
        for field in [
            "SecondsPath",
            "TimestampPath",
            "TimeoutSecondsPath",
            "HeartbeatSecondsPath",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCountPath",
        ] {
            if let Some(t) = state.get(field).and_then(Node::as_str) {
                add_path(
                    &mut sites,
                    here(field),
                    t,
                    Stage::Effective,
                    SiteKind::Read,
                    None,
                );
            }
        }
        if state.ty == StateType::Map
            && !items_elsewhere
            && let Some(t) = state.get("ItemsPath").and_then(Node::as_str)
        {
            add_path(
                &mut sites,
                here("ItemsPath"),
                t,
                Stage::Effective,
                SiteKind::Items,
                None,
            );
        }
        // `ResultSelector` of a Lambda call: the envelope is known. An
        // `aws-sdk:` response is `unknown-result-field`'s.
        if known_result
            && !is_sdk(state)
            && let Some(node) = state.get("ResultSelector")
        {
            template_sites(node, &here("ResultSelector"), &mut |p, t| {
                add_path(&mut sites, p, t, Stage::Result, SiteKind::Read, None)
            });
        }
        if let Some(t) = state.get("ResultPath").and_then(Node::as_str) {
            add_path(
                &mut sites,
                here("ResultPath"),
                t,
                Stage::Output,
                SiteKind::Write { catch: None },
                None,
            );
        }
        if let Some(t) = state.get("OutputPath").and_then(Node::as_str) {
            add_path(
                &mut sites,
                here("OutputPath"),
                t,
                Stage::Output,
                SiteKind::Read,
                None,
            );
        }
        if state.ty == StateType::Fail {
            for field in ["ErrorPath", "CausePath"] {
                if let Some(t) = state.get(field).and_then(Node::as_str) {
                    add_path(&mut sites, here(field), t, Stage::Raw, SiteKind::Read, None);
                }
            }
        }
        if let Some(catches) = state.get("Catch").and_then(Node::as_array) {
            for (i, c) in catches.iter().enumerate() {
                if let Some(t) = c.get("ResultPath").and_then(Node::as_str) {
                    let ptr = pointer::push(&pointer::push_index(&here("Catch"), i), "ResultPath");
                    add_path(
                        &mut sites,
                        ptr,
                        t,
                        Stage::Raw,
                        SiteKind::Write { catch: Some(i) },
                        None,
                    );
                }
            }
        }
        if state.ty == StateType::Choice
            && let Some(rules) = state.get("Choices").and_then(Node::as_array)
        {
            // Paths an `IsPresent` test looks at, in this rule or an
            // earlier one: a read of them (or below or above them) may be
            // what the test guards, so it is not checked.
            let mut guarded: Vec<Vec<Seg>> = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                let base = pointer::push_index(&here("Choices"), i);
                let mut reads: Vec<(String, &str)> = Vec::new();
                rule_paths(rule, &base, &mut reads, &mut guarded);
                for (ptr, t) in reads {
                    let segs_of = path::parse(t).map(|p| p.segs);
                    if let Some(segs) = &segs_of
                        && guarded.iter().any(|g| overlaps(g, segs))
                    {
                        continue;
                    }
                    add_path(
                        &mut sites,
                        ptr,
                        t,
                        Stage::Effective,
                        SiteKind::Read,
                        Some(i),
                    );
                }
                built.rules.push(rule);
            }
        }
        built.sites = sites;
    }
    built
}

fn jsonata_sites<'t>(state: &State<'t>) -> Built<'t> {
    {
        let mut sites = Vec::new();
        let mut scan = |node: &Node, base: String, roots: &[(&str, Stage)]| {
            let mut visit = |path: &[Segment<'_>], value: &Node| {
                let Some(text) = value.as_str() else { return };
                let t = text.trim();
                if !(t.starts_with("{%") && t.ends_with("%}")) {
                    return;
                }
                for (root, stage) in roots {
                    for (_, segs) in path::jsonata_reads(t, root) {
                        let shown: Vec<String> = segs
                            .iter()
                            .map(|s| match s {
                                Seg::Field(f) => f.to_string(),
                                Seg::Index => "[0]".to_string(),
                            })
                            .collect();
                        sites.push(Site {
                            pointer: pointer_at(&base, path),
                            text: format!("{root}.{}", shown.join(".")),
                            segs,
                            stage: *stage,
                            jsonata: true,
                            kind: SiteKind::Read,
                            rule: None,
                        });
                    }
                }
            };
            visit(&[], node);
            walk(node, |path, _, value| {
                visit(path, value);
                true
            });
        };
        let input = ("$states.input", Stage::Raw);
        let result = ("$states.result", Stage::Result);
        for field in [
            "Arguments",
            "Items",
            "ItemSelector",
            "Seconds",
            "Timestamp",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Error",
            "Cause",
        ] {
            if let Some(node) = state.get(field) {
                scan(node, pointer::push(&state.pointer, field), &[input]);
            }
        }
        let has_result = matches!(
            state.ty,
            StateType::Task | StateType::Map | StateType::Parallel
        );
        for field in ["Output", "Assign"] {
            if let Some(node) = state.get(field) {
                let roots: &[(&str, Stage)] = if has_result {
                    &[input, result]
                } else {
                    &[input]
                };
                scan(node, pointer::push(&state.pointer, field), roots);
            }
        }
        for (list, fields) in [
            ("Choices", &["Condition", "Output", "Assign"][..]),
            ("Catch", &["Output", "Assign"][..]),
        ] {
            let Some(items) = state.get(list).and_then(Node::as_array) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let base = pointer::push_index(&pointer::push(&state.pointer, list), i);
                for field in fields {
                    if let Some(node) = item.get(field) {
                        let ptr = pointer::push(&base, field);
                        if list == "Catch" {
                            scan(
                                node,
                                ptr,
                                &[input, ("$states.errorOutput", Stage::CatchError(i))],
                            );
                        } else {
                            scan(node, ptr, &[input]);
                        }
                    }
                }
            }
        }
        Built {
            sites,
            rules: Vec::new(),
        }
    }
}

impl<'a, 't> Plan<'a, 't> {
    /// Runs the state on one input shape.
    pub(super) fn run(&self, raw: &Shape) -> Run {
        let mut run = Run {
            output: None,
            caught: Vec::with_capacity(self.catches.len()),
            eff: None,
        };
        if self.jsonata {
            let result = self.result_of();
            for c in &self.catches {
                run.caught.push(Some(match c.output {
                    Some(node) => eval_jsonata(node, raw, None, Some(&error_object()), 0),
                    None => (error_object(), false),
                }));
            }
            if self.ty == StateType::Fail {
                return run;
            }
            run.eff = Some(raw.clone());
            run.output = Some(match self.output {
                Some(node) => eval_jsonata(node, raw, result.as_ref(), None, 0),
                None => match result {
                    Some(r) if self.ty != StateType::Pass => (r, false),
                    _ => (raw.clone(), true),
                },
            });
            return run;
        }
        for c in &self.catches {
            run.caught.push(put(raw, &c.put, error_object()));
        }
        if self.ty == StateType::Fail {
            return run;
        }
        let Some((eff, _)) = select(raw, &self.input_path) else {
            return run;
        };
        run.eff = Some(eff.clone());
        if self.fails_on(Stage::Raw, raw) || self.fails_on(Stage::Effective, &eff) {
            return run;
        }
        let keeps = matches!(self.input_path, Sel::Keep);
        let combined = match self.ty {
            StateType::Choice | StateType::Wait | StateType::Succeed => Some((eff, keeps)),
            _ => {
                let mut result = match &self.result {
                    Outcome::PassInput => match self.parameters {
                        Some(p) => build(p, &eff, 0),
                        None => eff.clone(),
                    },
                    _ => self.result_of().unwrap_or(Shape::Any),
                };
                if let Some(rs) = self.result_selector {
                    if self.fails_on(Stage::Result, &result) {
                        return run;
                    }
                    result = build(rs, &result, 0);
                }
                // A Pass that passes its untouched input on keeps the route.
                let pass_through =
                    matches!(self.result, Outcome::PassInput) && self.parameters.is_none() && keeps;
                match put(raw, &self.result_path, result) {
                    Some((s, derived)) => Some((s, derived || pass_through)),
                    None => return run,
                }
            }
        };
        let Some((combined, derived)) = combined else {
            return run;
        };
        run.output = select(&combined, &self.output_path).map(|(s, kept)| (s, derived && kept));
        run
    }

    fn result_of(&self) -> Option<Shape> {
        match &self.result {
            Outcome::Nothing | Outcome::PassInput => None,
            Outcome::Any => Some(Shape::Any),
            Outcome::Known(s) => Some(s.clone()),
            Outcome::Literal(node) => Some(Shape::of_literal(node)),
            Outcome::Array => Some(Shape::Array(Rc::new(Shape::Any))),
        }
    }

    /// Whether a JSONPath read of this stage cannot succeed on `value`.
    fn fails_on(&self, stage: Stage, value: &Shape) -> bool {
        if value.is_any() {
            return false;
        }
        self.sites().iter().any(|s| {
            s.stage == stage
                && s.rule.is_none()
                && s.kind == SiteKind::Read
                && !s.jsonata
                && matches!(value.read(&s.segs), Read::Absent { .. })
        })
    }

    /// The input of a Parallel branch or a Map's items.
    pub(super) fn child_input(&self, alt: &Alt, state: &State<'_>, kind: ScopeKind) -> Shape {
        let raw = &alt.shape;
        if self.jsonata {
            return match (kind, state.get("ItemSelector"), self.arguments) {
                (ScopeKind::MapProcessor, Some(sel), _) if sel.as_object().is_some() => {
                    eval_jsonata(sel, raw, None, None, 0).0
                }
                (ScopeKind::Branch(_), _, Some(args)) => eval_jsonata(args, raw, None, None, 0).0,
                (ScopeKind::Branch(_), _, None) => raw.clone(),
                _ => Shape::Any,
            };
        }
        let Some((eff, _)) = select(raw, &self.input_path) else {
            return Shape::Any;
        };
        match kind {
            ScopeKind::MapProcessor => {
                if let Some(sel) = self.parameters {
                    return build(sel, &eff, 0);
                }
                if self.items_elsewhere {
                    return Shape::Any;
                }
                match self.items_path.as_ref().map(|p| eff.read(p)) {
                    Some(Read::Found(Shape::Array(item))) => (*item).clone(),
                    _ => Shape::Any,
                }
            }
            _ => match self.parameters {
                Some(p) => build(p, &eff, 0),
                None => eff,
            },
        }
    }

    /// A Choice's output along one of its rules (`None`: its `Default`),
    /// unless the route cannot take that edge: an earlier rule surely
    /// matches, this rule's `IsPresent` test surely fails, or a field the
    /// rule compares is missing (the Choice fails there instead).
    pub(super) fn choice_passes(&self, run: &Run, rule: Option<usize>) -> Option<(Shape, bool)> {
        let out = run.output.clone()?;
        let eff = run.eff.as_ref()?;
        if eff.is_any() {
            // No test is decided and no read can fail on unknown input.
            return Some(out);
        }
        let last = rule.unwrap_or(self.rules().len());
        for j in 0..last {
            if self.rule_matches(j, eff) == Some(true) {
                return None;
            }
        }
        let evaluated = match rule {
            Some(i) => {
                if self.rule_matches(i, eff) == Some(false) {
                    return None;
                }
                i..i + 1
            }
            None => 0..self.rules().len(),
        };
        let fails = self.sites().iter().any(|s| {
            s.rule.is_some_and(|r| evaluated.contains(&r))
                && matches!(eff.read(&s.segs), Read::Absent { .. })
        });
        (!fails).then_some(out)
    }

    fn rule_matches(&self, rule: usize, eff: &Shape) -> Option<bool> {
        rule_outcome(self.rules().get(rule)?, eff, 0)
    }

    /// Whether the state makes a value it knows something about from an
    /// input it knows nothing about: only then can a read fail on such input.
    fn knows_something(&self) -> bool {
        let made = match self.result {
            Outcome::Known(_) | Outcome::Literal(_) | Outcome::Array => true,
            Outcome::PassInput => self.parameters.is_some(),
            Outcome::Any | Outcome::Nothing => false,
        };
        made || self.result_selector.is_some()
            || matches!(self.input_path, Sel::Empty)
            || (self.jsonata && !self.catches.is_empty())
    }

    /// The reads of this state that cannot succeed on the input `alt`.
    pub(super) fn check(&self, state: &State<'_>, alt: &Alt) -> Vec<Problem> {
        let mut out = Vec::new();
        let raw = &alt.shape;
        if raw.is_any() && !self.knows_something() {
            return out;
        }
        let mut problem = |i: usize, site: &Site, kind: ProblemKind| {
            out.push(Problem {
                state: state.id,
                site: i,
                pointer: site.pointer.clone(),
                text: site.text.clone(),
                segs: site.segs.clone(),
                stage: site.stage,
                jsonata: site.jsonata,
                kind,
                trail: alt.trail.clone(),
            });
        };
        if self.jsonata {
            let result = self.result_of();
            for (i, site) in self.sites().iter().enumerate() {
                let value = match site.stage {
                    Stage::Raw => Some(raw.clone()),
                    Stage::Result => result.clone(),
                    Stage::CatchError(_) => Some(error_object()),
                    _ => None,
                };
                if let Some(value) = value
                    && let Read::Absent { seg, within } = value.read_jsonata(&site.segs)
                {
                    problem(i, site, ProblemKind::MissingField { seg, within });
                }
            }
            return out;
        }
        // `ResultPath` writes into the raw input (the Catch's always, the
        // state's when it has a result).
        let has_result = matches!(
            self.ty,
            StateType::Task | StateType::Pass | StateType::Map | StateType::Parallel
        );
        for (i, site) in self.sites().iter().enumerate() {
            if let SiteKind::Write { catch } = site.kind
                && (catch.is_some() || has_result)
                && let Err(seg) = raw.write(&site.segs, Shape::Any)
            {
                problem(i, site, ProblemKind::WriteIntoNonObject { seg });
            }
        }
        // Each stage's value, computed as far as the state gets.
        let Some((eff, _)) = select(raw, &self.input_path) else {
            self.check_stage(Stage::Raw, raw, &mut problem);
            return out;
        };
        if self.check_stage(Stage::Raw, raw, &mut problem)
            | self.check_choice(&eff, &mut problem)
            | self.check_stage(Stage::Effective, &eff, &mut problem)
        {
            return out;
        }
        let result = match (&self.result, self.parameters) {
            (Outcome::PassInput, Some(p)) => build(p, &eff, 0),
            (Outcome::PassInput, None) => eff.clone(),
            _ => self.result_of().unwrap_or(Shape::Any),
        };
        if self.result_selector.is_some() && self.check_stage(Stage::Result, &result, &mut problem)
        {
            return out;
        }
        let result = match self.result_selector {
            Some(rs) => build(rs, &result, 0),
            None => result,
        };
        let combined = match self.ty {
            StateType::Choice | StateType::Wait | StateType::Succeed => Some(eff),
            StateType::Fail => None,
            _ => put(raw, &self.result_path, result).map(|(s, _)| s),
        };
        if let Some(combined) = combined {
            self.check_stage(Stage::Output, &combined, &mut problem);
        }
        out
    }

    /// Reports the failing reads of one stage; whether there was one.
    fn check_stage(
        &self,
        stage: Stage,
        value: &Shape,
        problem: &mut impl FnMut(usize, &Site, ProblemKind),
    ) -> bool {
        let mut failed = false;
        for (i, site) in self.sites().iter().enumerate() {
            if site.stage != stage || site.rule.is_some() {
                continue;
            }
            match site.kind {
                SiteKind::Read => {
                    if let Read::Absent { seg, within } = value.read(&site.segs) {
                        problem(i, site, ProblemKind::MissingField { seg, within });
                        failed = true;
                    }
                }
                SiteKind::Items => match value.read(&site.segs) {
                    Read::Absent { seg, within } => {
                        problem(i, site, ProblemKind::MissingField { seg, within });
                        failed = true;
                    }
                    Read::Found(found)
                        if !matches!(found, Shape::Array(_) | Shape::Object(_) | Shape::Any) =>
                    {
                        problem(i, site, ProblemKind::ItemsNotIterable { found });
                        failed = true;
                    }
                    _ => {}
                },
                SiteKind::Write { .. } => {}
            }
        }
        failed
    }

    /// Choice rules are evaluated in order until one matches: a rule's
    /// reads are checked only when no earlier rule surely matches.
    fn check_choice(
        &self,
        eff: &Shape,
        problem: &mut impl FnMut(usize, &Site, ProblemKind),
    ) -> bool {
        let mut failed = false;
        let mut earlier_matches = false;
        let mut current = None;
        for (i, site) in self.sites().iter().enumerate() {
            let Some(rule) = site.rule else { continue };
            if current != Some(rule) {
                earlier_matches = (0..rule).any(|j| self.rule_matches(j, eff) == Some(true));
                current = Some(rule);
            }
            if earlier_matches {
                continue;
            }
            if let Read::Absent { seg, within } = eff.read(&site.segs) {
                problem(i, site, ProblemKind::MissingField { seg, within });
                failed = true;
            }
        }
        failed
    }
}

fn is_sdk(state: &State<'_>) -> bool {
    matches!(
        state.resource.as_ref().map(|r| &r.kind),
        Some(ResourceKind::Integration { sdk: true, .. })
    )
}

/// Whether every field along `segs` is known present.
fn present_at(shape: &Shape, segs: &[Seg]) -> bool {
    let mut cur = shape;
    for seg in segs {
        match (cur, seg) {
            (Shape::Object(o), Seg::Field(name)) => match o.fields.get(name) {
                Some(f) if f.present => cur = &f.shape,
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

/// Whether one path is a prefix of the other.
fn overlaps(a: &[Seg], b: &[Seg]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

fn select(value: &Shape, sel: &Sel) -> Option<(Shape, bool)> {
    match sel {
        Sel::Keep => Some((value.clone(), true)),
        Sel::Empty => Some((Shape::empty_object(), false)),
        Sel::Unknown => Some((Shape::Any, false)),
        Sel::Path(segs) => match value.read(segs) {
            Read::Found(s) => Some((s, false)),
            Read::Unknown => Some((Shape::Any, false)),
            Read::Absent { .. } => None,
        },
    }
}

/// `value` placed in `raw` as a `ResultPath` does, with whether the
/// output still holds the input's fields; `None` when the write fails.
fn put(raw: &Shape, at: &Put, value: Shape) -> Option<(Shape, bool)> {
    match at {
        Put::Replace => Some((value, false)),
        Put::Discard => Some((raw.clone(), true)),
        Put::Unknown => Some((Shape::Any, false)),
        Put::At(segs) => raw.write(segs, value).ok().map(|s| (s, true)),
    }
}

/// The collected reads (`Variable` and `...Path` comparisons) of a Choice
/// rule, and the paths its `IsPresent` tests look at, walking `And`, `Or`
/// and `Not` with a work list.
fn rule_paths<'n>(
    rule: &'n Node,
    base: &str,
    reads: &mut Vec<(String, &'n str)>,
    guarded: &mut Vec<Vec<Seg>>,
) {
    let mut stack: Vec<(&'n Node, String)> = vec![(rule, base.to_string())];
    while let Some((node, ptr)) = stack.pop() {
        let Some(obj) = node.as_object() else {
            continue;
        };
        let variable = obj.get("Variable").and_then(Node::as_str);
        let tests_presence = obj.get("IsPresent").is_some();
        if let Some(v) = variable {
            if tests_presence {
                if let Some(p) = path::parse(v) {
                    guarded.push(p.segs);
                }
            } else {
                reads.push((pointer::push(&ptr, "Variable"), v));
            }
        }
        for m in &obj.members {
            let key: &str = &m.key;
            match key {
                "And" | "Or" => {
                    if let Some(items) = m.value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((item, pointer::push_index(&pointer::push(&ptr, key), i)));
                        }
                    }
                }
                "Not" => stack.push((&m.value, pointer::push(&ptr, key))),
                "Variable" | "Next" => {}
                _ if key.ends_with("Path") => {
                    if let Some(t) = m.value.as_str().filter(|t| t.starts_with('$')) {
                        reads.push((pointer::push(&ptr, key), t));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether a Choice rule surely matches (`Some(true)`) or surely does
/// not (`Some(false)`) on a value of this shape, as far as its `IsPresent`
/// tests tell; comparisons are not decided. `And` stops at its first false
/// condition and `Or` at its first true one, as Step Functions evaluates
/// them. Nesting deeper than a few levels is not decided.
fn rule_outcome(rule: &Node, eff: &Shape, depth: usize) -> Option<bool> {
    if depth > 8 {
        return None;
    }
    if let Some(inner) = rule.get("Not") {
        return rule_outcome(inner, eff, depth + 1).map(|b| !b);
    }
    if let Some(items) = rule.get("And").and_then(Node::as_array) {
        let mut all = true;
        for item in items {
            match rule_outcome(item, eff, depth + 1) {
                Some(false) => return Some(false),
                Some(true) => {}
                None => all = false,
            }
        }
        return all.then_some(true);
    }
    if let Some(items) = rule.get("Or").and_then(Node::as_array) {
        let mut none = true;
        for item in items {
            match rule_outcome(item, eff, depth + 1) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => none = false,
            }
        }
        return none.then_some(false);
    }
    let wanted = rule.get("IsPresent")?.as_bool()?;
    let segs = match path::parse(rule.get("Variable")?.as_str()?)? {
        PathRef {
            root: Root::Value,
            segs,
        } => segs,
        _ => return None,
    };
    let there = match eff.read(&segs) {
        Read::Absent { .. } => false,
        Read::Found(_) if present_at(eff, &segs) => true,
        _ => return None,
    };
    Some(there == wanted)
}

/// The `.$` values of a payload template, with their pointers.
fn template_sites(node: &Node, base: &str, visit: &mut dyn FnMut(String, &str)) {
    walk(node, |path, key, value| {
        if let (Some(k), Some(t)) = (key, value.as_str())
            && k.ends_with(".$")
            && matches!(path.last(), Some(Segment::Key(_)))
        {
            visit(pointer_at(base, path), t);
        }
        true
    });
}

/// The object a payload template builds from `ctx`: its keys (`.$`
/// stripped), each value read from `ctx`, evaluated or literal.
fn build(template: &Node, ctx: &Shape, depth: usize) -> Shape {
    if depth >= super::shape::MAX_DEPTH {
        return Shape::Any;
    }
    let Some(obj) = template.as_object() else {
        return Shape::of_literal(template);
    };
    let mut out = super::shape::Obj {
        fields: Default::default(),
        closed: true,
    };
    for m in &obj.members {
        let key: &str = &m.key;
        if key.contains("${") {
            out.closed = false;
            continue;
        }
        let (name, shape) = match key.strip_suffix(".$") {
            Some(name) => (name, evaluate(&m.value, ctx)),
            None => (
                key,
                match &m.value.value {
                    Value::Object(_) => build(&m.value, ctx, depth + 1),
                    _ => Shape::of_literal(&m.value),
                },
            ),
        };
        out.fields.insert(
            name.into(),
            super::shape::Field {
                shape,
                present: true,
            },
        );
    }
    if out.fields.len() > super::shape::MAX_FIELDS {
        return Shape::Any;
    }
    Shape::Object(Rc::new(out))
}

/// The value of a `.$` field: a path read from `ctx`, or an intrinsic's
/// result type.
fn evaluate(value: &Node, ctx: &Shape) -> Shape {
    let Some(text) = value.as_str() else {
        return Shape::Any;
    };
    let t = text.trim();
    if let Some(call) = t.strip_prefix("States.") {
        let name = call.split('(').next().unwrap_or_default();
        return match name {
            "Format" | "UUID" | "JsonToString" | "Base64Encode" | "Base64Decode" | "Hash" => {
                Shape::String
            }
            "MathAdd" | "MathRandom" | "ArrayLength" => Shape::Number,
            "ArrayContains" => Shape::Bool,
            "Array" | "ArrayPartition" | "ArrayRange" | "ArrayUnique" | "StringSplit" => {
                Shape::Array(Rc::new(Shape::Any))
            }
            _ => Shape::Any,
        };
    }
    match path::parse(t) {
        Some(PathRef {
            root: Root::Value,
            segs,
        }) => match ctx.read(&segs) {
            Read::Found(s) => s,
            _ => Shape::Any,
        },
        _ => Shape::Any,
    }
}

/// A JSONata `Output` or `Arguments`: an object of literal keys, or one of
/// a few whole-value expressions; anything else is unknown. Returns the
/// shape and whether it is the input itself.
fn eval_jsonata(
    node: &Node,
    input: &Shape,
    result: Option<&Shape>,
    error: Option<&Shape>,
    depth: usize,
) -> (Shape, bool) {
    if depth >= super::shape::MAX_DEPTH {
        return (Shape::Any, false);
    }
    match &node.value {
        Value::Object(obj) => {
            let mut out = super::shape::Obj {
                fields: Default::default(),
                closed: true,
            };
            for m in &obj.members {
                if m.key.contains("${") {
                    out.closed = false;
                    continue;
                }
                let (shape, _) = eval_jsonata(&m.value, input, result, error, depth + 1);
                out.fields.insert(
                    m.key.clone(),
                    super::shape::Field {
                        shape,
                        present: true,
                    },
                );
            }
            if out.fields.len() > super::shape::MAX_FIELDS {
                return (Shape::Any, false);
            }
            (Shape::Object(Rc::new(out)), false)
        }
        Value::String(s) => {
            let t = s.trim();
            let Some(expr) = t.strip_prefix("{%").and_then(|e| e.strip_suffix("%}")) else {
                return (Shape::of_literal(node), false);
            };
            let expr = expr.trim();
            for (root, value) in [
                ("$states.input", Some(input)),
                ("$states.result", result),
                ("$states.errorOutput", error),
            ] {
                let Some(value) = value else { continue };
                if expr == root {
                    return (value.clone(), root == "$states.input");
                }
                if let Some(rest) = expr.strip_prefix(root)
                    && rest.starts_with('.')
                    && rest[1..].split('.').all(|p| {
                        !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                    })
                {
                    let segs: Vec<Seg> =
                        rest[1..].split('.').map(|p| Seg::Field(p.into())).collect();
                    return match value.read_jsonata(&segs) {
                        Read::Found(s) => (s, false),
                        _ => (Shape::Any, false),
                    };
                }
            }
            (Shape::Any, false)
        }
        _ => (Shape::of_literal(node), false),
    }
}
