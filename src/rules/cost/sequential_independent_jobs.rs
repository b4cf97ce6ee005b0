//! Two long-running jobs in a row where the second uses nothing of the
//! first: a Parallel would run them at once.
//!
//! The payload alone is weak evidence. Data pipelines (Extract -> Transform
//! -> Load, EMR steps) pass data through S3 or tables, not through the state
//! input, so by default both jobs must also name where their data lives,
//! and the two must name different places.

use crate::catalog::{catalog, parameters};
use crate::diagnostic::{Diagnostic, Severity, Target};
use crate::loader::tree::{Node, Value};
use crate::model::{QueryLanguage, State, StateId, StateType, dataflow};
use crate::rule_options::FlagOption;
use crate::rules::job_chain_missing_catch::{LONG_RUNNING, is_member, long_running_kinds};
use crate::rules::{Context, Group, Rule};

/// Report only when both jobs name their data (S3 locations, tables) and the
/// two share none; false also reports jobs that name nothing.
const REQUIRE_NAMED_DATA: FlagOption = FlagOption::new("require-named-data", true);

pub static RULE: Rule = Rule {
    name: "sequential-independent-jobs",
    severity: Severity::Info,
    group: Group::Cost,
    summary: "two long-running jobs run one after the other although the second uses nothing of the first",
    doc: include_str!("../../../rules/sequential-independent-jobs.md"),
    default_enabled: true,
    check: Some(check),
    options: &[LONG_RUNNING.declared(), REQUIRE_NAMED_DATA.declared()],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = cx.machine;
    let cat = catalog();
    let kinds = long_running_kinds(cx, &RULE);
    let require_named = cx.flag(&RULE, &REQUIRE_NAMED_DATA);
    let is_job = |s: &State<'_>| is_member(s, &kinds) && !cat.is_lookup(s) && !cat.is_stop(s);
    for first in m.states.iter().filter(|s| is_job(s)) {
        if ordered_on_purpose(cx, first) {
            continue;
        }
        let Some(second) = next_job(cx, first) else {
            continue;
        };
        let second = &m.states[second];
        if !is_job(second) || reads_result_of(second, first) || same_cluster(first, second) {
            continue;
        }
        let (a, b) = (data_of(first), data_of(second));
        if a.unknown || b.unknown || a.overlaps(&b) {
            continue;
        }
        let evidence = match (a.places.is_empty(), b.places.is_empty()) {
            (false, false) => "and the two name different data".to_string(),
            (true, true) => "and neither names its data".to_string(),
            (true, false) => format!("and `{}` names no data", first.name),
            (false, true) => format!("and `{}` names no data", second.name),
        };
        let named = !a.places.is_empty() && !b.places.is_empty();
        if require_named && !named {
            continue;
        }
        out.push(diagnose(first, second, &evidence));
    }
}

/// The next state after `first` along its `Next`, through Wait states, if
/// that state has no other way in: only then can the two become the
/// branches of one Parallel without changing any other path.
fn next_job(cx: &Context<'_, '_>, first: &State<'_>) -> Option<StateId> {
    let only_way_in = |id: StateId| cx.graph.ways_in(id) == 1;
    let next_of = |id: StateId| cx.graph.next_state(id);
    let mut at = next_of(first.id)?;
    // A Wait passes the data on untouched; a bounded walk ends any Wait loop.
    for _ in 0..16 {
        if !only_way_in(at) {
            return None;
        }
        if cx.machine.states[at].ty != StateType::Wait {
            return Some(at);
        }
        at = next_of(at)?;
    }
    None
}

/// Jobs inside a Map that runs one item at a time were put in order on
/// purpose.
fn ordered_on_purpose(cx: &Context<'_, '_>, state: &State<'_>) -> bool {
    let Some(map) = cx
        .graph
        .parent_of(state.scope)
        .map(|p| &cx.machine.states[p])
    else {
        return false;
    };
    map.ty == StateType::Map
        && map
            .get("MaxConcurrency")
            .and_then(Node::as_number)
            .is_some_and(|n| n.as_f64() == 1.0)
}

/// Whether `second` reads anything `first` produced through the state data:
/// its result, the variables it assigns, or the whole input that carries
/// them.
fn reads_result_of(second: &State<'_>, first: &State<'_>) -> bool {
    let roots = dataflow::result_roots(first);
    let fields: &[&str] = match second.query_language {
        QueryLanguage::JsonPath => &["Parameters", "InputPath"],
        QueryLanguage::Jsonata => &["Arguments"],
    };
    fields.iter().any(|&f| {
        second.get(f).is_some_and(|node| {
            dataflow::any_string(node, &|text| {
                dataflow::reads_whole_input(text)
                    || roots
                        .iter()
                        .any(|r| dataflow::refers_to(text, r) || within(r, text))
            })
        })
    })
}

/// `text` is a path that holds `root`: `$.job` holds `$.job.result`.
fn within(root: &str, text: &str) -> bool {
    let text = text.trim();
    text.starts_with("$.")
        && root.len() > text.len()
        && root.starts_with(text)
        && matches!(root.as_bytes()[text.len()], b'.' | b'[')
}

/// EMR steps on one cluster run one at a time by default: a Parallel would
/// only queue them.
fn same_cluster(first: &State<'_>, second: &State<'_>) -> bool {
    let cluster = |s: &State<'_>| {
        let params = parameters(s)?.as_object()?;
        params
            .members
            .iter()
            .find(|m| {
                m.key
                    .strip_suffix(".$")
                    .unwrap_or(&m.key)
                    .ends_with("ClusterId")
            })
            .map(|m| scalar_text(&m.value))
    };
    matches!((cluster(first), cluster(second)), (Some(a), Some(b)) if a == b)
}

fn scalar_text(node: &Node) -> String {
    match &node.value {
        Value::String(s) | Value::Opaque(s) => s.to_string(),
        Value::Number(n) => n.as_f64().to_string(),
        _ => String::new(),
    }
}

/// A place a job reads or writes, as its parameters name it.
#[derive(Debug, PartialEq)]
enum Place {
    /// `s3://bucket/prefix`: the bucket and the key prefix (maybe empty).
    S3 { bucket: String, key: String },
    /// A table or database name, lower-cased.
    Table(String),
}

impl Place {
    fn overlaps(&self, other: &Place) -> bool {
        match (self, other) {
            (
                Place::S3 {
                    bucket: b1,
                    key: k1,
                },
                Place::S3 {
                    bucket: b2,
                    key: k2,
                },
            ) => {
                // A template placeholder (`${DataBucket}`) may name any bucket.
                let same_bucket = b1 == b2 || b1.contains("${") || b2.contains("${");
                same_bucket && (k1.starts_with(k2.as_str()) || k2.starts_with(k1.as_str()))
            }
            (Place::Table(a), Place::Table(b)) => a == b,
            _ => false,
        }
    }
}

#[derive(Default)]
struct Data {
    places: Vec<Place>,
    /// A data-like parameter is set at run time (`.$`, JSONata) or is SQL
    /// text: where the job reads or writes cannot be told.
    unknown: bool,
}

impl Data {
    fn overlaps(&self, other: &Data) -> bool {
        self.places
            .iter()
            .any(|p| other.places.iter().any(|q| p.overlaps(q)))
    }
}

/// Words in a parameter name that say it holds a data location.
const DATA_WORDS: &[&str] = &[
    "path",
    "paths",
    "bucket",
    "s3",
    "location",
    "uri",
    "url",
    "input",
    "output",
    "source",
    "src",
    "target",
    "dest",
    "destination",
    "prefix",
    "key",
    "table",
    "database",
    "db",
    "file",
    "folder",
    "dir",
    "dataset",
];

/// Parameters that hold SQL, whose tables asl-lint does not parse.
const SQL_KEYS: &[&str] = &["QueryString", "Sql", "Sqls", "Statement", "Query"];

fn is_data_name(name: &str) -> bool {
    crate::catalog::words(name)
        .iter()
        .any(|w| DATA_WORDS.contains(&w.as_str()))
}

fn is_table_name(name: &str) -> bool {
    crate::catalog::words(name)
        .iter()
        .any(|w| matches!(w.as_str(), "table" | "database" | "db"))
}

fn is_dynamic(state: &State<'_>, key: &str, value: &Node) -> bool {
    key.ends_with(".$")
        || matches!(value.value, Value::Opaque(_))
        || state.query_language == QueryLanguage::Jsonata
            && value.as_str().is_some_and(|s| s.contains("{%"))
}

/// The places a job's parameters name, walking every member. A `Name` /
/// `Value` pair (container environment variables, Glue arguments as a list)
/// is read as one parameter named by `Name`.
fn data_of(state: &State<'_>) -> Data {
    let mut data = Data::default();
    let Some(params) = parameters(state) else {
        return data;
    };
    // (parameter name, value)
    let mut stack: Vec<(&str, &Node)> = vec![("", params)];
    while let Some((name, node)) = stack.pop() {
        match &node.value {
            Value::Object(o) => {
                let pair_name = o.get("Name").and_then(Node::as_str);
                for m in &o.members {
                    let key: &str = &m.key;
                    let plain = key.strip_suffix(".$").unwrap_or(key);
                    let name = match (pair_name, plain) {
                        (Some(n), "Value") => n,
                        _ => plain,
                    };
                    if SQL_KEYS.contains(&plain) || is_dynamic(state, key, &m.value) {
                        data.unknown |= SQL_KEYS.contains(&plain) || is_data_name(name);
                        continue;
                    }
                    stack.push((name, &m.value));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|item| (name, item))),
            Value::String(s) => {
                if let Some(place) = s3_place(s) {
                    data.places.push(place);
                } else if is_table_name(name) && !s.is_empty() {
                    data.places.push(Place::Table(s.to_ascii_lowercase()));
                } else if name.eq_ignore_ascii_case("Bucket") || name.ends_with("BucketName") {
                    data.places.push(Place::S3 {
                        bucket: s.to_string(),
                        key: String::new(),
                    });
                }
            }
            _ => {}
        }
    }
    data
}

/// `s3://bucket/key`, `s3a://...` and S3 ARNs.
fn s3_place(text: &str) -> Option<Place> {
    let rest = ["s3://", "s3a://", "s3n://", "arn:aws:s3:::"]
        .iter()
        .find_map(|p| text.strip_prefix(p))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then(|| Place::S3 {
        bucket: bucket.to_string(),
        key: key.to_string(),
    })
}

fn diagnose(first: &State<'_>, second: &State<'_>, evidence: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        second.pointer.clone(),
        format!(
            "job `{}` waits for job `{}` but uses nothing it produced: it does not read `{}`'s result, {evidence}",
            second.name, first.name, first.name
        ),
    )
    .on_key()
    .label(format!("starts only after `{}` ends", first.name))
    .related(first.pointer.clone(), Target::Key, "runs first")
    .help(format!(
        "run `{}` and `{}` as two branches of a Parallel, each with its own Catch, and a Catch on \
         the Parallel: the execution takes as long as the longer job instead of both, and one \
         failing no longer stops the other. If `{}` needs data `{}` writes where asl-lint cannot \
         see it, keep the order and suppress this finding with the reason",
        first.name, second.name, second.name, first.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_places_overlap_by_prefix() {
        let a = s3_place("s3://lake/raw/orders/").unwrap();
        let b = s3_place("s3://lake/raw/").unwrap();
        let c = s3_place("s3://lake/curated/orders/").unwrap();
        let d = s3_place("arn:aws:s3:::lake").unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c));
        assert!(d.overlaps(&c));
        assert_eq!(s3_place("s3://"), None);
        let templated = s3_place("s3://${RawBucket}/orders/").unwrap();
        assert!(templated.overlaps(&s3_place("s3://lake/orders/daily/").unwrap()));
        assert!(!templated.overlaps(&s3_place("s3://lake/clicks/").unwrap()));
    }

    #[test]
    fn a_parent_path_holds_the_result() {
        assert!(within("$.jobs.first", "$.jobs"));
        assert!(!within("$.jobsDone", "$.jobs"));
        assert!(!within("$.a", "$.a"));
    }
}
