//! What each object in a definition may contain: the fields of every state
//! type and of the objects nested in them (Retry, Catch, ItemReader, ...),
//! which query language each field belongs to, and what its value must be.
//!
//! This table is the single source for the field rules (`unknown-field`,
//! `field-not-allowed`, `missing-required-field`, `invalid-value`,
//! `conflicting-fields`, `query-language-mismatch`). It follows the Amazon
//! States Language specification and the Step Functions Developer Guide.

use crate::loader::pointer;
use crate::loader::tree::{Node, Value};
use crate::model::{Machine, QueryLanguage, StateType};

/// AWS's ceiling for timeouts, intervals and attempts.
pub const MAX_SECONDS: i64 = 99_999_999;

/// Which query language a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Both,
    JsonPath,
    Jsonata,
}

/// What a field's value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Any,
    String,
    /// A string naming a state.
    StateName,
    Bool,
    /// `End`: only `true` makes sense.
    True,
    Object,
    /// An object, or `null`.
    ObjectOrNull,
    /// An integer in a range (inclusive).
    Int {
        min: i64,
        max: i64,
    },
    /// A number in a range (inclusive).
    Number {
        min: f64,
        max: f64,
    },
    Enum(&'static [&'static str]),
    /// A JSONPath (checked by `invalid-path`); `null` allowed when nullable.
    Path {
        nullable: bool,
    },
    Timestamp,
    /// A non-empty array of objects (Branches, Choices).
    NonEmptyObjects,
    /// An array of objects (Retry, Catch).
    Objects,
    /// A non-empty array of strings (ErrorEquals).
    NonEmptyStrings,
    /// An array of strings.
    Strings,
    /// An array of any values (a JSONata Map's `Items`).
    Array,
    /// A state machine scope (Iterator, ItemProcessor, a branch).
    Scope,
    /// A Task's `Resource`: a string, or a CloudFormation intrinsic object
    /// (`{"Fn::GetAtt": ...}`, `{"Ref": ...}`) that a deploy tool resolves.
    Resource,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub lang: Lang,
    pub required: bool,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        lang: Lang::Both,
        required: false,
    }
}
const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        lang: Lang::Both,
        required: true,
    }
}
const fn jp(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        lang: Lang::JsonPath,
        required: false,
    }
}
const fn ja(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        lang: Lang::Jsonata,
        required: false,
    }
}

const SECONDS: Kind = Kind::Int {
    min: 1,
    max: MAX_SECONDS,
};
const PATH: Kind = Kind::Path { nullable: false };
const NULLABLE_PATH: Kind = Kind::Path { nullable: true };
const QUERY_LANGUAGES: Kind = Kind::Enum(&["JSONPath", "JSONata"]);
pub const STATE_TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

/// Fields every state has.
const COMMON: &[Field] = &[
    req("Type", Kind::Enum(STATE_TYPES)),
    f("Comment", Kind::String),
    f("QueryLanguage", QUERY_LANGUAGES),
];

// Field groups that several state types share, in the order the
// specification lists them; each type's fields are its groups in order.

/// Where a state goes next.
const FLOW: &[Field] = &[f("Next", Kind::StateName), f("End", Kind::True)];

/// JSONPath input and output filters.
const IO_PATHS: &[Field] = &[
    jp("InputPath", NULLABLE_PATH),
    jp("OutputPath", NULLABLE_PATH),
];

/// How a Task or Parallel shapes its arguments and result.
const ARGUMENTS_AND_RESULT: &[Field] = &[
    jp("Parameters", Kind::Any),
    jp("ResultSelector", Kind::Object),
    jp("ResultPath", NULLABLE_PATH),
    ja("Arguments", Kind::Any),
];

/// JSONata output and variables.
const OUTPUT_AND_ASSIGN: &[Field] = &[ja("Output", Kind::Any), f("Assign", Kind::Object)];

/// Error handling.
const RETRY_AND_CATCH: &[Field] = &[f("Retry", Kind::Objects), f("Catch", Kind::Objects)];

const TASK: &[&[Field]] = &[
    FLOW,
    IO_PATHS,
    ARGUMENTS_AND_RESULT,
    OUTPUT_AND_ASSIGN,
    RETRY_AND_CATCH,
    &[
        req("Resource", Kind::Resource),
        f("TimeoutSeconds", SECONDS),
        jp("TimeoutSecondsPath", PATH),
        f("HeartbeatSeconds", SECONDS),
        jp("HeartbeatSecondsPath", PATH),
        f("Credentials", Kind::Object),
    ],
];

const PASS: &[&[Field]] = &[
    FLOW,
    IO_PATHS,
    &[
        jp("Parameters", Kind::Any),
        jp("ResultPath", NULLABLE_PATH),
        f("Result", Kind::Any),
    ],
    OUTPUT_AND_ASSIGN,
];

const CHOICE: &[&[Field]] = &[
    IO_PATHS,
    &[
        req("Choices", Kind::NonEmptyObjects),
        f("Default", Kind::StateName),
    ],
    OUTPUT_AND_ASSIGN,
];

const WAIT: &[&[Field]] = &[
    FLOW,
    IO_PATHS,
    &[
        f(
            "Seconds",
            Kind::Int {
                min: 0,
                max: MAX_SECONDS,
            },
        ),
        jp("SecondsPath", PATH),
        f("Timestamp", Kind::Timestamp),
        jp("TimestampPath", PATH),
    ],
    OUTPUT_AND_ASSIGN,
];

const SUCCEED: &[&[Field]] = &[IO_PATHS, &[ja("Output", Kind::Any)]];

const FAIL: &[&[Field]] = &[&[
    f("Error", Kind::String),
    jp("ErrorPath", PATH),
    f("Cause", Kind::String),
    jp("CausePath", PATH),
]];

const PARALLEL: &[&[Field]] = &[
    FLOW,
    IO_PATHS,
    ARGUMENTS_AND_RESULT,
    OUTPUT_AND_ASSIGN,
    RETRY_AND_CATCH,
    &[req("Branches", Kind::NonEmptyObjects)],
];

const MAP: &[&[Field]] = &[
    FLOW,
    IO_PATHS,
    &[
        jp("Parameters", Kind::Any),
        f("ItemSelector", Kind::Object),
        jp("ResultSelector", Kind::Object),
        jp("ResultPath", NULLABLE_PATH),
    ],
    OUTPUT_AND_ASSIGN,
    RETRY_AND_CATCH,
    &[
        f("Iterator", Kind::Scope),
        f("ItemProcessor", Kind::Scope),
        jp("ItemsPath", PATH),
        ja("Items", Kind::Array),
        f(
            "MaxConcurrency",
            Kind::Int {
                min: 0,
                max: MAX_SECONDS,
            },
        ),
        jp("MaxConcurrencyPath", PATH),
        f("ItemReader", Kind::Object),
        f("ItemBatcher", Kind::Object),
        f("ResultWriter", Kind::Object),
        f(
            "ToleratedFailurePercentage",
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
        ),
        jp("ToleratedFailurePercentagePath", PATH),
        f(
            "ToleratedFailureCount",
            Kind::Int {
                min: 0,
                max: i64::MAX,
            },
        ),
        jp("ToleratedFailureCountPath", PATH),
        f("Label", Kind::String),
    ],
];

/// The fields a state of type `ty` may have, besides the common ones.
pub fn state_fields(ty: StateType) -> impl Iterator<Item = &'static Field> {
    let groups: &'static [&'static [Field]] = match ty {
        StateType::Task => TASK,
        StateType::Pass => PASS,
        StateType::Choice => CHOICE,
        StateType::Wait => WAIT,
        StateType::Succeed => SUCCEED,
        StateType::Fail => FAIL,
        StateType::Parallel => PARALLEL,
        StateType::Map => MAP,
        StateType::Unknown => &[],
    };
    groups.iter().flat_map(|group| group.iter())
}

/// The objects nested in a definition that have a fixed set of fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Root,
    Branch,
    /// `ItemProcessor` or `Iterator`.
    Processor,
    State(StateType),
    Retrier,
    Catcher,
    ProcessorConfig,
    ItemReader,
    ReaderConfig,
    ItemBatcher,
    ResultWriter,
    WriterConfig,
}

impl ObjectKind {
    /// How messages name it.
    pub fn describe(self) -> String {
        match self {
            ObjectKind::Root => "the top level".to_string(),
            ObjectKind::Branch => "a Parallel branch".to_string(),
            ObjectKind::Processor => "a Map processor".to_string(),
            ObjectKind::State(t) => format!("a {} state", type_name(t)),
            ObjectKind::Retrier => "a Retry entry".to_string(),
            ObjectKind::Catcher => "a Catch entry".to_string(),
            ObjectKind::ProcessorConfig => "`ProcessorConfig`".to_string(),
            ObjectKind::ItemReader => "`ItemReader`".to_string(),
            ObjectKind::ReaderConfig => "`ReaderConfig`".to_string(),
            ObjectKind::ItemBatcher => "`ItemBatcher`".to_string(),
            ObjectKind::ResultWriter => "`ResultWriter`".to_string(),
            ObjectKind::WriterConfig => "`WriterConfig`".to_string(),
        }
    }
}

pub fn type_name(t: StateType) -> &'static str {
    match t {
        StateType::Task => "Task",
        StateType::Pass => "Pass",
        StateType::Choice => "Choice",
        StateType::Wait => "Wait",
        StateType::Succeed => "Succeed",
        StateType::Fail => "Fail",
        StateType::Parallel => "Parallel",
        StateType::Map => "Map",
        StateType::Unknown => "unknown",
    }
}

const ROOT: &[Field] = &[
    req("StartAt", Kind::StateName),
    req("States", Kind::Object),
    f("Comment", Kind::String),
    f("Version", Kind::String),
    f("TimeoutSeconds", SECONDS),
    f("QueryLanguage", QUERY_LANGUAGES),
];
const BRANCH: &[Field] = &[
    req("StartAt", Kind::StateName),
    req("States", Kind::Object),
    f("Comment", Kind::String),
];
const PROCESSOR: &[Field] = &[
    req("StartAt", Kind::StateName),
    req("States", Kind::Object),
    f("Comment", Kind::String),
    f("ProcessorConfig", Kind::Object),
];
const RETRIER: &[Field] = &[
    req("ErrorEquals", Kind::Strings),
    f("IntervalSeconds", SECONDS),
    f(
        "MaxAttempts",
        Kind::Int {
            min: 0,
            max: MAX_SECONDS - 1,
        },
    ),
    f(
        "BackoffRate",
        Kind::Number {
            min: 1.0,
            max: f64::MAX,
        },
    ),
    f(
        "MaxDelaySeconds",
        Kind::Int {
            min: 1,
            max: 31_622_400,
        },
    ),
    f("JitterStrategy", Kind::Enum(&["FULL", "NONE"])),
    f("Comment", Kind::String),
];
const CATCHER: &[Field] = &[
    req("ErrorEquals", Kind::Strings),
    req("Next", Kind::StateName),
    jp("ResultPath", NULLABLE_PATH),
    ja("Output", Kind::Any),
    f("Assign", Kind::Object),
    f("Comment", Kind::String),
];
const PROCESSOR_CONFIG: &[Field] = &[
    f("Mode", Kind::Enum(&["INLINE", "DISTRIBUTED"])),
    f("ExecutionType", Kind::Enum(&["STANDARD", "EXPRESS"])),
];
const ITEM_READER: &[Field] = &[
    req("Resource", Kind::String),
    f("ReaderConfig", Kind::Object),
    jp("Parameters", Kind::Any),
    ja("Arguments", Kind::Any),
];
const READER_CONFIG: &[Field] = &[
    f(
        "InputType",
        Kind::Enum(&["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]),
    ),
    f("CSVHeaderLocation", Kind::Enum(&["FIRST_ROW", "GIVEN"])),
    f("CSVHeaders", Kind::Strings),
    f(
        "CSVDelimiter",
        Kind::Enum(&["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]),
    ),
    f(
        "MaxItems",
        Kind::Int {
            min: 0,
            max: 100_000_000,
        },
    ),
    jp("MaxItemsPath", PATH),
    f(
        "ManifestType",
        Kind::Enum(&["ATHENA_DATA", "S3_INVENTORY", "S3_MANIFEST"]),
    ),
];
const ITEM_BATCHER: &[Field] = &[
    f(
        "MaxItemsPerBatch",
        Kind::Int {
            min: 1,
            max: i64::MAX,
        },
    ),
    jp("MaxItemsPerBatchPath", PATH),
    f(
        "MaxInputBytesPerBatch",
        Kind::Int {
            min: 1,
            max: 262_144,
        },
    ),
    jp("MaxInputBytesPerBatchPath", PATH),
    f("BatchInput", Kind::Any),
];
const RESULT_WRITER: &[Field] = &[
    f("Resource", Kind::String),
    jp("Parameters", Kind::Any),
    ja("Arguments", Kind::Any),
    f("WriterConfig", Kind::Object),
];
const WRITER_CONFIG: &[Field] = &[
    req("OutputType", Kind::Enum(&["JSON", "JSONL"])),
    f(
        "Transformation",
        Kind::Enum(&["NONE", "COMPACT", "FLATTEN"]),
    ),
];

fn build_fields(kind: ObjectKind) -> Vec<Field> {
    match kind {
        ObjectKind::State(t) => COMMON.iter().chain(state_fields(t)).copied().collect(),
        ObjectKind::Root => ROOT.to_vec(),
        ObjectKind::Branch => BRANCH.to_vec(),
        ObjectKind::Processor => PROCESSOR.to_vec(),
        ObjectKind::Retrier => RETRIER.to_vec(),
        ObjectKind::Catcher => CATCHER.to_vec(),
        ObjectKind::ProcessorConfig => PROCESSOR_CONFIG.to_vec(),
        ObjectKind::ItemReader => ITEM_READER.to_vec(),
        ObjectKind::ReaderConfig => READER_CONFIG.to_vec(),
        ObjectKind::ItemBatcher => ITEM_BATCHER.to_vec(),
        ObjectKind::ResultWriter => RESULT_WRITER.to_vec(),
        ObjectKind::WriterConfig => WRITER_CONFIG.to_vec(),
    }
}

const ALL_KINDS: &[ObjectKind] = &[
    ObjectKind::Root,
    ObjectKind::Branch,
    ObjectKind::Processor,
    ObjectKind::State(StateType::Task),
    ObjectKind::State(StateType::Pass),
    ObjectKind::State(StateType::Choice),
    ObjectKind::State(StateType::Wait),
    ObjectKind::State(StateType::Succeed),
    ObjectKind::State(StateType::Fail),
    ObjectKind::State(StateType::Parallel),
    ObjectKind::State(StateType::Map),
    ObjectKind::State(StateType::Unknown),
    ObjectKind::Retrier,
    ObjectKind::Catcher,
    ObjectKind::ProcessorConfig,
    ObjectKind::ItemReader,
    ObjectKind::ReaderConfig,
    ObjectKind::ItemBatcher,
    ObjectKind::ResultWriter,
    ObjectKind::WriterConfig,
];

/// Per kind: the fields in declaration order, and the same sorted by name.
struct Table {
    ordered: Vec<Field>,
    sorted: Vec<Field>,
}

fn tables() -> &'static [(ObjectKind, Table)] {
    static TABLES: std::sync::OnceLock<Vec<(ObjectKind, Table)>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        ALL_KINDS
            .iter()
            .map(|&k| {
                let ordered = build_fields(k);
                let mut sorted = ordered.clone();
                sorted.sort_by_key(|f| f.name);
                (k, Table { ordered, sorted })
            })
            .collect()
    })
}

fn table(kind: ObjectKind) -> &'static Table {
    &tables()
        .iter()
        .find(|(k, _)| *k == kind)
        .expect("every kind has a table")
        .1
}

/// The fields of an object kind, in declaration order.
pub fn fields(kind: ObjectKind) -> &'static [Field] {
    &table(kind).ordered
}

/// One field of an object kind, by name.
pub fn field(kind: ObjectKind, name: &str) -> Option<&'static Field> {
    let sorted = &table(kind).sorted;
    sorted
        .binary_search_by(|f| f.name.cmp(name))
        .ok()
        .map(|i| &sorted[i])
}

/// The state types on which a field is valid.
pub fn types_with_field(name: &str) -> Vec<StateType> {
    [
        StateType::Task,
        StateType::Pass,
        StateType::Choice,
        StateType::Wait,
        StateType::Succeed,
        StateType::Fail,
        StateType::Parallel,
        StateType::Map,
    ]
    .into_iter()
    .filter(|&t| state_fields(t).any(|f| f.name == name))
    .collect()
}

/// One object to check: what it is, where it is, and its query language.
#[derive(Clone, Debug)]
pub struct Checked<'t> {
    pub kind: ObjectKind,
    pub node: &'t Node,
    pub pointer: String,
    pub lang: QueryLanguage,
    /// The state it belongs to, if any.
    pub state: Option<usize>,
    /// For each member, in order: its schema field, if the kind has one.
    pub fields: Vec<Option<&'static Field>>,
}

impl<'t> Checked<'t> {
    /// Members paired with their schema field.
    pub fn members(
        &self,
    ) -> impl Iterator<Item = (&'t crate::loader::tree::Member, Option<&'static Field>)> + '_ {
        self.node
            .as_object()
            .map(|o| o.members.as_slice())
            .unwrap_or_default()
            .iter()
            .zip(self.fields.iter().copied())
    }
}

fn classify(kind: ObjectKind, node: &Node) -> Vec<Option<&'static Field>> {
    node.as_object()
        .map(|o| o.members.iter().map(|m| field(kind, &m.key)).collect())
        .unwrap_or_default()
}

/// Every object with a fixed field set, in source order of states.
pub fn objects<'t>(m: &Machine<'t>) -> Vec<Checked<'t>> {
    let mut out = Vec::new();
    for scope in &m.scopes {
        let kind = match scope.kind {
            crate::model::ScopeKind::Root => ObjectKind::Root,
            crate::model::ScopeKind::Branch(_) => ObjectKind::Branch,
            crate::model::ScopeKind::MapProcessor => ObjectKind::Processor,
        };
        let lang = match scope.parent {
            Some(p) => m.states[p].query_language,
            None => m.query_language,
        };
        out.push(Checked {
            kind,
            node: scope.node,
            pointer: scope.pointer.clone(),
            lang,
            state: None,
            fields: classify(kind, scope.node),
        });
        if kind == ObjectKind::Processor
            && let Some(config) = scope
                .node
                .get("ProcessorConfig")
                .filter(|n| n.as_object().is_some())
        {
            out.push(Checked {
                kind: ObjectKind::ProcessorConfig,
                node: config,
                pointer: pointer::push(&scope.pointer, "ProcessorConfig"),
                lang,
                state: None,
                fields: classify(ObjectKind::ProcessorConfig, config),
            });
        }
    }
    for s in &m.states {
        if s.node.as_object().is_none() || s.ty == StateType::Unknown {
            continue;
        }
        let lang = s.query_language;
        let mut push = |kind, node: &'t Node, ptr: String| {
            if node.as_object().is_some() {
                out.push(Checked {
                    kind,
                    node,
                    pointer: ptr,
                    lang,
                    state: Some(s.id),
                    fields: classify(kind, node),
                });
            }
        };
        push(ObjectKind::State(s.ty), s.node, s.pointer.clone());
        for (field, kind) in [
            ("Retry", ObjectKind::Retrier),
            ("Catch", ObjectKind::Catcher),
        ] {
            if let Some(items) = s.get(field).and_then(Node::as_array) {
                let base = pointer::push(&s.pointer, field);
                for (i, item) in items.iter().enumerate() {
                    push(kind, item, pointer::push_index(&base, i));
                }
            }
        }
        if s.ty == StateType::Map {
            for (field, kind, inner) in [
                (
                    "ItemReader",
                    ObjectKind::ItemReader,
                    Some(("ReaderConfig", ObjectKind::ReaderConfig)),
                ),
                ("ItemBatcher", ObjectKind::ItemBatcher, None),
                (
                    "ResultWriter",
                    ObjectKind::ResultWriter,
                    Some(("WriterConfig", ObjectKind::WriterConfig)),
                ),
            ] {
                if let Some(node) = s.get(field) {
                    let ptr = pointer::push(&s.pointer, field);
                    push(kind, node, ptr.clone());
                    if let Some((inner_field, inner_kind)) = inner
                        && let Some(inner_node) = node.get(inner_field)
                    {
                        push(inner_kind, inner_node, pointer::push(&ptr, inner_field));
                    }
                }
            }
        }
    }
    out
}

/// Whether a value is a JSONata expression (`{% ... %}`).
pub fn is_jsonata_expression(node: &Node) -> bool {
    node.as_str().is_some_and(|s| {
        let t = s.trim();
        t.starts_with("{%") && t.ends_with("%}")
    })
}

/// Why `node` is not a valid value of `kind`, or `None` when it is. In
/// JSONata states, any field may hold a `{% %}` expression instead.
pub fn value_problem(kind: Kind, node: &Node, lang: QueryLanguage) -> Option<String> {
    if lang == QueryLanguage::Jsonata && is_jsonata_expression(node) {
        return None;
    }
    if matches!(node.value, Value::Opaque(_)) {
        return None;
    }
    // A string that is one whole `${Name}` placeholder is filled in at deploy
    // time (SAM DefinitionSubstitutions, Terraform templatefile), quoted or
    // not: it may become any type.
    if let Value::String(text) = &node.value
        && is_whole_placeholder(text)
    {
        return None;
    }
    let found = describe_value(node);
    let want = |what: &str| Some(format!("must be {what}, found {found}"));
    match kind {
        Kind::Any | Kind::Scope => None,
        Kind::Array => match &node.value {
            Value::Array(_) => None,
            _ => want("an array or a `{% %}` expression"),
        },
        Kind::Resource => match &node.value {
            Value::String(_) => None,
            Value::Object(o)
                if o.members.len() == 1
                    && (o.members[0].key.starts_with("Fn::") || &*o.members[0].key == "Ref") =>
            {
                None
            }
            _ => want("an ARN string"),
        },
        Kind::String | Kind::StateName => node
            .as_str()
            .is_none()
            .then(|| format!("must be a string, found {found}")),
        Kind::Bool => node
            .as_bool()
            .is_none()
            .then(|| format!("must be true or false, found {found}")),
        Kind::True => match node.as_bool() {
            Some(true) => None,
            Some(false) => {
                Some("must be `true`; leave it out instead of setting it to false".to_string())
            }
            None => want("`true`"),
        },
        Kind::Object => node
            .as_object()
            .is_none()
            .then(|| format!("must be an object, found {found}")),
        Kind::ObjectOrNull => (!matches!(node.value, Value::Object(_) | Value::Null))
            .then(|| format!("must be an object, found {found}")),
        Kind::Int { min, max } => match node.as_number() {
            Some(crate::loader::tree::Number::Int(i)) if i >= min && i <= max => None,
            Some(crate::loader::tree::Number::Int(i)) if i < min => {
                Some(format!("must be at least {min}, found {i}"))
            }
            Some(crate::loader::tree::Number::Int(i)) => {
                Some(format!("must be at most {max}, found {i}"))
            }
            Some(crate::loader::tree::Number::Float(x))
                if x.fract() == 0.0 && x >= min as f64 && x <= max as f64 =>
            {
                None
            }
            Some(n @ crate::loader::tree::Number::Float(x)) if x.fract() == 0.0 => {
                if x < min as f64 {
                    Some(format!("must be at least {min}, found {n}"))
                } else {
                    Some(format!("must be at most {max}, found {n}"))
                }
            }
            Some(n @ crate::loader::tree::Number::Float(_)) => {
                Some(format!("must be a whole number, found {n}"))
            }
            None => want("a whole number"),
        },
        Kind::Number { min, max } => match node.as_number() {
            Some(n) if n.as_f64() < min => Some(format!("must be at least {min}, found {n}")),
            Some(n) if n.as_f64() > max => Some(format!("must be at most {max}, found {n}")),
            Some(_) => None,
            None => want("a number"),
        },
        Kind::Enum(values) => match node.as_str() {
            Some(s) if values.contains(&s) => None,
            _ => {
                let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                Some(format!("must be one of {}, found {found}", list.join(", ")))
            }
        },
        Kind::Path { nullable } => match node.value {
            Value::String(_) => None,
            Value::Null if nullable => None,
            _ if nullable => want("a path string or null"),
            _ => want("a path string"),
        },
        Kind::Timestamp => match node.as_str() {
            Some(s) if is_rfc3339(s) => None,
            Some(s) => Some(format!(
                "must be an RFC 3339 timestamp such as \"2026-01-31T09:00:00Z\", found \"{s}\""
            )),
            None => want("a timestamp string"),
        },
        Kind::NonEmptyObjects | Kind::Objects => match node.as_array() {
            Some([]) if kind == Kind::NonEmptyObjects => Some("must not be empty".to_string()),
            Some(items) if items.iter().all(|i| i.as_object().is_some()) => None,
            Some(_) => Some("must be an array of objects".to_string()),
            None => want("an array"),
        },
        Kind::NonEmptyStrings | Kind::Strings => match node.as_array() {
            Some([]) if kind == Kind::NonEmptyStrings => Some("must not be empty".to_string()),
            Some(items) if items.iter().all(|i| i.as_str().is_some()) => None,
            Some(_) => Some("must be an array of strings".to_string()),
            None => want("an array of strings"),
        },
    }
}

fn describe_value(node: &Node) -> String {
    match &node.value {
        Value::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => node.type_name().to_string(),
    }
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

/// Whether `text` is exactly one `${Name}` placeholder.
pub fn is_whole_placeholder(text: &str) -> bool {
    text.strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|name| !name.is_empty() && !name.contains(['{', '}']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2026-01-31T09:00:00Z"));
        assert!(is_rfc3339("2026-01-31T09:00:00.123+02:00"));
        assert!(!is_rfc3339("2026-01-31 09:00:00Z"));
        assert!(!is_rfc3339("2026-13-31T09:00:00Z"));
        assert!(!is_rfc3339("2026-01-31T09:00:00"));
        assert!(!is_rfc3339("yesterday"));
    }

    #[test]
    fn every_state_field_is_named_once_per_type() {
        for t in [
            StateType::Task,
            StateType::Pass,
            StateType::Choice,
            StateType::Wait,
            StateType::Succeed,
            StateType::Fail,
            StateType::Parallel,
            StateType::Map,
        ] {
            let names: Vec<&str> = fields(ObjectKind::State(t))
                .iter()
                .map(|f| f.name)
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{t:?} lists a field twice");
        }
    }
}
