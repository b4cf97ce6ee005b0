//! JSONPath mode expressions: the AWS path dialect and intrinsic functions,
//! and where in a definition they appear.
//!
//! - A *path* (`InputPath`, `OutputPath`, `ItemsPath`, `.$` values) is
//!   JSONPath: `$.a.b`, `$..x`, `$.a[*]`, `$.a[0:2]`, `$.a[?(@.x > 1)]`.
//! - A *reference path* (`ResultPath`, Choice `Variable`, the `...Path`
//!   fields) names one node: only `.name`, `['name']` and `[index]`.
//! - The roots are `$` (the input), `$$` (the context object) and, since
//!   variables, `$name`.
//! - An intrinsic function is `States.Name(arg, ...)` with string literals in
//!   single quotes, numbers, booleans, null, paths and nested calls.

use crate::loader::pointer;
use crate::loader::tree::{Node, Value};
use crate::model::{Machine, QueryLanguage, StateType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// Any JSONPath.
    Full,
    /// A single node, and not a variable or the context object (`ResultPath`).
    ResultPath,
    /// A single node (`Variable`, `TimeoutSecondsPath`, ...).
    Reference,
}

/// Why a path is invalid, and the byte offset in the string where it goes wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    pub at: usize,
    /// Nested past what asl-lint parses: not evidence that AWS rejects it.
    pub too_deep: bool,
}

fn perr(at: usize, message: impl Into<String>) -> PathError {
    PathError {
        message: message.into(),
        at,
        too_deep: false,
    }
}

pub fn check_path(path: &str, kind: PathKind) -> Result<(), PathError> {
    let b = path.as_bytes();
    if path.is_empty() {
        return Err(perr(0, "is empty"));
    }
    if b[0].is_ascii_whitespace() {
        return Err(perr(0, "has leading spaces"));
    }
    // Step Functions ignores trailing spaces (deployed definitions rely on it).
    let path = path.trim_end();
    let b = path.as_bytes();
    if b[0] != b'$' {
        return Err(perr(0, "must start with `$`"));
    }
    let mut i = 1;
    if b.get(1) == Some(&b'$') {
        if kind == PathKind::ResultPath {
            return Err(perr(0, "cannot write to the context object `$$`"));
        }
        i = 2;
    } else if b
        .get(1)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        if kind == PathKind::ResultPath {
            return Err(perr(
                0,
                "cannot be a variable; use `Assign` to set variables",
            ));
        }
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            i += 1;
        }
    }
    let single = kind != PathKind::Full;
    let only_single = |at: usize, what: &str| {
        if single {
            Err(perr(
                at,
                format!("must name a single node, but `{what}` can select several"),
            ))
        } else {
            Ok(())
        }
    };
    while i < b.len() {
        match b[i] {
            b'.' => {
                i += 1;
                match b.get(i) {
                    None => return Err(perr(i - 1, "ends with `.`")),
                    Some(b'.') => {
                        only_single(i - 1, "..")?;
                        i += 1;
                        match b.get(i) {
                            Some(b'.') | None => return Err(perr(i, "has `...`")),
                            Some(b'[') => continue,
                            Some(b'*') => {
                                i += 1;
                                continue;
                            }
                            _ => {}
                        }
                        i = name_end(path, i)?;
                    }
                    Some(b'*') => {
                        only_single(i, "*")?;
                        i += 1;
                    }
                    // `$.[0]` is accepted by Step Functions' JSONPath engine.
                    Some(b'[') => continue,
                    Some(_) => {
                        let end = name_end(path, i)?;
                        let name = &path[i..end];
                        if let Some(func) = name.strip_suffix("()") {
                            only_single(i, name)?;
                            if end != b.len() {
                                return Err(perr(i, format!("`{name}` must be the last step")));
                            }
                            if !matches!(
                                func,
                                "length"
                                    | "min"
                                    | "max"
                                    | "avg"
                                    | "stddev"
                                    | "sum"
                                    | "keys"
                                    | "first"
                                    | "last"
                            ) {
                                return Err(perr(
                                    i,
                                    format!("`{name}` is not a JSONPath function"),
                                ));
                            }
                        }
                        i = end;
                    }
                }
            }
            b'[' => {
                let close = bracket_end(path, i)?;
                check_bracket(&path[i + 1..close], i + 1, single)?;
                i = close + 1;
            }
            c => {
                return Err(perr(
                    i,
                    format!("has `{}` where `.` or `[` should be", c as char),
                ));
            }
        }
    }
    Ok(())
}

/// The end of a dot-notation name starting at `start`.
fn name_end(path: &str, start: usize) -> Result<usize, PathError> {
    let b = path.as_bytes();
    let mut i = start;
    while i < b.len() && !matches!(b[i], b'.' | b'[') {
        if b[i] == b'(' {
            // A function call: `length()`.
            if b.get(i + 1) == Some(&b')') {
                i += 2;
                continue;
            }
            return Err(perr(i, "has `(` in a name"));
        }
        if matches!(b[i], b']' | b')' | b'\'' | b'"') || b[i].is_ascii_whitespace() {
            return Err(perr(
                i,
                format!(
                    "has `{}` in a name; use `['...']` for such keys",
                    b[i] as char
                ),
            ));
        }
        i += 1;
    }
    if i == start {
        return Err(perr(start, "has an empty name"));
    }
    Ok(i)
}

/// The index of the `]` closing the `[` at `open`, skipping quoted strings
/// and nested parentheses and brackets.
fn bracket_end(path: &str, open: usize) -> Result<usize, PathError> {
    let b = path.as_bytes();
    // The closers still expected, innermost last: `[` wants `]`, `(` wants `)`.
    let mut expected: Vec<u8> = Vec::new();
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'[' => expected.push(b']'),
                b'(' => expected.push(b')'),
                b']' | b')' => {
                    if expected.pop() != Some(c) {
                        let opened = if c == b']' { '[' } else { '(' };
                        return Err(perr(
                            i,
                            format!("has `{}` with no matching `{opened}`", c as char),
                        ));
                    }
                    if expected.is_empty() {
                        return Ok(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    Err(perr(open, "has `[` without a closing `]`"))
}

fn check_bracket(inner: &str, at: usize, single: bool) -> Result<(), PathError> {
    let t = inner.trim();
    let many = |what: &str| {
        if single {
            Err(perr(
                at,
                format!("must name a single node, but `[{what}]` can select several"),
            ))
        } else {
            Ok(())
        }
    };
    if t.is_empty() {
        return Err(perr(at, "has an empty `[]`"));
    }
    if t == "*" {
        return many("*");
    }
    if t.starts_with('(') && t.ends_with(')') {
        // A script expression: `$[(@.length-1)]`.
        return many(t);
    }
    if let Some(filter) = t.strip_prefix('?') {
        let f = filter.trim();
        if !(f.starts_with('(') && f.ends_with(')')) {
            return Err(perr(at, "has a filter that is not `?(...)`"));
        }
        return many(t);
    }
    let is_int = |s: &str| {
        let s = s.trim();
        let digits = s.strip_prefix('-').unwrap_or(s);
        !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
    };
    let is_quoted = |s: &str| {
        let s = s.trim();
        s.len() >= 2
            && ((s.starts_with('\'') && s.ends_with('\''))
                || (s.starts_with('"') && s.ends_with('"')))
    };
    if is_int(t) || is_quoted(t) {
        return Ok(());
    }
    if t.contains(':')
        && t.split(':').count() <= 3
        && t.split(':').all(|p| p.trim().is_empty() || is_int(p))
    {
        return many(t);
    }
    let parts: Vec<&str> = t.split(',').collect();
    if parts.len() > 1 && (parts.iter().all(|p| is_int(p)) || parts.iter().all(|p| is_quoted(p))) {
        return many(t);
    }
    Err(perr(
        at,
        format!(
            "has `[{}]`, which is not an index, a quoted name, `*`, a slice or a filter",
            crate::diagnostic::shorten(t, 60)
        ),
    ))
}

/// An intrinsic function: name, and how many arguments it takes.
struct Intrinsic {
    name: &'static str,
    min: usize,
    max: usize,
}

const INTRINSICS: &[Intrinsic] = &[
    Intrinsic {
        name: "States.Format",
        min: 1,
        max: usize::MAX,
    },
    Intrinsic {
        name: "States.StringToJson",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.JsonToString",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.Array",
        min: 0,
        max: usize::MAX,
    },
    Intrinsic {
        name: "States.ArrayPartition",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.ArrayContains",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.ArrayRange",
        min: 3,
        max: 3,
    },
    Intrinsic {
        name: "States.ArrayGetItem",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.ArrayLength",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.ArrayUnique",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.Base64Encode",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.Base64Decode",
        min: 1,
        max: 1,
    },
    Intrinsic {
        name: "States.Hash",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.JsonMerge",
        min: 3,
        max: 3,
    },
    Intrinsic {
        name: "States.MathRandom",
        min: 2,
        max: 3,
    },
    Intrinsic {
        name: "States.MathAdd",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.StringSplit",
        min: 2,
        max: 2,
    },
    Intrinsic {
        name: "States.UUID",
        min: 0,
        max: 0,
    },
];

pub fn intrinsic_names() -> impl Iterator<Item = &'static str> {
    INTRINSICS.iter().map(|i| i.name)
}

#[derive(Debug, PartialEq)]
enum Arg {
    Str(String),
    Number,
    Literal,
    Path,
    Call,
}

/// Checks a whole `States.Name(...)` expression.
pub fn check_intrinsic(text: &str) -> Result<(), PathError> {
    if text.trim_start() != text {
        return Err(perr(0, "has leading spaces"));
    }
    // Trailing spaces are ignored by Step Functions.
    let text = text.trim_end();
    let mut p = IntrinsicParser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.call()?;
    if p.i != p.b.len() {
        return Err(perr(p.i, "has text after the closing `)`"));
    }
    Ok(())
}

struct IntrinsicParser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Calls open around the current position.
    depth: usize,
}

/// Intrinsic calls nested deeper than this are not parsed: the parser
/// recurses once per call, and a hostile string must not exhaust the stack.
/// Real definitions nest a handful deep.
pub const MAX_INTRINSIC_DEPTH: usize = 256;

impl IntrinsicParser<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| *c == b' ') {
            self.i += 1;
        }
    }

    fn call(&mut self) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_INTRINSIC_DEPTH {
            return Err(PathError {
                message: format!(
                    "nests intrinsic calls more than {MAX_INTRINSIC_DEPTH} deep, which asl-lint does not check"
                ),
                at: self.i,
                too_deep: true,
            });
        }
        let result = self.call_body();
        self.depth -= 1;
        result
    }

    fn call_body(&mut self) -> Result<(), PathError> {
        let start = self.i;
        while self
            .b
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
        {
            self.i += 1;
        }
        let name = &self.s[start..self.i];
        let Some(spec) = INTRINSICS.iter().find(|f| f.name == name) else {
            let msg = if name.starts_with("States.") {
                format!("`{name}` is not an intrinsic function")
            } else {
                format!(
                    "`{name}` is not an intrinsic function; they are named `States.Format`, `States.Array`, ..."
                )
            };
            return Err(perr(start, msg));
        };
        if self.b.get(self.i) != Some(&b'(') {
            return Err(perr(self.i, format!("`{name}` must be followed by `(`")));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b')') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                args.push(self.arg()?);
                self.ws();
                match self.b.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b')') => {
                        self.i += 1;
                        break;
                    }
                    None => return Err(perr(self.i, format!("`{name}(` is not closed"))),
                    Some(c) => {
                        return Err(perr(
                            self.i,
                            format!("has `{}` where `,` or `)` should be", *c as char),
                        ));
                    }
                }
            }
        }
        if args.len() < spec.min || args.len() > spec.max {
            let want = match (spec.min, spec.max) {
                (a, b) if a == b => format!("{a}"),
                (a, usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} to {b}"),
            };
            return Err(perr(
                start,
                format!("`{name}` takes {want} argument(s), found {}", args.len()),
            ));
        }
        self.types(name, start, &args)
    }

    fn types(&self, name: &str, at: usize, args: &[Arg]) -> Result<(), PathError> {
        let numeric = |a: &Arg| matches!(a, Arg::Number | Arg::Path | Arg::Call);
        match name {
            "States.MathAdd" | "States.MathRandom" | "States.ArrayRange"
                if !args.iter().all(numeric) =>
            {
                Err(perr(
                    at,
                    format!("`{name}` takes numbers (or paths to numbers)"),
                ))
            }
            "States.Format" => {
                if let Some(Arg::Str(template)) = args.first() {
                    let holes = count_placeholders(template);
                    if holes != args.len() - 1 {
                        return Err(perr(
                            at,
                            format!(
                                "the template has {holes} `{{}}` placeholder(s) but {} value(s) follow",
                                args.len() - 1
                            ),
                        ));
                    }
                } else if !matches!(args.first(), Some(Arg::Path | Arg::Call)) {
                    return Err(perr(at, "`States.Format` takes a template string first"));
                }
                Ok(())
            }
            "States.Hash" => match args.get(1) {
                Some(Arg::Str(alg))
                    if !["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]
                        .contains(&alg.as_str()) =>
                {
                    Err(perr(
                        at,
                        format!(
                            "`States.Hash` algorithm must be MD5, SHA-1, SHA-256, SHA-384 or SHA-512, found '{alg}'"
                        ),
                    ))
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn arg(&mut self) -> Result<Arg, PathError> {
        let start = self.i;
        match self.b.get(self.i) {
            Some(b'\'') => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    match self.b.get(self.i) {
                        None => return Err(perr(start, "has a string that is not closed")),
                        Some(b'\\') => {
                            let Some(c) = self.s[self.i + 1..].chars().next() else {
                                return Err(perr(self.i, "ends with `\\`"));
                            };
                            // Escaped `{`/`}` are literal braces, not placeholders.
                            if c == '{' || c == '}' {
                                out.push('\u{1}');
                            } else {
                                out.push(c);
                            }
                            self.i += 1 + c.len_utf8();
                        }
                        Some(b'\'') => {
                            self.i += 1;
                            return Ok(Arg::Str(out));
                        }
                        Some(_) => {
                            let c = self.s[self.i..].chars().next().expect("in bounds");
                            out.push(c);
                            self.i += c.len_utf8();
                        }
                    }
                }
            }
            Some(b'$') => {
                let end = self.path_end();
                check_path(&self.s[start..end], PathKind::Full).map_err(|e| {
                    perr(
                        start + e.at,
                        format!("path `{}` {}", &self.s[start..end], e.message),
                    )
                })?;
                self.i = end;
                Ok(Arg::Path)
            }
            Some(b'S') if self.s[self.i..].starts_with("States.") => {
                self.call()?;
                Ok(Arg::Call)
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                self.i += 1;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'.' || *c == b'e' || *c == b'E')
                {
                    self.i += 1;
                }
                self.s[start..self.i]
                    .parse::<f64>()
                    .map(|_| Arg::Number)
                    .map_err(|_| {
                        perr(
                            start,
                            format!("`{}` is not a number", &self.s[start..self.i]),
                        )
                    })
            }
            _ => {
                for word in ["true", "false", "null"] {
                    if self.s[self.i..].starts_with(word) {
                        self.i += word.len();
                        return Ok(Arg::Literal);
                    }
                }
                Err(perr(
                    start,
                    "has an argument that is not a string in single quotes, a number, a path or a call",
                ))
            }
        }
    }

    /// A path argument ends at `,` or `)` outside brackets and parentheses.
    fn path_end(&self) -> usize {
        let mut depth = 0i32;
        let mut i = self.i;
        let mut quote = None;
        while i < self.b.len() {
            let c = self.b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    b'\'' | b'"' if depth > 0 => quote = Some(c),
                    b'[' | b'(' => depth += 1,
                    b']' => depth -= 1,
                    b')' if depth > 0 => depth -= 1,
                    b',' | b')' | b' ' if depth == 0 => return i,
                    _ => {}
                },
            }
            i += 1;
        }
        i
    }
}

fn count_placeholders(template: &str) -> usize {
    template.matches("{}").count()
}

/// Where a value was found, for reporting.
#[derive(Debug)]
pub struct Located<'t> {
    pub pointer: String,
    pub node: &'t Node,
    pub state: usize,
}

/// `ErrorPath` and `CausePath` of JSONPath Fail states, which take a path or
/// an intrinsic function: (field, text, pointer).
pub fn fail_paths<'t>(m: &Machine<'t>) -> Vec<(&'static str, &'t str, String)> {
    let mut out = Vec::new();
    for s in m
        .states
        .iter()
        .filter(|s| s.ty == StateType::Fail && s.query_language == QueryLanguage::JsonPath)
    {
        for field in ["ErrorPath", "CausePath"] {
            if let Some(text) = s.get(field).and_then(Node::as_str) {
                out.push((field, text, pointer::push(&s.pointer, field)));
            }
        }
    }
    out
}

/// Path fields of JSONPath states with the kind of path each must be.
pub fn path_fields<'t>(m: &Machine<'t>) -> Vec<(Located<'t>, PathKind)> {
    const FULL: &[&str] = &["InputPath", "OutputPath", "ItemsPath"];
    const REFERENCE: &[&str] = &[
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "SecondsPath",
        "TimestampPath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    ];
    let mut out = Vec::new();
    for s in m
        .states
        .iter()
        .filter(|s| s.query_language == QueryLanguage::JsonPath)
    {
        let Some(obj) = s.node.as_object() else {
            continue;
        };
        for m in &obj.members {
            let key: &str = &m.key;
            let kind = if FULL.contains(&key) {
                PathKind::Full
            } else if REFERENCE.contains(&key) {
                PathKind::Reference
            } else if key == "ResultPath" {
                PathKind::ResultPath
            } else {
                continue;
            };
            if m.value.as_str().is_some() {
                out.push((
                    Located {
                        pointer: pointer::push(&s.pointer, key),
                        node: &m.value,
                        state: s.id,
                    },
                    kind,
                ));
            }
        }
        if let Some(catchers) = s.get("Catch").and_then(Node::as_array) {
            for (i, c) in catchers.iter().enumerate() {
                if let Some(rp) = c.get("ResultPath").filter(|n| n.as_str().is_some()) {
                    let ptr = pointer::push(
                        &pointer::push_index(&pointer::push(&s.pointer, "Catch"), i),
                        "ResultPath",
                    );
                    out.push((
                        Located {
                            pointer: ptr,
                            node: rp,
                            state: s.id,
                        },
                        PathKind::ResultPath,
                    ));
                }
            }
        }
        if s.ty == StateType::Choice
            && let Some(rules) = s.get("Choices")
        {
            collect_choice_paths(rules, &pointer::push(&s.pointer, "Choices"), s.id, &mut out);
        }
    }
    out
}

fn collect_choice_paths<'t>(
    node: &'t Node,
    ptr: &str,
    state: usize,
    out: &mut Vec<(Located<'t>, PathKind)>,
) {
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_choice_paths(item, &pointer::push_index(ptr, i), state, out);
            }
        }
        Value::Object(o) => {
            for m in &o.members {
                let key: &str = &m.key;
                let here = pointer::push(ptr, key);
                if (key == "Variable" || (key.ends_with("Path") && key != "Next"))
                    && m.value.as_str().is_some_and(|v| v.starts_with('$'))
                {
                    out.push((
                        Located {
                            pointer: here,
                            node: &m.value,
                            state,
                        },
                        PathKind::Reference,
                    ));
                } else if matches!(key, "And" | "Or" | "Not") {
                    collect_choice_paths(&m.value, &here, state, out);
                }
            }
        }
        _ => {}
    }
}

/// Payload templates of JSONPath states, where keys ending in `.$` hold
/// paths or intrinsic functions: Parameters, ResultSelector, ItemSelector,
/// Assign, ItemReader and ResultWriter Parameters, ItemBatcher BatchInput.
pub fn payload_templates<'t>(m: &Machine<'t>) -> Vec<Located<'t>> {
    let mut out = Vec::new();
    for s in m
        .states
        .iter()
        .filter(|s| s.query_language == QueryLanguage::JsonPath)
    {
        if s.node.as_object().is_none() {
            continue;
        }
        let mut push = |ptr: String, node: &'t Node| {
            out.push(Located {
                pointer: ptr,
                node,
                state: s.id,
            })
        };
        for field in [
            "Parameters",
            "ResultSelector",
            "ItemSelector",
            "Assign",
            "Credentials",
        ] {
            if let Some(node) = s.get(field) {
                push(pointer::push(&s.pointer, field), node);
            }
        }
        for (outer, inner) in [
            ("ItemReader", "Parameters"),
            ("ResultWriter", "Parameters"),
            ("ItemBatcher", "BatchInput"),
        ] {
            if let Some(node) = s.get(outer).and_then(|o| o.get(inner)) {
                push(
                    pointer::push(&pointer::push(&s.pointer, outer), inner),
                    node,
                );
            }
        }
        for (field, inner) in [("Catch", "Assign"), ("Choices", "Assign")] {
            if let Some(items) = s.get(field).and_then(Node::as_array) {
                for (i, item) in items.iter().enumerate() {
                    if let Some(node) = item.get(inner) {
                        push(
                            pointer::push(
                                &pointer::push_index(&pointer::push(&s.pointer, field), i),
                                inner,
                            ),
                            node,
                        );
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_paths() {
        for ok in [
            "$",
            "$$",
            "$.a.b",
            "$['a b'].c",
            "$.a[0]",
            "$.a[-1]",
            "$..x",
            "$.a[*]",
            "$.a[0:2]",
            "$.a[?(@.x > 1)]",
            "$.a[0,1]",
            "$.a.length()",
            "$$.Execution.Id",
            "$myVar.field",
            "$.détails.名前",
        ] {
            assert_eq!(check_path(ok, PathKind::Full), Ok(()), "{ok}");
        }
        for ok in ["$.[0].body", "$[(@.length-1)].bar", "$.a "] {
            assert_eq!(check_path(ok, PathKind::Full), Ok(()), "{ok}");
        }
        for bad in [
            ".guid", "..guid", "()", "$...", "$.", "$.a[", "$.a[]", " $.a", "$.a b", "$.a.(x)",
            "$.a[foo]",
        ] {
            assert!(check_path(bad, PathKind::Full).is_err(), "{bad}");
        }
    }

    #[test]
    fn reference_paths() {
        assert!(check_path("$.a['b'][3]", PathKind::Reference).is_ok());
        assert!(check_path("$.a[*]", PathKind::Reference).is_err());
        assert!(check_path("$..a", PathKind::Reference).is_err());
        assert!(check_path("$.a[0:1]", PathKind::Reference).is_err());
        assert!(check_path("$$.Execution.Input", PathKind::Reference).is_ok());
        assert!(check_path("$$.Execution.Input", PathKind::ResultPath).is_err());
        assert!(check_path("$result", PathKind::ResultPath).is_err());
        assert!(check_path("$.result", PathKind::ResultPath).is_ok());
    }

    #[test]
    fn intrinsics() {
        for ok in [
            "States.Format('Hello {}', $.name)",
            "States.Format('{} \\{literal\\}', $.a)",
            "States.Array('a', $.b, 3, true, null)",
            "States.JsonToString(States.StringToJson($.x))",
            "States.MathAdd($.n, -1)",
            "States.UUID()",
            "States.Hash($.x, 'SHA-256')",
            "States.ArrayGetItem($.a[0,1], 1)",
            "States.Format('it\\'s {}', $$.Execution.Name)",
            "States.JsonToString($)    ",
        ] {
            assert_eq!(check_intrinsic(ok), Ok(()), "{ok}");
        }
        for bad in [
            "States.Xyz($.result)",
            " States.Array('Foo')",
            "States.JsonToString($",
            "States.StringToJson $.escaped)",
            "States. ",
            "JsonToString($)",
            "States.MathAdd(1,'-1')",
            "States.UUID(1)",
            "States.Format('{} {}', $.a)",
            "States.Hash($.x, 'CRC32')",
            "States.Format('x') extra",
            " States.UUID()",
        ] {
            assert!(check_intrinsic(bad).is_err(), "{bad}");
        }
    }
}
