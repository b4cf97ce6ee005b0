//! One file through the pipeline: load, file-level findings, then each
//! definition through model, graph, rules, suppressions and severity settings.

use crate::diagnostic::{Diagnostic, Finding};
use crate::graph::MachineGraph;
use crate::loader::template::Skipped;
use crate::loader::{self, Definition, FileKind, LoadProblem, LoadedFile};
use crate::model::Machine;
use crate::rules::{self, Context};
use crate::suppression;

use super::*;

pub(super) fn lint_bytes_linked(
    input: &Input,
    bytes: Vec<u8>,
    settings: &Settings,
    link: Option<&Link>,
    modules: &Modules,
) -> FileReport {
    let mut report = FileReport {
        path: input.display.clone(),
        outcome: Outcome::Linted,
        definitions: 0,
        suppressed: 0,
        findings: Vec::new(),
        text: None,
        links: Vec::new(),
    };
    // Stdin without a name, or a file with another extension, is JSON or
    // YAML by its content.
    // A file Terraform renders is JSON in template syntax whatever its
    // extension (`.tftpl`, `.json.tpl`).
    let kind = match link {
        Some(l) if l.terraform => FileKind::Json,
        _ => FileKind::of(&input.display, &bytes),
    };
    // A file is linted when its name says ASL or its content is (or, broken,
    // looks like) a definition or template, whether it was named on the
    // command line or found in a folder: pre-commit names every JSON and
    // YAML file. Stdin, and a file a template deploys, are always linted.
    let stdin = matches!(input.source, Source::Stdin(_));
    if !stdin
        && link.is_none()
        && !loader::is_asl_name(&input.display)
        && !loader::sniff(&bytes, kind)
    {
        report.outcome = Outcome::NotADefinition;
        return report;
    }
    let mut file = load(input, bytes, kind, link, modules);
    let mut file_level = load_problems(&file);
    report.links = template_links(input, &file, &mut file_level);
    let definitions = file.definitions();
    report.definitions = definitions.len();
    // AWS's size limit counts the definition's characters; it is still analysed.
    if definitions.len() == 1 && definitions[0].pointer.is_none() {
        let chars = file.text.trim_start_matches('\u{feff}').chars().count();
        if chars > rules::definition_too_large::MAX_DEFINITION_CHARS {
            file_level.push(rules::definition_too_large::diagnostic(chars));
        }
    }
    // File-level problems belong to the standalone definition, if there is
    // one, so that they get state names too.
    let mut file_level = Some(file_level);
    let mut findings = Vec::new();
    // The file's line index, built when a definition first needs it and
    // shared by all: a template of 20,000 definitions indexes its text once.
    let lines = std::cell::OnceCell::new();
    for definition in &definitions {
        let carried = if definition.pointer.is_none() {
            file_level.take().unwrap_or_default()
        } else {
            Vec::new()
        };
        let (diagnostics, suppressed) =
            lint_definition(&file, kind, definition, carried, settings, link, &lines);
        report.suppressed += suppressed;
        findings.extend(place(
            &input.display,
            &file.text,
            kind,
            Some(definition),
            diagnostics,
            &lines,
        ));
    }
    if let Some(mut rest) = file_level {
        rest.retain(|d| settings.enabled(d.rule));
        for d in &mut rest {
            if let Some(&s) = settings.severity.get(d.rule) {
                d.severity = s;
            }
        }
        findings.extend(place(&input.display, &file.text, kind, None, rest, &lines));
    }
    finish(&mut report, findings, &mut file, settings);
    report
}

/// Loads the file; one a template deploys gets its substitutions and
/// rewrites, and a Terraform file that names `local.` its module's locals.
pub(super) fn load(
    input: &Input,
    bytes: Vec<u8>,
    kind: FileKind,
    link: Option<&Link>,
    modules: &Modules,
) -> LoadedFile {
    let mut file = match (link, kind, &input.source) {
        (Some(l), _, _) if l.terraform => loader::load_terraform_template(bytes),
        (Some(_), _, _) => loader::load_templated(bytes, kind),
        // `local.NAME`, a variable's default or a `data "template_file"`
        // may be defined in another file of the module, and so may a
        // state machine's role and every policy attached to it.
        (None, FileKind::Terraform, Source::Path(path))
            if [&b"local."[..], b"var.", b"data.template_file.", b"role_arn"]
                .iter()
                .any(|needle| memchr::memmem::find(&bytes, needle).is_some()) =>
        {
            let (module, own) = modules.of(path);
            match module.get() {
                Some(module) => loader::load_in_module(
                    bytes,
                    &loader::terraform::Others {
                        module,
                        own: &own,
                        limit: linked::MAX_MODULE_FILES,
                    },
                ),
                None => loader::load(bytes, kind),
            }
        }
        (None, _, _) => loader::load(bytes, kind),
    };
    if let Some(link) = link
        && file.template.is_none()
        && let Some(tree) = file.tree.as_mut()
    {
        loader::template::resolve_resources(tree, &link.substitutions);
        loader::template::apply_replacements(tree, &link.replacements);
    }
    file
}

/// Each problem the loader found, as the finding of its rule.
fn load_problems(file: &LoadedFile) -> Vec<Diagnostic> {
    file.problems
        .iter()
        .map(|p| match p {
            LoadProblem::Syntax(e) => rules::invalid_json::diagnostic(e),
            LoadProblem::YamlSyntax(e) => rules::invalid_yaml::diagnostic(e),
            LoadProblem::DuplicateKey(d) => rules::duplicate_key::diagnostic(d),
            LoadProblem::ByteOrderMark(span) => rules::byte_order_mark::diagnostic(*span),
            LoadProblem::ImplicitType(i) => rules::yaml_implicit_type::diagnostic(i),
            LoadProblem::LenientTrailingComma(e) => rules::invalid_json::deployed_trailing_comma(e),
            LoadProblem::BuiltByTemplateDirectives(span) => Diagnostic::new(
                &rules::unlintable_definition::RULE,
                "",
                "this definition is not linted: template directives (`%{ for }`, `%{ if }`) \
                 build the whole of it, so it is known only when Terraform renders it"
                    .to_string(),
            )
            .label("built by the template")
            .span(*span),
        })
        .collect()
}

/// For a template: the local definition files it deploys, and the findings
/// on what it deploys that cannot be linted or does not exist.
fn template_links(input: &Input, file: &LoadedFile, file_level: &mut Vec<Diagnostic>) -> Vec<Link> {
    let Some(template) = &file.template else {
        return Vec::new();
    };
    let dir = match &input.source {
        Source::Path(path) => path.parent().map(std::path::Path::to_path_buf),
        Source::Stdin(_) => None,
    };
    let mut links = Vec::new();
    for skipped in &template.skipped {
        if let (loader::template::SkipReason::LocalFile(uri), Some(dir)) =
            (&skipped.reason, dir.as_deref())
            && let rules::missing_definition_file::Resolved::File(target) =
                rules::missing_definition_file::resolve(dir, uri)
        {
            links.push(link_to(input, file, skipped, target, uri));
        }
        file_level.extend(rules::unlintable_definition::diagnostic(
            skipped,
            file.tree.as_ref(),
        ));
        file_level.extend(rules::missing_definition_file::diagnostic(
            skipped,
            file.tree.as_ref(),
            dir.as_deref(),
        ));
    }
    links
}

/// What a template says about the file one of its resources deploys.
fn link_to(
    input: &Input,
    file: &LoadedFile,
    skipped: &Skipped,
    target: std::path::PathBuf,
    uri: &str,
) -> Link {
    let template_dir = input
        .display
        .rfind('/')
        .map_or("", |i| &input.display[..=i]);
    Link {
        target,
        display: crate::discovery::normalize_lexically(&format!("{template_dir}{uri}")),
        template: input.display.clone(),
        resource: skipped
            .resource
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string(),
        workflow_type: parse_workflow_type(skipped.workflow_type.as_deref()),
        substitutions: skipped.substitutions.clone(),
        replacements: skipped.replacements.clone(),
        ignore: file
            .tree
            .as_ref()
            .map(|t| t.resolve(&format!("{}/Metadata/asl-lint/ignore", skipped.resource)))
            .filter(|r| r.exact)
            .and_then(|r| r.node.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        placeholders: file
            .tree
            .as_ref()
            .and_then(|t| loader::template::placeholder_names(t, &skipped.resource)),
        role: file.role_access(&skipped.resource),
        terraform: skipped.terraform,
    }
}

/// One definition through model, graph and rules, then suppressions and
/// the severity settings. `carried` are file-level findings it owns.
/// Returns its findings and how many were suppressed.
fn lint_definition(
    file: &LoadedFile,
    kind: FileKind,
    definition: &Definition<'_>,
    carried: Vec<Diagnostic>,
    settings: &Settings,
    link: Option<&Link>,
    lines: &std::cell::OnceCell<crate::source::LineIndex>,
) -> (Vec<Diagnostic>, usize) {
    let machine = Machine::build(definition.root);
    let graph = MachineGraph::build(&machine);
    let embedded = definition.embedded;
    let mut diagnostics = carried;
    let mut parsed = true;
    if let Some(e) = embedded {
        if let Some(syntax) = &e.syntax {
            diagnostics.push(rules::invalid_json::diagnostic(syntax));
            parsed = false;
        }
        diagnostics.extend(e.duplicates.iter().map(rules::duplicate_key::diagnostic));
        if e.chars > rules::definition_too_large::MAX_DEFINITION_CHARS {
            diagnostics.push(rules::definition_too_large::diagnostic(e.chars).span(e.root.span));
        }
    }
    if parsed {
        run_rules(
            file,
            definition,
            &machine,
            &graph,
            settings,
            link,
            &mut diagnostics,
        );
    }
    let states = attribute_states(&machine, &diagnostics);
    for (d, state) in diagnostics.iter_mut().zip(states) {
        if d.state.is_none() {
            d.state = state;
        }
    }
    diagnostics.retain(|d| settings.enabled(d.rule));
    let suppressed = suppress(
        file,
        kind,
        definition,
        &machine,
        settings,
        link,
        &mut diagnostics,
        lines,
    );
    if embedded.is_some_and(|e| e.approximate) {
        let note = if kind == FileKind::Terraform {
            " (position approximate: the definition is written in another `.tf` file of \
             the module, so the finding points at the `definition` that names it)"
        } else {
            " (position approximate: this part of `DefinitionString` could not \
             be mapped back to the template, so the finding points at its start)"
        };
        for d in &mut diagnostics {
            d.message.push_str(note);
        }
    }
    diagnostics.retain(|d| settings.enabled(d.rule));
    for d in &mut diagnostics {
        if let Some(&s) = settings.severity.get(d.rule) {
            d.severity = s;
        }
        if let Some(path) = embedded.and_then(|e| e.cdk_path.as_deref()) {
            d.add_help(&format!("CDK construct `{path}`"));
        }
        if let Some(link) = link {
            d.add_help(&format!(
                "this definition is deployed by `{}` (resource `{}`)",
                link.template, link.resource
            ));
        }
    }
    rules::fold_overlaps(&mut diagnostics);
    (diagnostics, suppressed)
}

/// The enabled rules over one definition, with what its deploy says (the
/// workflow type, the placeholders it fills in).
fn run_rules(
    file: &LoadedFile,
    definition: &Definition<'_>,
    machine: &Machine<'_>,
    graph: &MachineGraph,
    settings: &Settings,
    link: Option<&Link>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let embedded = definition.embedded;
    let workflow_type = parse_workflow_type(embedded.and_then(|e| e.workflow_type.as_deref()))
        .or(link.and_then(|l| l.workflow_type))
        .or(settings.workflow_type);
    // Placeholders a deploy would leave as literal text: known only for
    // definitions inside a template and the files a template links.
    let placeholders = match (&definition.pointer, link) {
        (Some(ptr), _) => file
            .tree
            .as_ref()
            .and_then(|t| loader::template::placeholder_names(t, ptr)),
        (None, Some(link)) => link.placeholders.clone(),
        (None, None) => None,
    };
    // What the template says the role allows: read only for a definition
    // in or linked from a template, and only when the rule runs.
    let role = if settings.enabled(rules::role_missing_permission::RULE.name) {
        match (&definition.pointer, link) {
            (Some(ptr), _) => file.role_access(ptr),
            (None, Some(link)) => link.role.clone(),
            (None, None) => None,
        }
    } else {
        None
    };
    let mut cx = Context::new(machine, graph).with_settings(&settings.options, workflow_type);
    cx.placeholders = placeholders.as_ref();
    cx.role = role.as_ref();
    for rule in &settings.rules {
        if let Some(check) = rule.check {
            check(&cx, diagnostics);
        }
    }
}

/// Applies the definition's directives, its resource's Metadata ignore list
/// and the deploying template's; returns how many findings they removed.
#[allow(clippy::too_many_arguments)]
fn suppress(
    file: &LoadedFile,
    kind: FileKind,
    definition: &Definition<'_>,
    machine: &Machine<'_>,
    settings: &Settings,
    link: Option<&Link>,
    diagnostics: &mut Vec<Diagnostic>,
    lines: &std::cell::OnceCell<crate::source::LineIndex>,
) -> usize {
    let mut suppressions = suppression::collect(machine);
    if kind == FileKind::Yaml {
        suppressions.extend(suppression::yaml_comments(
            machine,
            &file.text,
            lines,
            definition.pointer.is_none(),
        ));
    }
    // The resource's `Metadata: {asl-lint: {ignore: [...]}}` is a
    // directive for the whole definition, checked like any other.
    if let (Some(e), Some(ptr), Some(tree)) = (definition.embedded, &definition.pointer, &file.tree)
        && !e.ignore.is_empty()
    {
        let list = tree.resolve(&format!("{ptr}/Metadata/asl-lint/ignore"));
        if list.exact {
            suppressions.push(suppression::Suppression::metadata(
                e.ignore.clone(),
                list.node.span,
            ));
        }
    }
    let mut suppressed =
        suppression::apply(&mut suppressions, diagnostics, &|r| settings.enabled(r));
    // The deploying template's Metadata ignore list.
    if let Some(link) = link.filter(|l| !l.ignore.is_empty()) {
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            !link.ignore.iter().any(|name| {
                name == d.rule || rules::select(name).is_some_and(|g| g.contains(&d.rule))
            })
        });
        suppressed += before - diagnostics.len();
    }
    suppressed
}

/// Findings in report order, without repeats; the text kept when a report
/// will quote it.
fn finish(
    report: &mut FileReport,
    mut findings: Vec<Finding>,
    file: &mut LoadedFile,
    settings: &Settings,
) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    if !findings.is_empty() && settings.keep_text {
        report.text = Some(std::mem::take(&mut file.text));
    }
    report.findings = findings;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint_template(text: &str) -> FileReport {
        let input = Input {
            display: "template.yaml".into(),
            source: Source::Stdin(Vec::new()),
            explicit: true,
        };
        lint_bytes(&input, text.as_bytes().to_vec(), &Settings::default())
    }

    fn machine(i: usize, directive: &str) -> String {
        format!(
            "  M{i}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {{Type: Succeed}}\n{directive}          B: {{Type: Succeed}}\n"
        )
    }

    #[test]
    fn a_template_indexes_its_lines_once_for_all_its_definitions() {
        // Every definition has a finding to place and a directive to read:
        // each used to build a line index of the whole file.
        let n = 300;
        let mut text = String::from("Transform: AWS::Serverless-2016-10-31\nResources:\n");
        for i in 0..n {
            text.push_str(&machine(i, "          # asl-lint-disable no-such-rule\n"));
        }
        crate::source::LINE_INDEX_BUILDS.with(|c| c.set(0));
        let report = lint_template(&text);
        let builds = crate::source::LINE_INDEX_BUILDS.with(|c| c.get());
        assert_eq!(report.definitions, n);
        let unreachable = report
            .findings
            .iter()
            .filter(|f| f.rule == "unreachable-state")
            .count();
        assert_eq!(unreachable, n);
        assert!(builds <= 1, "{builds} line indexes for one file");
    }

    #[test]
    fn a_directive_in_one_definition_of_a_template_leaves_the_others_alone() {
        let text = format!(
            "Resources:\n{}{}",
            machine(1, "          # asl-lint-disable unreachable-state\n"),
            machine(2, "")
        );
        let report = lint_template(&text);
        let unreachable: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.rule == "unreachable-state")
            .map(|f| f.definition.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(unreachable, ["/Resources/M2"], "{:?}", report.findings);
        assert_eq!(report.suppressed, 1);
    }
}
