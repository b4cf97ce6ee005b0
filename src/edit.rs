//! Fixes as rules propose them: edits of the definition's tree, named by JSON
//! pointers like findings are. The engine turns them into byte edits of the
//! file the user wrote (which may be a template holding the definition in a
//! string), so rules never deal with formatting or escaping.

use crate::source::Span;

/// How sure a fix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The meaning changes only as the rule intends; `--fix` applies it.
    Safe,
    /// Needs a value or a judgement the user should review; applied with
    /// `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A value to write into the definition. Objects keep the order given, so a
/// new state reads `Type`, `Resource`, ..., `Next` as people write them.
#[derive(Clone, Debug, PartialEq)]
pub enum NewValue {
    Null,
    String(String),
    Integer(i64),
    Bool(bool),
    Array(Vec<NewValue>),
    Object(Vec<(String, NewValue)>),
}

impl NewValue {
    pub fn string(s: impl Into<String>) -> NewValue {
        NewValue::String(s.into())
    }

    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, NewValue)>) -> NewValue {
        NewValue::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// One change to the definition's tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// The value at `pointer` becomes `value`.
    ReplaceValue { pointer: String, value: NewValue },
    /// The member at `pointer` gets the key `key`; its value stays as written.
    RenameKey { pointer: String, key: String },
    /// A new member `key: value` at the end of the object at `object`.
    InsertMember {
        object: String,
        key: String,
        value: NewValue,
    },
    /// The member at `pointer` goes, with its separator.
    RemoveMember { pointer: String },
    /// The elements of the array at `array` in a new order: `order[i]` is
    /// the index of the element that goes to position `i`.
    Reorder { array: String, order: Vec<usize> },
    /// Raw bytes of the file (a byte-order mark, a YAML comment), for what
    /// the tree does not hold.
    File { span: Span, content: String },
}

/// A fix a finding offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, imperative ("Change `Nxt` to `Next`").
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits,
        }
    }
}

/// A fix placed in the file: byte edits with their positions, sorted and
/// not overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedFix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<TextEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub content: String,
    pub start: crate::source::LineCol,
    /// Exclusive, like a finding's end.
    pub end: crate::source::LineCol,
}
