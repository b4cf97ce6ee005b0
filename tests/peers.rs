//! Agreement with the peer tools' own fixture suites (statelint,
//! asl-validator, the AWS language service): at least 98% of their valid
//! JSON fixtures get no error, and at least 98% of their invalid ones get at
//! least one. Every disagreement is listed below with its reason, and the
//! list must stay exact. The YAML fixtures count too: they are listed and
//! reported, but the 98% bound is asserted on the JSON set, because three of
//! the language service's YAML "valid" fixtures are definitions AWS rejects
//! (see their reasons) and matching them would mean shipping a wrong check.

mod common;

use std::collections::BTreeSet;

use asl_lint::diagnostic::Severity;
use asl_lint::engine::{self, Input, Settings, Source};

/// (fixture path under `corpus/`, reason). Valid fixtures we report errors on.
const VALID_BUT_ERROR: &[(&str, &str)] = &[
    (
        "peers/ChristopheBougere__asl-validator/valid/src/__tests__/definitions/valid-map-with-item-batcher-jsonata.json",
        "peers.md P20: AWS rejects a JSONPath state inside a JSONata machine; asl-validator does not check the downgrade",
    ),
    (
        "peers/aws__amazon-states-language-service/valid/src/tests/json-strings/validationStrings/documentSucceedFailTerminalState.asl.json",
        "peers.md B3: AWS documents state names as unique across the whole machine; the language service does not check nested scopes",
    ),
    (
        "peers/aws__amazon-states-language-service/valid/src/tests/yaml-strings/validationStrings/documentSucceedFailTerminalState.asl.yaml",
        "the YAML twin of the JSON fixture above (peers.md B3)",
    ),
    (
        "peers/aws__amazon-states-language-service/valid/src/tests/yaml-strings/validationStrings/documentValidParametersIntrinsicFunction.asl.yaml",
        "`States.Format($.template $.firstName $.lastName)` has no commas (its JSON twin has them); AWS rejects it, the language service does not parse intrinsics",
    ),
    (
        "peers/aws__amazon-states-language-service/valid/src/tests/yaml-strings/validationStrings/documentValidResultSelectorIntrinsicFunction.asl.yaml",
        "the same comma-less `States.Format` as above",
    ),
];

/// Invalid fixtures we report no error on.
const INVALID_BUT_CLEAN: &[(&str, &str)] = &[
    (
        "peers/ChristopheBougere__asl-validator/invalid/src/__tests__/definitions/invalid-json-surround-syntax-extra-spaces.json",
        "asl-validator requires exactly one space inside `{% %}`; AWS documents only the delimiters, and the expression parses",
    ),
    (
        "peers/ChristopheBougere__asl-validator/invalid/src/__tests__/definitions/invalid-jsonata-surround-syntax-no-spaces.json",
        "asl-validator rejects `{%10%}` for missing spaces; AWS documents only the delimiters, and the expression parses",
    ),
];

#[test]
fn peer_fixture_agreement_is_at_least_98_percent_both_ways() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("manifest");
    let mut fixtures: Vec<(String, bool)> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let valid = match *cols.get(5)? {
                "peer-valid" => true,
                "peer-invalid" => false,
                _ => return None,
            };
            [".json", ".yaml", ".yml"]
                .iter()
                .any(|ext| cols[0].ends_with(ext))
                .then(|| (cols[0].to_string(), valid))
        })
        .collect();
    fixtures.sort();
    fixtures.dedup();
    let inputs: Vec<Input> = fixtures
        .iter()
        .map(|(path, _)| Input {
            display: path.clone(),
            source: Source::Path(corpus.join(path)),
            explicit: true,
        })
        .collect();
    let reports = engine::lint_all(&inputs, &Settings::default(), None);
    let mut disagree_valid = BTreeSet::new();
    let mut disagree_invalid = BTreeSet::new();
    let (mut valid_total, mut invalid_total) = (0, 0);
    // The same counts for the JSON fixtures alone.
    let (mut json_valid, mut json_invalid, mut json_bad_valid, mut json_bad_invalid) = (0, 0, 0, 0);
    for ((path, valid), report) in fixtures.iter().zip(&reports) {
        let has_error = report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        let json = path.ends_with(".json");
        if *valid {
            valid_total += 1;
            json_valid += usize::from(json);
            if has_error {
                disagree_valid.insert(path.as_str());
                json_bad_valid += usize::from(json);
            }
        } else {
            invalid_total += 1;
            json_invalid += usize::from(json);
            if !has_error {
                disagree_invalid.insert(path.as_str());
                json_bad_invalid += usize::from(json);
            }
        }
    }
    let pct = |bad: usize, total: usize| 100.0 * (total - bad) as f64 / total as f64;
    println!(
        "peer fixtures (JSON and YAML): valid {}/{} ({:.1}%), invalid {}/{} ({:.1}%)",
        valid_total - disagree_valid.len(),
        valid_total,
        pct(disagree_valid.len(), valid_total),
        invalid_total - disagree_invalid.len(),
        invalid_total,
        pct(disagree_invalid.len(), invalid_total)
    );
    let expected_valid: BTreeSet<&str> = VALID_BUT_ERROR.iter().map(|(p, _)| *p).collect();
    let expected_invalid: BTreeSet<&str> = INVALID_BUT_CLEAN.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        disagree_valid, expected_valid,
        "valid fixtures with errors changed; review and update the allowlist"
    );
    assert_eq!(
        disagree_invalid, expected_invalid,
        "invalid fixtures without errors changed; review and update the allowlist"
    );
    println!(
        "peer fixtures (JSON only): valid {}/{json_valid} ({:.1}%), invalid {}/{json_invalid} ({:.1}%)",
        json_valid - json_bad_valid,
        pct(json_bad_valid, json_valid),
        json_invalid - json_bad_invalid,
        pct(json_bad_invalid, json_invalid)
    );
    assert!(pct(json_bad_valid, json_valid) >= 98.0);
    assert!(pct(json_bad_invalid, json_invalid) >= 98.0);
    assert!(pct(disagree_invalid.len(), invalid_total) >= 98.0);
    assert!(
        valid_total > 100 && invalid_total > 100,
        "the fixture set shrank: {valid_total} valid, {invalid_total} invalid"
    );
}
