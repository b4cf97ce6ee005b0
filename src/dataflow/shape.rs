//! What is known about a JSON value flowing between states: its type, and
//! for objects which fields are present, which may be, and whether any
//! other field can be there (closed) or not known (open).
//!
//! Shapes are bounded: at most [`MAX_FIELDS`] fields per object and
//! [`MAX_DEPTH`] levels; past that a value becomes open or [`Shape::Any`],
//! which only ever loses knowledge, never invents it. Nested values are
//! shared behind `Rc`, so copying a shape from state to state is cheap.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::loader::tree::{Node, Value};

/// Fields kept per object; an object with more becomes open.
pub const MAX_FIELDS: usize = 64;
/// Levels of nesting kept; deeper values become [`Shape::Any`].
pub const MAX_DEPTH: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Nothing is known: any value, any field.
    Any,
    Null,
    Bool,
    Number,
    String,
    /// An array whose items have this shape.
    Array(Rc<Shape>),
    Object(Rc<Obj>),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Obj {
    pub fields: BTreeMap<Box<str>, Field>,
    /// No field outside `fields` can be there.
    pub closed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub shape: Shape,
    /// Known present; otherwise it may be missing.
    pub present: bool,
}

/// A segment of a reference path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Field(Box<str>),
    Index,
}

/// What reading a path from a shape tells.
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    /// The value there, as far as known.
    Found(Shape),
    /// The path cannot be there: `seg` (an index into the path) names a
    /// field that the value at `seg` does not have; `within` is that value.
    Absent { seg: usize, within: Shape },
    /// Nothing is known either way.
    Unknown,
}

impl Shape {
    pub fn object(fields: impl IntoIterator<Item = (&'static str, Shape, bool)>) -> Shape {
        let fields = fields
            .into_iter()
            .map(|(k, shape, present)| (Box::from(k), Field { shape, present }))
            .collect();
        Shape::Object(Rc::new(Obj {
            fields,
            closed: true,
        }))
    }

    pub fn empty_object() -> Shape {
        Shape::Object(Rc::new(Obj {
            fields: BTreeMap::new(),
            closed: true,
        }))
    }

    /// The shape of a literal JSON value, bounded in depth and width.
    pub fn of_literal(node: &Node) -> Shape {
        literal(node, 0)
    }

    /// Whether something is known absent anywhere in the shape (a closed
    /// object, or a value that is not an object).
    pub fn is_any(&self) -> bool {
        matches!(self, Shape::Any)
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Shape::Any => "any value",
            Shape::Null => "null",
            Shape::Bool => "a boolean",
            Shape::Number => "a number",
            Shape::String => "a string",
            Shape::Array(_) => "an array",
            Shape::Object(_) => "an object",
        }
    }

    /// Reads `path` from the shape, Jayway-style: a field of an array, a
    /// string or a number cannot be found, an index of an object is not
    /// decided.
    pub fn read(&self, path: &[Seg]) -> Read {
        self.read_as(path, false)
    }

    /// Reads `path` the way JSONata navigates: only a closed object tells
    /// that a field is missing (a step into an array maps over its items).
    pub fn read_jsonata(&self, path: &[Seg]) -> Read {
        self.read_as(path, true)
    }

    fn read_as(&self, path: &[Seg], jsonata: bool) -> Read {
        let mut cur = self;
        for (i, seg) in path.iter().enumerate() {
            let absent = Read::Absent {
                seg: i,
                within: cur.clone(),
            };
            match (cur, seg) {
                (Shape::Object(o), Seg::Field(name)) => match o.fields.get(name) {
                    Some(field) => cur = &field.shape,
                    None if o.closed => return absent,
                    None => return Read::Unknown,
                },
                (Shape::Array(item), Seg::Index) if !jsonata => cur = item,
                (Shape::Any | Shape::Object(_), _) => return Read::Unknown,
                _ if jsonata => return Read::Unknown,
                _ => return absent,
            }
        }
        Read::Found(cur.clone())
    }

    /// `value` written at `path` into this shape, as `ResultPath` merges a
    /// result into the input. `Err(seg)` when the value at `path[..seg]` is
    /// known not to be an object, which fails at run time.
    pub fn write(&self, path: &[Seg], value: Shape) -> Result<Shape, usize> {
        // Walk down, remembering each level, then rebuild bottom-up: no
        // recursion on the path's length.
        let mut levels: Vec<Obj> = Vec::with_capacity(path.len());
        let mut cur = Some(self.clone());
        for (i, seg) in path.iter().enumerate() {
            let Seg::Field(name) = seg else {
                return Err(i);
            };
            let obj = match cur {
                None | Some(Shape::Any) => Obj::default(),
                Some(Shape::Object(o)) => (*o).clone(),
                Some(_) => return Err(i),
            };
            cur = obj.fields.get(name).map(|f| f.shape.clone());
            levels.push(obj);
        }
        let mut built = value;
        for (mut obj, seg) in levels.into_iter().zip(path).rev() {
            let Seg::Field(name) = seg else {
                unreachable!("indexes were refused above")
            };
            obj.fields.insert(
                name.clone(),
                Field {
                    shape: built,
                    present: true,
                },
            );
            bound(&mut obj);
            built = Shape::Object(Rc::new(obj));
        }
        Ok(built)
    }

    /// What both shapes allow: a field is present when it is in both, the
    /// object is closed when both are.
    pub fn join(&self, other: &Shape) -> Shape {
        // Bounded by MAX_DEPTH: shapes are never deeper.
        match (self, other) {
            (a, b) if a == b => a.clone(),
            (Shape::Array(a), Shape::Array(b)) => Shape::Array(Rc::new(a.join(b))),
            (Shape::Object(a), Shape::Object(b)) => {
                let mut fields = BTreeMap::new();
                for (k, fa) in &a.fields {
                    match b.fields.get(k) {
                        Some(fb) => {
                            fields.insert(
                                k.clone(),
                                Field {
                                    shape: fa.shape.join(&fb.shape),
                                    present: fa.present && fb.present,
                                },
                            );
                        }
                        None if b.closed => {
                            fields.insert(
                                k.clone(),
                                Field {
                                    shape: fa.shape.clone(),
                                    present: false,
                                },
                            );
                        }
                        None => {}
                    }
                }
                if a.closed {
                    for (k, fb) in &b.fields {
                        if !a.fields.contains_key(k) {
                            fields.insert(
                                k.clone(),
                                Field {
                                    shape: fb.shape.clone(),
                                    present: false,
                                },
                            );
                        }
                    }
                }
                let mut obj = Obj {
                    fields,
                    closed: a.closed && b.closed,
                };
                bound(&mut obj);
                Shape::Object(Rc::new(obj))
            }
            _ => Shape::Any,
        }
    }

    /// A short rendering for messages: `{Error, Cause}`, `[...]`, `"..."`.
    pub fn summary(&self) -> String {
        match self {
            Shape::Object(o) => {
                // Fields that are always there first, then those that may be.
                let mut names: Vec<String> = o
                    .fields
                    .iter()
                    .filter(|(_, f)| f.present)
                    .map(|(k, _)| k.to_string())
                    .chain(
                        o.fields
                            .iter()
                            .filter(|(_, f)| !f.present)
                            .map(|(k, _)| format!("{k}?")),
                    )
                    .collect();
                let more = names.len() > 8;
                names.truncate(8);
                let mut s = String::from("{");
                s.push_str(&names.join(", "));
                if more {
                    s.push_str(", …");
                }
                if !o.closed {
                    s.push_str(if names.is_empty() { "…" } else { ", …" });
                }
                s.push('}');
                s
            }
            Shape::Array(_) => "an array".to_string(),
            other => other.type_name().to_string(),
        }
    }

    /// A longer rendering for hover text, two levels deep.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        describe_into(self, 0, &mut out);
        out
    }
}

fn describe_into(shape: &Shape, depth: usize, out: &mut String) {
    match shape {
        Shape::Object(o) if depth < 2 => {
            out.push('{');
            for (i, (k, f)) in o.fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if i == 12 {
                    out.push('…');
                    break;
                }
                out.push_str(k);
                if !f.present {
                    out.push('?');
                }
                out.push_str(": ");
                describe_into(&f.shape, depth + 1, out);
            }
            if !o.closed {
                out.push_str(if o.fields.is_empty() { "…" } else { ", …" });
            }
            out.push('}');
        }
        Shape::Object(_) => out.push_str("{…}"),
        Shape::Array(item) if depth < 2 && !item.is_any() => {
            out.push('[');
            describe_into(item, depth + 1, out);
            out.push(']');
        }
        Shape::Array(_) => out.push_str("[…]"),
        Shape::Any => out.push_str("any"),
        Shape::Null => out.push_str("null"),
        Shape::Bool => out.push_str("boolean"),
        Shape::Number => out.push_str("number"),
        Shape::String => out.push_str("string"),
    }
}

/// Keeps an object within [`MAX_FIELDS`]: past it, the object is open.
fn bound(obj: &mut Obj) {
    while obj.fields.len() > MAX_FIELDS {
        obj.fields.pop_last();
        obj.closed = false;
    }
}

fn literal(node: &Node, depth: usize) -> Shape {
    if depth >= MAX_DEPTH {
        return Shape::Any;
    }
    match &node.value {
        Value::Null => Shape::Null,
        Value::Bool(_) => Shape::Bool,
        Value::Number(_) => Shape::Number,
        Value::String(s) if s.contains("${") => Shape::Any,
        Value::String(_) => Shape::String,
        Value::Opaque(_) => Shape::Any,
        Value::Array(items) => {
            let mut item: Option<Shape> = None;
            for n in items.iter().take(MAX_FIELDS) {
                let s = literal(n, depth + 1);
                item = Some(match item {
                    None => s,
                    Some(prev) => prev.join(&s),
                });
            }
            if items.len() > MAX_FIELDS {
                item = Some(Shape::Any);
            }
            Shape::Array(Rc::new(item.unwrap_or(Shape::Any)))
        }
        Value::Object(o) => {
            let mut obj = Obj {
                fields: BTreeMap::new(),
                closed: true,
            };
            for m in &o.members {
                obj.fields.insert(
                    m.key.clone(),
                    Field {
                        shape: literal(&m.value, depth + 1),
                        present: true,
                    },
                );
            }
            bound(&mut obj);
            Shape::Object(Rc::new(obj))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str) -> Seg {
        Seg::Field(name.into())
    }

    #[test]
    fn reads_and_writes() {
        let envelope = Shape::object([
            ("Payload", Shape::Any, true),
            ("StatusCode", Shape::Number, true),
        ]);
        assert_eq!(
            envelope.read(&[f("Payload"), f("x")]),
            Read::Unknown,
            "the payload is opaque"
        );
        assert!(matches!(
            envelope.read(&[f("status")]),
            Read::Absent { seg: 0, .. }
        ));
        assert!(matches!(
            envelope.read(&[f("StatusCode"), f("x")]),
            Read::Absent { seg: 1, .. }
        ));
        assert_eq!(Shape::Any.read(&[f("x")]), Read::Unknown);
        let merged = Shape::Any
            .write(&[f("result")], envelope.clone())
            .expect("writes into an open input");
        assert!(matches!(
            merged.read(&[f("result"), f("status")]),
            Read::Absent { seg: 1, .. }
        ));
        assert_eq!(merged.read(&[f("other")]), Read::Unknown);
        assert_eq!(Shape::String.write(&[f("a")], Shape::Null), Err(0));
        let joined = envelope.join(&Shape::object([("Payload", Shape::Any, true)]));
        assert_eq!(joined.read(&[f("StatusCode")]), Read::Found(Shape::Number));
        assert!(matches!(joined.read(&[f("x")]), Read::Absent { .. }));
        assert_eq!(envelope.join(&Shape::Any), Shape::Any);
    }
}
