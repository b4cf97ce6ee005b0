//! The spanned JSON tree every later stage reads.
//!
//! Unlike `serde_json::Value`, it keeps each key's and value's byte span,
//! source order and duplicate keys, which rules and diagnostics need.

use crate::loader::pointer;

pub use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// Written without fraction or exponent and within `i64`.
    Int(i64),
    /// Anything else; always finite (the parser rejects overflow).
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl std::fmt::Display for Number {
    /// Large floats are shown in exponent form: `1.2345678901234568e29` is
    /// what the file's 30-digit integer became, where the plain form would
    /// end in invented zeros.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) if x.abs() >= 1e16 => write!(f, "{x:e}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(Box<str>),
    Array(Vec<Node>),
    Object(Object),
    /// Known only at deploy time: a CloudFormation intrinsic (`!GetAtt`,
    /// `Ref`, `!If`...) or an unquoted `${Placeholder}`. Reads as its
    /// `${...}` text, so rules treat it like any placeholder, and it
    /// satisfies every type check.
    Opaque(Box<str>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub key: Box<str>,
    /// The key including its quotes.
    pub key_span: Span,
    pub value: Node,
}

/// Objects with more members than this get a sorted index so lookups stay
/// logarithmic (a `States` object may hold 20,000 states).
const INDEX_THRESHOLD: usize = 16;

#[derive(Clone, Debug, Default)]
pub struct Object {
    pub members: Vec<Member>,
    /// Member positions sorted by key (stable, so equal keys keep source order).
    sorted: Option<Box<[u32]>>,
    has_duplicates: bool,
}

impl Object {
    pub(crate) fn new(members: Vec<Member>) -> Object {
        let sorted = (members.len() > INDEX_THRESHOLD).then(|| {
            let mut order: Vec<u32> = (0..members.len() as u32).collect();
            order.sort_by(|&a, &b| members[a as usize].key.cmp(&members[b as usize].key));
            order.into_boxed_slice()
        });
        let has_duplicates = match &sorted {
            Some(order) => order
                .windows(2)
                .any(|w| members[w[0] as usize].key == members[w[1] as usize].key),
            None => {
                (1..members.len()).any(|i| members[..i].iter().any(|m| m.key == members[i].key))
            }
        };
        Object {
            members,
            sorted,
            has_duplicates,
        }
    }

    /// Whether two members share a key.
    pub fn has_duplicates(&self) -> bool {
        self.has_duplicates
    }

    /// The member for `key`. With duplicate keys the last one wins, as in
    /// serde_json and in AWS's parser.
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.sorted {
            None => self.members.iter().rev().find(|m| &*m.key == key),
            Some(order) => {
                let upper = order.partition_point(|&i| &*self.members[i as usize].key <= key);
                let last = *order.get(upper.checked_sub(1)?)?;
                let member = &self.members[last as usize];
                (&*member.key == key).then_some(member)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// Pairs of (first, later) members that share a key, in source order of the later one.
    pub fn duplicates(&self) -> Vec<(&Member, &Member)> {
        let mut found = Vec::new();
        if !self.has_duplicates {
            return found;
        }
        match &self.sorted {
            None => {
                for (i, later) in self.members.iter().enumerate() {
                    if let Some(first) = self.members[..i].iter().find(|m| m.key == later.key) {
                        found.push((first, later));
                    }
                }
            }
            Some(order) => {
                for run in order
                    .chunk_by(|&a, &b| self.members[a as usize].key == self.members[b as usize].key)
                {
                    let first = &self.members[run[0] as usize];
                    for &later in &run[1..] {
                        found.push((first, &self.members[later as usize]));
                    }
                }
                found.sort_by_key(|(_, later)| later.key_span.start);
            }
        }
        found
    }
}

/// What a pointer resolved to. When the pointer names something missing,
/// this is the deepest existing ancestor, and `exact` is false.
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'a> {
    pub node: &'a Node,
    /// The span of the key when the node is an object member.
    pub key_span: Option<Span>,
    pub exact: bool,
}

impl Node {
    pub fn as_object(&self) -> Option<&Object> {
        match &self.value {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Opaque(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<Number> {
        match self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?.get(key)
    }

    /// A short name of the JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Opaque(_) => "a deploy-time value",
        }
    }

    /// Resolves an RFC 6901 pointer, falling back to the deepest ancestor
    /// that exists (so a missing field points at its parent).
    pub fn resolve(&self, ptr: &str) -> Resolved<'_> {
        let mut current = Resolved {
            node: self,
            key_span: None,
            exact: true,
        };
        for segment in pointer::segments(ptr) {
            let next = match &current.node.value {
                Value::Object(o) => o.member(&segment).map(|m| Resolved {
                    node: &m.value,
                    key_span: Some(m.key_span),
                    exact: true,
                }),
                Value::Array(items) => segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|node| Resolved {
                        node,
                        key_span: None,
                        exact: true,
                    }),
                _ => None,
            };
            match next {
                Some(next) => current = next,
                None => {
                    current.exact = false;
                    return current;
                }
            }
        }
        current
    }
}

/// One step of a path inside the tree.
#[derive(Clone, Copy, Debug)]
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// A pointer from `base` along `path`, built only when a finding needs it.
pub fn pointer_at(base: &str, path: &[Segment<'_>]) -> String {
    let mut out = base.to_string();
    for seg in path {
        out = match seg {
            Segment::Key(k) => pointer::push(&out, k),
            Segment::Index(i) => pointer::push_index(&out, *i),
        };
    }
    out
}

/// Visits every node below `root` depth-first, iteratively, with the path to
/// it and the key of the member holding it. `visit` returns whether to go
/// into the node's children. No pointer is allocated.
pub fn walk<'a>(
    root: &'a Node,
    mut visit: impl FnMut(&[Segment<'a>], Option<&'a str>, &'a Node) -> bool,
) {
    let mut path: Vec<Segment<'a>> = Vec::new();
    let mut stack: Vec<(usize, Segment<'a>, Option<&'a str>, &'a Node)> = Vec::new();
    let push_children = |stack: &mut Vec<_>, depth: usize, node: &'a Node, key: Option<&'a str>| {
        match &node.value {
            Value::Object(o) => {
                for m in o.members.iter().rev() {
                    stack.push((depth, Segment::Key(&m.key), Some(&*m.key), &m.value));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((depth, Segment::Index(i), key, item));
                }
            }
            _ => {}
        }
    };
    push_children(&mut stack, 0, root, None);
    while let Some((depth, seg, key, node)) = stack.pop() {
        path.truncate(depth);
        path.push(seg);
        if visit(&path, key, node) {
            push_children(&mut stack, depth + 1, node, key);
        }
    }
}
