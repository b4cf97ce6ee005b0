//! The resource catalogue: which Task resources are expensive, which look
//! data up, which write it, which start something that bills until stopped,
//! and which caps a start call can set. The data lives in `resources.toml`,
//! compiled in and parsed once on first use.

pub mod aws_models;
pub mod iam;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::loader::tree::Node;
use crate::model::{Pattern, Resource, ResourceKind, State};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    expensive: Expensive,
    lookup: Lookup,
    write_sink: WriteSink,
    ingest: Ingest,
    billable: Vec<Billable>,
    cap: Vec<Cap>,
    #[serde(default)]
    reaper_refusal: Vec<ReaperRefusal>,
}

/// A kind people may ask a reaper for that gets none, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReaperRefusal {
    kind: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expensive {
    actions: Vec<String>,
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lookup {
    actions: Vec<String>,
    sql_actions: Vec<String>,
    http_read_methods: Vec<String>,
    lambda_name_words: Vec<String>,
    not_found_errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteSink {
    actions: Vec<String>,
    parameter_keys: Vec<String>,
    parameter_key_words: Vec<String>,
    parameter_key_nouns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ingest {
    calls: Vec<String>,
    name_words: Vec<String>,
    weak_name_words: Vec<String>,
    name_parameters: Vec<String>,
}

/// Something that bills until it is stopped.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Billable {
    pub name: String,
    pub start: Vec<String>,
    pub stop: Vec<String>,
    /// `C`: bills until stopped; `D`: bills until stopped but auto-stops by default.
    pub class: String,
    pub cost: String,
    /// Starts that often create infrastructure meant to outlive the execution.
    #[serde(default)]
    pub may_outlive: Vec<String>,
    /// The integration patterns of a start that count (`request-response`,
    /// `sync`, `sync:2`, `waitForTaskToken`); empty means all.
    #[serde(default)]
    pub start_patterns: Vec<String>,
    /// The resource is left running when the start Task itself fails (a
    /// callback that times out), not after it succeeds: the paths to check
    /// begin at the Task's failure handling.
    #[serde(default)]
    pub leaks_when_wait_fails: bool,
    /// How a cleanup Task stops one started in the same execution (the
    /// `--fix` for a leaking path).
    pub cleanup: Option<Cleanup>,
    /// The event-triggered safety net `--reaper` generates.
    pub reaper: Option<Reaper>,
}

/// The stop call for a resource started earlier in the same execution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cleanup {
    /// A key of `stop`.
    pub action: String,
    /// The stop call's parameter that names the resource.
    pub parameter: String,
    /// The parameter takes a list of ids.
    #[serde(default)]
    pub list: bool,
    /// A parameter of the start call that already names the resource
    /// (Glue's session `Id`), used when it is a literal.
    pub request_id: Option<String>,
    /// Per start key: where the id is in the start call's result (a
    /// JSONPath below the result, `Instances[*].InstanceId`).
    #[serde(default)]
    pub result_ids: std::collections::BTreeMap<String, String>,
}

/// What `--reaper KIND` needs: the start as CloudTrail records it, how to
/// tell whether the resource still runs, and how to stop it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaper {
    /// The kind's name on the command line (`glue-session`).
    pub kind: String,
    /// CloudTrail `eventSource` and the `eventName`s of the starts.
    pub event_source: String,
    pub event_names: Vec<String>,
    /// Where the resource's id is in the CloudTrail event, as JSONPath from
    /// the event (`$.detail.requestParameters.id`).
    pub event_id: String,
    /// The id path yields a list (EC2 instance sets).
    #[serde(default)]
    pub event_id_list: bool,
    /// The describe call (an `aws-sdk:` key), its id parameter, whether it
    /// takes a list, and where the state is in its result. A kind with
    /// `filters` describes through filters instead and has neither.
    pub describe: String,
    #[serde(default)]
    pub describe_parameter: String,
    #[serde(default)]
    pub describe_list: bool,
    #[serde(default)]
    pub state_path: String,
    /// Describe through filters (EC2): the call filters on the ids, the
    /// running states and the scope's tag, so it never fails on a resource
    /// that is gone and returns exactly the resources still to stop.
    pub filters: Option<ReaperFilters>,
    /// Where the resource's tags (`[{Key, Value}]`) are in the describe
    /// result, for `--reaper-scope tag=...` on a kind without filters.
    pub tags_path: Option<String>,
    /// Why the kind needs `--reaper-scope`: other services start such
    /// resources on their own, and an unscoped reaper would stop theirs.
    pub scope_required: Option<String>,
    /// States in which the resource still bills.
    pub running_states: Vec<String>,
    /// The stop call (an `aws-sdk:` key of `stop`) and its id parameter.
    pub stop: String,
    pub stop_parameter: String,
    #[serde(default)]
    pub stop_list: bool,
    /// IAM actions the reaper's role needs.
    pub iam_actions: Vec<String>,
    /// Errors that mean the resource is already gone or stopped.
    pub gone_errors: Vec<String>,
    /// When set, a gone error means "gone" only when its `Cause` names one
    /// of these codes (EC2 raises every error as one exception and tells
    /// them apart by the code in the cause); any other cause fails the run.
    #[serde(default)]
    pub gone_causes: Vec<String>,
    /// Errors that mean "slow down": retried with backoff.
    pub throttling_errors: Vec<String>,
}

/// How a reaper describes through filters (EC2 `DescribeInstances`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaperFilters {
    /// The filter names for the resource ids and for the state.
    pub id: String,
    pub state: String,
    /// The filter names for a tag key alone and for a key with a value
    /// (the key is appended: `tag:owner`).
    pub tag_key: String,
    pub tag_prefix: String,
    /// Where the matches are in the describe result: a list, always
    /// present, empty when nothing is left to stop. A path to the ids over
    /// the matches (`[*].Instances[*].InstanceId`) would fail the run with
    /// `States.Runtime` when nothing matches, so the ids are read (`ids`,
    /// within each match) only once a match is known to exist.
    pub found: String,
    pub ids: String,
}

impl Billable {
    pub fn auto_stops(&self) -> bool {
        self.class == "D"
    }
}

/// A service's own cap on a start call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    pub start: Vec<String>,
    /// Dotted path inside Parameters or Arguments.
    pub param: String,
    #[serde(default)]
    pub required: bool,
    pub max: Option<f64>,
    pub equals: Option<toml::Value>,
    pub unless_param: Option<String>,
    pub unless_equals: Option<toml::Value>,
    /// The rule option that sets the largest value accepted, in place of
    /// `max`; `start-without-native-cap` declares it with its default.
    pub option: Option<String>,
    pub unit: String,
    /// Why a missing or wrong value costs money.
    pub why: Option<String>,
    /// Words in the state's name or `Comment` that say the resource holds
    /// data someone wants back (a forensic copy): the finding stands, but
    /// no fix sets a value that would destroy that data.
    #[serde(default)]
    pub keeps_data_words: Vec<String>,
    /// The value `--fix --unsafe-fixes` writes where the parameter is
    /// missing (the service's cap at a value most jobs live with).
    pub fix_value: Option<toml::Value>,
}

pub struct Catalog {
    data: Data,
    billable_by_start: HashMap<String, usize>,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The compiled-in catalogue: `resources.toml`, which build.rs converts to
/// JSON because serde_json reads it far faster than a TOML parser.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        Catalog::parse(include_str!(concat!(env!("OUT_DIR"), "/resources.json")))
            .expect("resources.toml is valid")
    })
}

/// The catalogue key of a resource: `glue:startJobRun`, `aws-sdk:glue:createSession`,
/// `lambda:invoke` for a legacy Lambda ARN, `activity` for an activity.
/// Computed once when the resource is parsed.
pub fn key(resource: &Resource) -> Option<&str> {
    resource.key.as_deref()
}

fn state_key<'a>(state: &'a State<'_>) -> Option<&'a str> {
    state.resource.as_ref().and_then(key)
}

fn listed(list: &[String], key: &str) -> bool {
    list.iter().any(|k| k == key)
}

/// A glob with `*` for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.is_empty()
}

/// Calls `f` with each word of a name (split at spaces, punctuation and
/// camelCase humps) until it returns true; no allocation.
pub fn any_word<'a>(name: &'a str, mut f: impl FnMut(&'a str) -> bool) -> bool {
    let mut start: Option<usize> = None;
    let mut prev_lower = false;
    for (i, c) in name.char_indices() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take()
                && f(&name[s..i])
            {
                return true;
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase()
            && prev_lower
            && let Some(s) = start.replace(i)
            && f(&name[s..i])
        {
            return true;
        }
        if start.is_none() {
            start = Some(i);
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    start.is_some_and(|s| f(&name[s..]))
}

/// The words of a name, as slices of it.
pub fn word_slices(name: &str) -> impl Iterator<Item = &str> {
    let mut words = Vec::new();
    any_word(name, |w| {
        words.push(w);
        false
    });
    words.into_iter()
}

/// The words of a name, lowercased.
pub fn words(name: &str) -> Vec<String> {
    word_slices(name).map(str::to_lowercase).collect()
}

/// Whether a word of any name starts with one of the (lowercase ASCII) stems.
fn has_word_starting_with(names: &[&str], stems: &[String]) -> bool {
    names.iter().any(|n| {
        any_word(n, |w| {
            stems.iter().any(|s| {
                w.len() >= s.len() && w.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())
            })
        })
    })
}

/// Parameters (JSONPath) or Arguments (JSONata) of a state.
pub fn parameters<'t>(state: &State<'t>) -> Option<&'t Node> {
    state.get("Parameters").or_else(|| state.get("Arguments"))
}

/// The Lambda function name a state calls, when it says.
fn function_name<'a>(state: &'a State<'_>) -> Option<&'a str> {
    match &state.resource.as_ref()?.kind {
        ResourceKind::LambdaFunction { function } => Some(function.as_str()),
        _ => parameters(state)
            .and_then(|p| p.get("FunctionName"))
            .and_then(Node::as_str),
    }
}

impl Catalog {
    fn parse(json: &str) -> Result<Catalog, serde_json::Error> {
        let data: Data = serde_json::from_str(json)?;
        let mut billable_by_start = HashMap::new();
        for (i, b) in data.billable.iter().enumerate() {
            for s in &b.start {
                billable_by_start.insert(s.clone(), i);
            }
        }
        Ok(Catalog {
            data,
            billable_by_start,
        })
    }

    /// What `state` starts that bills until stopped, if anything.
    pub fn billable_started_by(&self, state: &State<'_>) -> Option<&Billable> {
        let resource = state.resource.as_ref()?;
        let k = key(resource)?;
        let b = self
            .billable_by_start
            .get(k)
            .map(|&i| &self.data.billable[i])?;
        let pattern = match resource.pattern() {
            Some(crate::model::Pattern::Sync) => "sync",
            Some(crate::model::Pattern::Sync2) => "sync:2",
            Some(crate::model::Pattern::WaitForTaskToken) => "waitForTaskToken",
            _ => "request-response",
        };
        (b.start_patterns.is_empty() || b.start_patterns.iter().any(|p| p == pattern)).then_some(b)
    }

    /// Why `kind` gets no reaper, when the catalogue says.
    pub fn reaper_refusal(&self, kind: &str) -> Option<&str> {
        self.data
            .reaper_refusal
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.reason.as_str())
    }

    /// Every resource the catalogue knows.
    pub fn billables(&self) -> &[Billable] {
        &self.data.billable
    }

    /// Whether `state` stops what `billable` starts.
    pub fn stops(&self, billable: &Billable, state: &State<'_>) -> bool {
        state_key(state).is_some_and(|k| listed(&billable.stop, k))
    }

    /// Whether `state` stops anything the catalogue lists.
    pub fn is_stop(&self, state: &State<'_>) -> bool {
        self.billable().iter().any(|b| self.stops(b, state))
    }

    pub fn caps_for(&self, state: &State<'_>) -> Vec<&Cap> {
        let Some(k) = state.resource.as_ref().and_then(key) else {
            return Vec::new();
        };
        self.data
            .cap
            .iter()
            .filter(|c| listed(&c.start, k))
            .collect()
    }

    /// A call that costs compute, API quota or per-request money.
    pub fn is_expensive(&self, state: &State<'_>) -> bool {
        let Some(resource) = &state.resource else {
            return false;
        };
        if matches!(resource.pattern(), Some(Pattern::Sync | Pattern::Sync2)) {
            return true;
        }
        let Some(k) = key(resource) else { return false };
        listed(&self.data.expensive.actions, k)
            || self.data.expensive.patterns.iter().any(|p| glob(p, k))
    }

    /// A cheap existence or state read.
    pub fn is_lookup(&self, state: &State<'_>) -> bool {
        self.is_lookup_with(state, None)
    }

    /// `is_lookup`, with the words that make a Lambda a check replaced.
    pub fn is_lookup_with(&self, state: &State<'_>, lambda_words: Option<&[String]>) -> bool {
        let Some(k) = state_key(state) else {
            return false;
        };
        let params = parameters(state);
        if listed(&self.data.lookup.actions, k) {
            return true;
        }
        if listed(&self.data.lookup.sql_actions, k) {
            return sql_verb(params).is_some_and(|v| v == "select");
        }
        if k == "http:invoke" {
            let method = params
                .and_then(|p| p.get("Method"))
                .and_then(Node::as_str)
                .unwrap_or("");
            return self
                .data
                .lookup
                .http_read_methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method));
        }
        if k == "lambda:invoke" || k == "aws-sdk:lambda:invoke" {
            let names: Vec<&str> = [Some(state.name), function_name(state)]
                .into_iter()
                .flatten()
                .collect();
            return has_word_starting_with(
                &names,
                lambda_words.unwrap_or(&self.data.lookup.lambda_name_words),
            );
        }
        false
    }

    /// Errors that a catch-on-not-found guard may list.
    pub fn is_not_found_error(&self, error: &str) -> bool {
        self.data.lookup.not_found_errors.iter().any(|e| e == error)
    }

    /// A task that writes data somewhere (S3, a database).
    pub fn is_write_sink(&self, state: &State<'_>) -> bool {
        let Some(k) = state_key(state) else {
            return false;
        };
        if listed(&self.data.write_sink.actions, k) {
            return true;
        }
        listed(&self.data.lookup.sql_actions, k)
            && sql_verb(parameters(state))
                .is_some_and(|v| ["insert", "update", "merge"].contains(&v.as_str()))
    }

    /// The first Parameters/Arguments key that names an output location.
    pub fn output_parameter<'t>(&self, state: &State<'t>) -> Option<&'t str> {
        let params = parameters(state)?;
        let sink = &self.data.write_sink;
        let mut stack = vec![params];
        while let Some(node) = stack.pop() {
            match &node.value {
                crate::loader::tree::Value::Object(o) => {
                    for m in &o.members {
                        let key = m.key.strip_suffix(".$").unwrap_or(&m.key);
                        let exact = sink
                            .parameter_keys
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(key));
                        let w = words(key);
                        let shaped = w.len() >= 2
                            && sink.parameter_key_words.contains(&w[0])
                            && sink.parameter_key_nouns.iter().any(|n| w[1..].contains(n));
                        if exact || shaped {
                            return Some(&m.key);
                        }
                        stack.push(&m.value);
                    }
                }
                crate::loader::tree::Value::Array(items) => stack.extend(items.iter()),
                // Glue job arguments are strings like `--output-path`.
                crate::loader::tree::Value::String(_) => {}
                _ => {}
            }
        }
        None
    }

    /// Whether the call can fetch data from a source (a Lambda, an HTTP or
    /// API Gateway call, a data job).
    pub fn is_ingest_call(&self, state: &State<'_>) -> bool {
        state_key(state).is_some_and(|k| listed(&self.data.ingest.calls, k))
    }

    /// The state's own name and the function or job it calls.
    fn called_names<'a>(&self, state: &'a State<'_>) -> Vec<&'a str> {
        let mut names = vec![state.name];
        if let Some(ResourceKind::LambdaFunction { function }) =
            state.resource.as_ref().map(|r| &r.kind)
        {
            names.push(function);
        }
        if let Some(params) = parameters(state) {
            for p in &self.data.ingest.name_parameters {
                if let Some(n) = params.get(p).and_then(Node::as_str) {
                    names.push(n);
                }
            }
        }
        names
    }

    /// A name word that says "fetch" (`FetchPrices`, `ingest-raw`).
    pub fn has_fetch_name(&self, state: &State<'_>) -> bool {
        has_word_starting_with(&self.called_names(state), &self.data.ingest.name_words)
    }

    /// A weaker name word (`GetData`, `Call out to GitHub`).
    pub fn has_weak_fetch_name(&self, state: &State<'_>) -> bool {
        has_word_starting_with(&self.called_names(state), &self.data.ingest.weak_name_words)
    }

    pub fn billable(&self) -> &[Billable] {
        &self.data.billable
    }

    pub fn caps(&self) -> &[Cap] {
        &self.data.cap
    }
}

fn sql_verb(params: Option<&Node>) -> Option<String> {
    let sql = params?.get("Sql")?.as_str()?;
    Some(sql.split_whitespace().next()?.to_ascii_lowercase())
}

/// Looks up a dotted path case-insensitively. Returns the actual keys along
/// the way and the node; a last key ending in `.$` (set from a path) is
/// returned as written.
pub fn param_path<'t>(params: &'t Node, path: &str) -> Option<(Vec<&'t str>, &'t Node)> {
    let mut node = params;
    let mut keys = Vec::new();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let object = node.as_object()?;
        let last = i + 1 == segments.len();
        let member = object.members.iter().rev().find(|m| {
            m.key.eq_ignore_ascii_case(segment)
                || (last
                    && m.key
                        .strip_suffix(".$")
                        .is_some_and(|k| k.eq_ignore_ascii_case(segment)))
        })?;
        keys.push(&*member.key);
        node = &member.value;
    }
    Some((keys, node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_is_consistent() {
        let c = catalog();
        let mut starts = HashSet::new();
        for b in c.billable() {
            assert!(
                !b.stop.is_empty(),
                "{}: every start needs a stop action",
                b.name
            );
            assert!(["C", "D"].contains(&b.class.as_str()), "{}: class", b.name);
            for s in &b.start {
                assert!(starts.insert(s.clone()), "{s} is listed as a start twice");
                assert!(!b.stop.contains(s), "{s} both starts and stops");
            }
            for action in b.start.iter().chain(&b.stop) {
                let service_action = action.strip_prefix("aws-sdk:").unwrap_or(action);
                let (service, name) = service_action.split_once(':').expect("service:action");
                assert!(!service.is_empty() && !name.is_empty(), "{action}");
                assert!(
                    name.chars().next().unwrap().is_lowercase(),
                    "{action}: actions are camelCase"
                );
                assert!(
                    !name.contains('.'),
                    "{action}: no integration suffix in the table"
                );
            }
        }
        for cap in c.caps() {
            assert!(
                cap.start.iter().all(|s| !s.contains('.')),
                "cap starts have no suffix: {:?}",
                cap.start
            );
            assert!(
                cap.required || cap.max.is_some() || cap.option.is_some() || cap.equals.is_some(),
                "{}: a cap needs a condition",
                cap.param
            );
        }
    }

    #[test]
    fn globs_and_words() {
        assert!(glob("aws-sdk:*:start*", "aws-sdk:glue:startCrawler"));
        assert!(glob(
            "aws-sdk:*:create*Job",
            "aws-sdk:sagemaker:createTrainingJob"
        ));
        assert!(!glob(
            "aws-sdk:*:create*Job",
            "aws-sdk:sagemaker:createEndpoint"
        ));
        assert!(!glob("aws-sdk:*:start*", "glue:startJobRun"));
        assert_eq!(words("FetchPrices"), ["fetch", "prices"]);
        assert_eq!(
            words("check-if_exists now"),
            ["check", "if", "exists", "now"]
        );
        assert_eq!(words("outputBucket"), ["output", "bucket"]);
        assert_eq!(words("S3OutputPath"), ["s3", "output", "path"]);
    }
}
