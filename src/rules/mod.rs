//! The rule registry. One rule per file, in a folder per group (`cost/`,
//! `input/`, `permissions/`, `structural/`, `suppression/`), re-exported here so a rule's
//! path is `rules::<name>` whatever its group; registering a rule is one
//! line in its folder's `mod.rs`, one in the re-exports and one in [`RULES`]. Each rule's doc is `rules/<name>.md`, compiled in, so a missing
//! doc is a build error and `--explain` needs no files at run time.

pub mod cost;
pub mod input;
pub mod permissions;
pub mod structural;
pub mod suppression;

pub use cost::{
    callback_without_heartbeat, catch_swallows_failure, distributed_map_cost_shape,
    express_incompatible, job_chain_missing_catch, lambda_as_sdk_proxy, large_payload_risk,
    long_task_without_timeout, map_unbounded_concurrency, parallel_catch_only_at_top,
    redundant_transitions, retry_duplicates_billable_start, retry_storm,
    sequential_independent_jobs, standard_for_short_high_volume, start_without_native_cap,
    unbounded_billable_resource, unbounded_polling_loop, unguarded_expensive_ingest,
};
pub use input::{
    byte_order_mark, definition_too_large, duplicate_key, file_too_large, internal_error,
    invalid_json, invalid_yaml, io_error, missing_definition_file, unlintable_definition,
    yaml_implicit_type,
};
pub use permissions::role_missing_permission;
pub use structural::{
    choice_without_default, conflicting_fields, duplicate_parameter_key, duplicate_state_name,
    empty_error_equals, field_not_allowed, heartbeat_not_below_timeout, invalid_choice_rule,
    invalid_intrinsic, invalid_jsonata, invalid_parameter_value, invalid_path,
    invalid_resource_arn, invalid_state_name, invalid_value, missing_input_field,
    missing_required_field, missing_required_parameter, no_terminal_state,
    path_without_dollar_suffix, query_language_mismatch, retry_catch_order,
    transition_out_of_scope, trap_cycle, undefined_substitution, undefined_variable,
    unknown_error_name, unknown_field, unknown_parameter, unknown_result_field, unknown_sdk_action,
    unknown_states_error, unknown_transition_target, unreachable_state,
};
pub use suppression::{unknown_rule, unused_suppression};

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::MachineGraph;
use crate::model::WorkflowType;
use crate::model::{Machine, expr, schema};
use crate::rule_options::{
    FlagOption, ListOption, NumberOption, OptionValue, RuleOption, TextOption,
};

/// What a rule sees: one definition, modelled and graphed once for all rules.
pub struct Context<'a, 't> {
    pub machine: &'a Machine<'t>,
    pub graph: &'a MachineGraph,
    /// Objects with a fixed field set, computed on first use.
    objects: std::cell::OnceCell<Vec<schema::Checked<'t>>>,
    /// Payload templates with their members, computed on first use.
    templates: std::cell::OnceCell<Vec<Template<'t>>>,
    /// What reaches each state, computed on first use.
    dataflow: std::cell::OnceCell<crate::dataflow::DataFlow<'a, 't>>,
    /// Options from the configuration, by rule name.
    options: Option<
        &'a std::collections::BTreeMap<
            &'static str,
            std::collections::BTreeMap<String, OptionValue>,
        >,
    >,
    /// STANDARD or EXPRESS, when known.
    pub workflow_type: Option<WorkflowType>,
    /// What the deploy fills in, for a definition in or linked from a
    /// template; `None` for a standalone file.
    pub placeholders: Option<&'a crate::loader::template::PlaceholderNames>,
    /// What the execution role allows, for a definition in or linked from a
    /// CloudFormation or SAM template; `None` when nothing says.
    pub role: Option<&'a crate::loader::template::RoleAccess>,
}

/// A payload template (Parameters, ResultSelector, ...). Walk it with
/// [`crate::loader::tree::walk`]; pointers are built only for findings.
pub struct Template<'t> {
    pub at: expr::Located<'t>,
}

impl<'a, 't> Context<'a, 't> {
    pub fn new(machine: &'a Machine<'t>, graph: &'a MachineGraph) -> Self {
        Context {
            machine,
            graph,
            objects: std::cell::OnceCell::new(),
            templates: std::cell::OnceCell::new(),
            dataflow: std::cell::OnceCell::new(),
            options: None,
            workflow_type: None,
            placeholders: None,
            role: None,
        }
    }

    /// Adds the configured rule options and workflow type.
    pub fn with_settings(
        mut self,
        options: &'a std::collections::BTreeMap<
            &'static str,
            std::collections::BTreeMap<String, OptionValue>,
        >,
        workflow_type: Option<WorkflowType>,
    ) -> Self {
        self.options = Some(options);
        self.workflow_type = workflow_type;
        self
    }

    /// A rule's option, if the configuration sets it.
    fn option(&self, rule: &Rule, name: &str) -> Option<&'a OptionValue> {
        // An option read under a name the rule does not declare would always
        // be its default, whatever the user configures (config rejects
        // undeclared names): every test run that reaches the read fails.
        debug_assert!(
            rule.options.iter().any(|o| o.name == name),
            "rule `{}` reads option `{name}`, which it does not declare",
            rule.name
        );
        self.options?.get(rule.name)?.get(name)
    }

    /// A number option's value: the configured one, or its default.
    pub fn number(&self, rule: &Rule, option: &NumberOption) -> f64 {
        match self.option(rule, option.name()) {
            Some(OptionValue::Number(n)) => *n,
            _ => option.default(),
        }
    }

    /// A true-or-false option's value: the configured one, or its default.
    pub fn flag(&self, rule: &Rule, option: &FlagOption) -> bool {
        match self.option(rule, option.name()) {
            Some(OptionValue::Bool(b)) => *b,
            _ => option.default(),
        }
    }

    /// A text option's configured value; `None` means the rule's default.
    pub fn text(&self, rule: &Rule, option: &TextOption) -> Option<&'a str> {
        match self.option(rule, option.name()) {
            Some(OptionValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A list option's configured value; `None` means the rule's default.
    pub fn list(&self, rule: &Rule, option: &ListOption) -> Option<&'a [String]> {
        match self.option(rule, option.name()) {
            Some(OptionValue::List(items)) => Some(items),
            _ => None,
        }
    }

    /// Every object whose fields the schema fixes (states, Retry and Catch
    /// entries, scopes, Distributed Map settings).
    pub fn objects(&self) -> &[schema::Checked<'t>] {
        self.objects.get_or_init(|| schema::objects(self.machine))
    }

    /// The shapes of what reaches each state (see `crate::dataflow`).
    pub fn dataflow(&self) -> &crate::dataflow::DataFlow<'a, 't> {
        self.dataflow
            .get_or_init(|| crate::dataflow::DataFlow::compute(self.machine, self.graph))
    }

    /// Payload templates of JSONPath states and their members.
    pub fn templates(&self) -> &[Template<'t>] {
        self.templates.get_or_init(|| {
            expr::payload_templates(self.machine)
                .into_iter()
                .map(|at| Template { at })
                .collect()
        })
    }
}

/// Rules that look at a definition implement this; rules about the file
/// itself (parse errors, I/O) are reported by the loader and engine.
pub type Check = fn(&Context<'_, '_>, &mut Vec<Diagnostic>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Reading and parsing the file.
    Input,
    /// Whether Step Functions accepts the definition.
    Structural,
    /// Valid, but wastes money.
    Cost,
    /// What the execution role must allow for the definition to run.
    Permissions,
    /// About `asl-lint-disable` directives themselves.
    Suppression,
}

pub struct Rule {
    /// The stable kebab-case name: the only ID users write.
    pub name: &'static str,
    /// The highest severity it emits.
    pub severity: Severity,
    pub group: Group,
    /// One line, no trailing period.
    pub summary: &'static str,
    /// `rules/<name>.md`.
    pub doc: &'static str,
    pub default_enabled: bool,
    pub check: Option<Check>,
    /// Options users can set in `[rules.<name>]`.
    pub options: &'static [RuleOption],
}

impl crate::diagnostic::RuleId for Rule {
    fn name(&self) -> &'static str {
        self.name
    }

    fn default_severity(&self) -> Severity {
        self.severity
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Every rule, in name order.
pub static RULES: &[&Rule] = &[
    &byte_order_mark::RULE,
    &callback_without_heartbeat::RULE,
    &catch_swallows_failure::RULE,
    &choice_without_default::RULE,
    &conflicting_fields::RULE,
    &definition_too_large::RULE,
    &distributed_map_cost_shape::RULE,
    &duplicate_key::RULE,
    &duplicate_parameter_key::RULE,
    &duplicate_state_name::RULE,
    &empty_error_equals::RULE,
    &express_incompatible::RULE,
    &field_not_allowed::RULE,
    &file_too_large::RULE,
    &heartbeat_not_below_timeout::RULE,
    &internal_error::RULE,
    &invalid_choice_rule::RULE,
    &invalid_intrinsic::RULE,
    &invalid_json::RULE,
    &invalid_jsonata::RULE,
    &invalid_parameter_value::RULE,
    &invalid_path::RULE,
    &invalid_resource_arn::RULE,
    &invalid_state_name::RULE,
    &invalid_value::RULE,
    &invalid_yaml::RULE,
    &io_error::RULE,
    &job_chain_missing_catch::RULE,
    &lambda_as_sdk_proxy::RULE,
    &large_payload_risk::RULE,
    &long_task_without_timeout::RULE,
    &map_unbounded_concurrency::RULE,
    &missing_definition_file::RULE,
    &missing_input_field::RULE,
    &missing_required_field::RULE,
    &missing_required_parameter::RULE,
    &no_terminal_state::RULE,
    &parallel_catch_only_at_top::RULE,
    &path_without_dollar_suffix::RULE,
    &query_language_mismatch::RULE,
    &redundant_transitions::RULE,
    &retry_catch_order::RULE,
    &retry_duplicates_billable_start::RULE,
    &retry_storm::RULE,
    &role_missing_permission::RULE,
    &sequential_independent_jobs::RULE,
    &standard_for_short_high_volume::RULE,
    &start_without_native_cap::RULE,
    &transition_out_of_scope::RULE,
    &trap_cycle::RULE,
    &unbounded_billable_resource::RULE,
    &unbounded_polling_loop::RULE,
    &undefined_substitution::RULE,
    &undefined_variable::RULE,
    &unguarded_expensive_ingest::RULE,
    &unknown_error_name::RULE,
    &unknown_field::RULE,
    &unknown_parameter::RULE,
    &unknown_result_field::RULE,
    &unknown_rule::RULE,
    &unknown_sdk_action::RULE,
    &unknown_states_error::RULE,
    &unknown_transition_target::RULE,
    &unlintable_definition::RULE,
    &unreachable_state::RULE,
    &unused_suppression::RULE,
    &yaml_implicit_type::RULE,
];

/// Pairs of rules that say the same thing of one state, the more useful
/// first. When both report the same state, the second becomes a note in the
/// first's help: a job with no native cap and no `TimeoutSeconds` is one
/// problem (its runtime is unbounded), and the native cap is the fix that
/// also stops the billing. (`retry-storm` and `retry-duplicates-billable-start`
/// are not a pair: too many attempts and a non-idempotent start have
/// different fixes.)
pub const OVERLAPS: &[(&str, &str)] = &[("start-without-native-cap", "long-task-without-timeout")];

/// Folds each finding that [`OVERLAPS`] says repeats another finding on the
/// same state (and is no more severe) into that one, as a note.
pub fn fold_overlaps(diagnostics: &mut Vec<Diagnostic>) {
    let at = |d: &Diagnostic, rule: &str| d.rule == rule && d.state.is_some();
    let mut folded = vec![false; diagnostics.len()];
    for &(first, second) in OVERLAPS {
        let firsts: std::collections::HashMap<&str, usize> = diagnostics
            .iter()
            .enumerate()
            .filter(|(_, d)| at(d, first))
            .map(|(i, d)| (d.state.as_deref().unwrap_or_default(), i))
            .collect();
        let mut notes: Vec<(usize, usize)> = Vec::new();
        for (j, d) in diagnostics.iter().enumerate() {
            if folded[j] || !at(d, second) {
                continue;
            }
            if let Some(&i) = firsts.get(d.state.as_deref().unwrap_or_default())
                && !folded[i]
                && d.severity <= diagnostics[i].severity
            {
                notes.push((i, j));
                folded[j] = true;
            }
        }
        for (i, j) in notes {
            let note = format!("also `{}`: {}", diagnostics[j].rule, diagnostics[j].message);
            diagnostics[i].add_help(&note);
        }
    }
    let mut keep = folded.iter().map(|f| !f);
    diagnostics.retain(|_| keep.next().unwrap_or(true));
}

pub fn by_name(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

impl Group {
    /// The name users write to select the group.
    pub fn name(self) -> &'static str {
        match self {
            Group::Input => "input",
            Group::Structural => "structural",
            Group::Cost => "cost",
            Group::Permissions => "permissions",
            Group::Suppression => "suppression",
        }
    }
}

/// Group names that select like rule names, and `ALL`.
pub const GROUP_SELECTORS: &[&str] = &[
    "input",
    "structural",
    "cost",
    "permissions",
    "suppression",
    "ALL",
];

/// The rules a selector names: one rule by its name, every rule of a group
/// (`input`, `structural`, `cost`, `permissions`, `suppression`), or every
/// rule (`ALL`).
/// Wherever a list of rules is accepted, groups are too.
pub fn select(selector: &str) -> Option<Vec<&'static str>> {
    if let Some(rule) = by_name(selector) {
        return Some(vec![rule.name]);
    }
    if selector == "ALL" {
        return Some(RULES.iter().map(|r| r.name).collect());
    }
    let members: Vec<&'static str> = RULES
        .iter()
        .filter(|r| r.group.name() == selector)
        .map(|r| r.name)
        .collect();
    (!members.is_empty()).then_some(members)
}

/// Rule names and group selectors, for "did you mean".
pub fn selector_names() -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .map(|r| r.name)
        .chain(GROUP_SELECTORS.iter().copied())
}

/// The URL of a rule's doc, for SARIF `helpUri` and miette's link.
pub fn doc_url(rule: &str) -> String {
    format!("{}/blob/main/rules/{rule}.md", env!("CARGO_PKG_REPOSITORY"))
}

/// "did you mean `X`?" for a misspelt name, from the closest candidate.
///
/// Bounded whatever the input: names longer than [`SUGGEST_MAX_CHARS`] get
/// no suggestion, candidates whose length is far from the name's are
/// skipped before any distance is computed, and at most
/// [`SUGGEST_MAX_COMPARED`] candidates are compared. Rules that may ask once
/// per state also cap how many suggestions they make per definition
/// ([`SUGGESTIONS_PER_DEFINITION`]), so the whole check stays near-linear.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if wrong.len() > SUGGEST_MAX_CHARS {
        return None;
    }
    let slack = (wrong.len() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(wrong.len()) <= slack && c.len() <= SUGGEST_MAX_CHARS)
        .take(SUGGEST_MAX_COMPARED)
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|&(score, c)| score >= 0.85 && c != wrong)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A name for a state a fix adds to `scope`: `base`, or `base 2`, `base 3`
/// ... when taken, within AWS's 80 characters.
pub fn new_state_name(
    m: &crate::model::Machine<'_>,
    scope: crate::model::ScopeId,
    base: &str,
) -> String {
    let limit = invalid_state_name::MAX_NAME_CHARS;
    let cut = |s: &str, room: usize| s.chars().take(room).collect::<String>();
    let mut name = cut(base, limit);
    let mut n = 2;
    while m.target(scope, &name).is_some() {
        let suffix = format!(" {n}");
        name = format!("{}{suffix}", cut(base, limit - suffix.len()));
        n += 1;
    }
    name
}

/// The edit that adds state `name` to the `States` of `scope`.
pub fn add_state(
    m: &crate::model::Machine<'_>,
    scope: crate::model::ScopeId,
    name: &str,
    state: crate::edit::NewValue,
) -> crate::edit::Edit {
    crate::edit::Edit::InsertMember {
        object: crate::loader::pointer::push(&m.scopes[scope].pointer, "States"),
        key: name.to_string(),
        value: state,
    }
}

/// The correction a safe fix may make for a misspelt name: the closest
/// candidate when it is close (Jaro-Winkler at least 0.9, or equal ignoring
/// case) and no other candidate comes near it, so that the fix cannot pick
/// the wrong one of two similar names.
pub fn unique_correction<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if wrong.len() > SUGGEST_MAX_CHARS {
        return None;
    }
    let slack = (wrong.len() / 3).max(2);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(wrong.len()) <= slack && c.len() <= SUGGEST_MAX_CHARS)
        .take(SUGGEST_MAX_COMPARED)
        .filter(|&c| c != wrong)
        .map(|c| {
            let score = if c.eq_ignore_ascii_case(wrong) {
                1.0
            } else {
                strsim::jaro_winkler(wrong, c)
            };
            (score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    match scored.as_slice() {
        [(best, name), rest @ ..]
            if *best >= 0.9 && rest.first().is_none_or(|(second, _)| best - second >= 0.05) =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// Longer names get no "did you mean".
pub const SUGGEST_MAX_CHARS: usize = 128;
/// Candidates compared for one suggestion, at most.
pub const SUGGEST_MAX_COMPARED: usize = 1000;
/// Suggestions a rule makes in one definition, at most; later findings say
/// only what is wrong.
pub const SUGGESTIONS_PER_DEFINITION: usize = 50;
