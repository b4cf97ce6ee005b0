//! `--cost`: each expected number is worked out by hand in the comments.
//! Standard is $0.025 per 1,000 transitions, so $25 per transition per
//! million executions. Express is $1 per million requests plus duration at
//! 64 MB: 1 s costs 1 × 0.0625 GB × $0.06 / 3,600 s × 1,000,000 ≈ $1.0417.

mod common;

use std::process::Command;

use serde_json::{Value, json};

fn estimate(definition: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), definition).unwrap();
    cost_report(dir.path(), extra)["definitions"][0].clone()
}

/// `asl-lint --cost --format json sm.asl.json EXTRA...` in `dir`: the
/// report, checked against the schema, from a run that must exit 0.
fn cost_report(dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "--format", "json", "sm.asl.json"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&report);
    report
}

/// Checks a report against `schemas/cost.v1.json`.
fn validate(report: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/cost.v1.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{report:#}");
    // The schema itself must reject what the contract forbids.
    let mut broken = report.clone();
    broken["version"] = json!(2);
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_talks_job_chain() {
    // A -> B -> C, three `.sync` jobs, no Retry: 3 transitions on every path.
    // Standard: 3 × $25 = $75. Express cannot wait for jobs.
    let d = estimate(
        r#"{"StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Next": "B"},
          "B": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Next": "C"},
          "C": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true}}}"#,
        &[],
    );
    assert_eq!(d["transitions"], json!({"min": 3, "max": 3}));
    assert_eq!(d["unbounded"], false);
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 75.0, "max": 75.0})
    );
    assert_eq!(d["express_possible"], false);
    assert_eq!(d["express_usd_per_million"], Value::Null);
}

#[test]
fn the_choice_guarded_ingest_both_branches() {
    // Already there: Check, Exists?, Skip = 3 transitions.
    // Not there, worst case: Check 1 + Exists? 1 + Fetch 1 × (1 + 2 retries)
    // + Write 1 + Done 1 = 7.
    // Standard: 3 × $25 = $75 to 7 × $25 = $175.
    // Express, 1 s per request-response task: the short path runs one task
    // (1 s: $1 + $1.0417 = $2.04); the long one Check 1 s + Fetch 3 × 1 s
    // + the waits between Fetch's attempts (1 s, then 2 s with the default
    // backoff) + Write 1 s = 8 s ($1 + 8 × $1.0417 = $9.33; 139 GB-hours,
    // all in the first tier).
    let d = estimate(
        r#"{"StartAt": "Check", "States": {
          "Check": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
                    "Parameters": {"Bucket": "lake", "Prefix": "prices/"}, "Next": "Exists?"},
          "Exists?": {"Type": "Choice", "Choices": [
              {"Variable": "$.KeyCount", "NumericGreaterThan": 0, "Next": "Skip"}],
              "Default": "Fetch"},
          "Skip": {"Type": "Succeed"},
          "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "fetch"},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "Next": "Write"},
          "Write": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": {"TableName": "prices", "Item": {}}, "Next": "Done"},
          "Done": {"Type": "Succeed"}}}"#,
        &[],
    );
    assert_eq!(d["transitions"], json!({"min": 3, "max": 7}));
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 75.0, "max": 175.0})
    );
    assert_eq!(d["express_possible"], true);
    assert_eq!(
        d["express_usd_per_million"],
        json!({"min": 2.04, "max": 9.33})
    );
    assert_eq!(
        d["top_states"][0],
        json!({"state": "Fetch", "transitions": 3})
    );
}

#[test]
fn a_map_over_n_items() {
    // The Map is entered once, and each of its 100 items runs Transform and
    // Save: 1 + 100 × 2 = 201 transitions; 201 × $25 = $5,025.
    let d = estimate(
        r#"{"StartAt": "Each order", "States": {
          "Each order": {"Type": "Map", "End": true, "ItemProcessor": {
            "StartAt": "Transform", "States": {
              "Transform": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                            "Parameters": {"FunctionName": "t"}, "Next": "Save"},
              "Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                       "Parameters": {"TableName": "o", "Item": {}}, "End": true}}}}}}"#,
        &["--items", "100"],
    );
    assert_eq!(d["transitions"], json!({"min": 201, "max": 201}));
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 5025.0, "max": 5025.0})
    );
}

const POLLING: &str = r#"{"StartAt": "Init", "States": {
  "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.count", "Next": "Check status"},
  "Check status": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "status"}, "ResultSelector": {"status.$": "$.Payload"},
                   "ResultPath": "$.job", "Next": "Done?"},
  "Done?": {"Type": "Choice", "Choices": [
      {"Variable": "$.job.status", "StringEquals": "SUCCEEDED", "Next": "Finished"}
      COUNTER_RULE],
    "Default": "Pause"},
  "Pause": {"Type": "Wait", "Seconds": 30, "Next": "Count"},
  "Count": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)", "job.$": "$.job"},
            "Next": "Check status"},
  "Finished": {"Type": "Succeed"},
  "Gave up": {"Type": "Fail", "Error": "TooLong"}}}"#;

#[test]
fn a_bounded_polling_loop() {
    // The counter starts at 0 (Init) and the loop leaves once it reaches 10.
    // Rounds (Done? back to Done?: Pause, Count, Check status, Done?) run
    // while count < 10: 10 of them, 4 states each = 40. Before the first
    // check the execution enters Check status and Done? = 2. Worst path:
    // Init 1 + 2 + 40 + Gave up 1 = 44; the Choice runs 11 times.
    // Shortest: Init, Check status, Done?, Finished = 4.
    // Standard: 4 × $25 = $100 to 44 × $25 = $1,100.
    let d = estimate(
        &POLLING.replace(
            "COUNTER_RULE",
            r#", {"Variable": "$.count", "NumericGreaterThanEquals": 10, "Next": "Gave up"}"#,
        ),
        &[],
    );
    assert_eq!(d["transitions"], json!({"min": 4, "max": 44}));
    assert_eq!(d["unbounded"], false);
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 100.0, "max": 1100.0})
    );
    assert_eq!(
        d["bounded_loops"],
        json!([{"choice": "Done?", "max_iterations": 11}])
    );
}

#[test]
fn an_unbounded_loop_is_never_a_number() {
    // Without the counter test nothing bounds the loop.
    let d = estimate(&POLLING.replace("COUNTER_RULE", ""), &[]);
    assert_eq!(d["unbounded"], true);
    assert_eq!(d["transitions"], json!({"min": 4, "max": null}));
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 100.0, "max": null})
    );
    assert_eq!(d["express_possible"], false);
    assert_eq!(d["express_usd_per_million"], Value::Null);
}

#[test]
fn thousands_of_choice_diamonds_are_estimated_without_enumerating_paths() {
    // 2,000 diamonds (Choice -> Left | Right -> next Choice): 2^2000 paths.
    // Each diamond enters 2 states on any path, plus the final Succeed:
    // 2 × 2,000 + 1 = 4,001 both ways.
    let mut states = Vec::new();
    for i in 0..2000 {
        let next = if i + 1 < 2000 {
            format!("C{}", i + 1)
        } else {
            "End".into()
        };
        states.push(format!(
            r#""C{i}": {{"Type": "Choice", "Choices": [{{"Variable": "$.x", "BooleanEquals": true, "Next": "L{i}"}}], "Default": "R{i}"}},
            "L{i}": {{"Type": "Pass", "Next": "{next}"}}, "R{i}": {{"Type": "Pass", "Next": "{next}"}}"#
        ));
    }
    let definition = format!(
        r#"{{"StartAt": "C0", "States": {{{}, "End": {{"Type": "Succeed"}}}}}}"#,
        states.join(",")
    );
    let d = estimate(&definition, &[]);
    assert_eq!(d["transitions"], json!({"min": 4001, "max": 4001}));
}

#[test]
fn text_output_and_bad_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "examples/job-chain/unprotected.asl.json"])
        .current_dir(common::root())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(
        "examples/job-chain/unprotected.asl.json\n  transitions per execution  3\n  Standard                   $75.00\n"
    ), "{text}");
    assert!(text.contains("Prices: AWS Step Functions pricing page"));
    let bad = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--items", "3", "examples"])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "--items needs --cost");
}

#[test]
fn the_readme_cost_example_is_real_output() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let prefix = "```text\n$ asl-lint --cost ";
    let start = readme.find(prefix).expect("README shows --cost") + prefix.len();
    let (path, rest) = readme[start..].split_once('\n').unwrap();
    let shown = &rest[..rest.find("```").unwrap()];
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", path])
        .current_dir(common::root())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(shown),
        "README --cost example is stale:\n{text}"
    );
}

#[test]
fn map_item_counts_come_from_the_configuration_and_the_flag_wins() {
    // Two Maps of one Task each. With `[cost] items = 5` and
    // `[cost.map-items] "Big" = 50`: 1 + 50 × 1 + 1 + 5 × 1 = 57.
    // With `--items 2` the per-Map value still wins for "Big":
    // 1 + 50 + 1 + 2 = 54.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".asl-lint.toml"),
        "[cost]\nitems = 5\n\n[cost.map-items]\n\"Big\" = 50\n",
    )
    .unwrap();
    let map = |name: &str, next: &str| {
        format!(
            r#""{name}": {{"Type": "Map", {next}, "ItemProcessor": {{"StartAt": "T", "States": {{
                "T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {{"FunctionName": "f"}}, "End": true}}}}}}}}"#
        )
    };
    std::fs::write(
        dir.path().join("sm.asl.json"),
        format!(
            r#"{{"StartAt": "Big", "States": {{{}, {}}}}}"#,
            map("Big", r#""Next": "Small""#),
            map("Small", r#""End": true"#)
        ),
    )
    .unwrap();
    let run =
        |extra: &[&str]| cost_report(dir.path(), extra)["definitions"][0]["transitions"].clone();
    assert_eq!(run(&[]), json!({"min": 57, "max": 57}));
    assert_eq!(run(&["--items", "2"]), json!({"min": 54, "max": 54}));
    std::fs::write(dir.path().join(".asl-lint.toml"), "[cost]\nitmes = 5\n").unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "sm.asl.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("unknown key `cost.itmes`; did you mean `items`?"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

const DISTRIBUTED: &str = r#"{"StartAt": "Each", "States": {
  "Each": {"Type": "Map", "ItemsPath": "$.items", BATCHER
           "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "KIND"},
             "StartAt": "Work", "States": {
               "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "f"}, "Next": "Log"},
               "Log": {"Type": "Pass", "End": true}}},
           "Next": "Done"},
  "Done": {"Type": "Succeed"}}}"#;

fn distributed(kind: &str, batcher: &str) -> String {
    DISTRIBUTED
        .replace("KIND", kind)
        .replace("BATCHER", batcher)
}

#[test]
fn a_distributed_map_bills_one_transition_per_child_execution() {
    // Standard children, 10 items: the Map 1 + 10 children × (1 for the
    // start + Work + Log) + Done 1 = 32.
    let d = estimate(&distributed("STANDARD", ""), &["--items", "10"]);
    assert_eq!(d["transitions"], json!({"min": 32, "max": 32}));
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 800.0, "max": 800.0})
    );
    // Batches of 5 items: 2 child executions: 1 + 2 × 3 + 1 = 8.
    let d = estimate(
        &distributed("STANDARD", r#""ItemBatcher": {"MaxItemsPerBatch": 5},"#),
        &["--items", "10"],
    );
    assert_eq!(d["transitions"], json!({"min": 8, "max": 8}));
    // A byte limit can make every batch one item: 10 children again.
    let d = estimate(
        &distributed(
            "STANDARD",
            r#""ItemBatcher": {"MaxItemsPerBatch": 5, "MaxInputBytesPerBatch": 1024},"#,
        ),
        &["--items", "10"],
    );
    assert_eq!(d["transitions"], json!({"min": 32, "max": 32}));
}

#[test]
fn express_children_are_priced_as_express_and_added_to_standard() {
    // Express children, 10 items: transitions the Map 1 + 10 child starts +
    // Done 1 = 12, $300 at the Standard rate. Each child runs 1 s (Work; a
    // Pass takes no time) at 64 MB: per million parents, 10 million child
    // requests ($10) and 10^7 × 1 s × 0.0625 GB / 3600 = 173.6 GB-hours in
    // the first tier ($10.42): $320.42 in all.
    let d = estimate(&distributed("EXPRESS", ""), &["--items", "10"]);
    assert_eq!(d["transitions"], json!({"min": 12, "max": 12}));
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 320.42, "max": 320.42})
    );
    // 128 MB doubles the duration part: 347.2 GB-hours, $20.83.
    let d = estimate(
        &distributed("EXPRESS", ""),
        &["--items", "10", "--express-memory-mb", "128"],
    );
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 330.83, "max": 330.83})
    );
}

#[test]
fn express_duration_tiers_apply_past_1000_gb_hours() {
    // A 5-minute Wait, one million executions at 64 MB: 300 s × 0.0625 GB ×
    // 10^6 / 3600 = 5,208.3 GB-hours: 1,000 at $0.06 + 4,000 at $0.03 +
    // 208.3 at $0.01642 = $183.42, plus $1 of requests.
    let d = estimate(
        r#"{"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 300, "End": true}}}"#,
        &[],
    );
    assert_eq!(
        d["express_usd_per_million"],
        json!({"min": 184.42, "max": 184.42})
    );
}

#[test]
fn a_partial_price_file_keeps_the_other_prices() {
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.toml");
    std::fs::write(&prices, "standard_usd_per_1000_transitions = 0.05\n").unwrap();
    let d = estimate(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
        &["--prices", prices.to_str().unwrap()],
    );
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 50.0, "max": 50.0})
    );
    assert_eq!(
        d["express_usd_per_million"],
        json!({"min": 1.0, "max": 1.0})
    );
    std::fs::write(&prices, "no_such_price = 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "--prices", prices.to_str().unwrap(), "-"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no_such_price"));
}

/// A definition whose graph AWS would reject (a `StartAt` naming nothing)
/// has no estimate: counting it would give 0 transitions. The run says why
/// and exits 1; an unreachable state alone does not stop the estimate.
#[test]
fn a_definition_with_graph_errors_has_no_estimate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sm.asl.json"),
        r#"{"StartAt": "Frist", "States": {"First": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "sm.asl.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("its definition has errors (`unknown-transition-target`)"),
        "{stderr}"
    );
    let unreachable = estimate(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}"#,
        &[],
    );
    assert_eq!(unreachable["transitions"]["min"], 1);
}

/// A Distributed Map of Standard children around `inner` (one state `In`).
fn distributed_around(inner: &str) -> String {
    format!(
        r#"{{"Type": "Map", "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
             "StartAt": "In", "States": {{"In": {inner}}}}}, "End": true}}"#
    )
}

/// Three nested Distributed Maps over 10 million items each: with N = 10^7,
/// the innermost Map enters 1 + N × 2, the middle 1 + N × (2 + 2N) and the
/// outer 1 + N × (2 + 2N + 2N²) = 2,000,000,200,000,020,000,001 states,
/// past 64 bits (and past 2^53, where an f64 stops being exact). The count
/// is a lower bound, said so, never a saturated 18,446,744,073,709,551,615.
#[test]
fn a_count_past_64_bits_is_a_lower_bound_never_a_saturated_number() {
    let pass = r#"{"Type": "Pass", "End": true}"#;
    let nested = distributed_around(&distributed_around(&distributed_around(pass)));
    let definition = format!(r#"{{"StartAt": "M", "States": {{"M": {nested}}}}}"#);
    let d = estimate(&definition, &["--items", "10000000"]);
    let truth = 2_000_000_200_000_020_000_001.0_f64;
    let t = &d["transitions"];
    assert_eq!(t["max_is_lower_bound"], true, "{d:#}");
    assert_eq!(t["min_is_lower_bound"], true, "{d:#}");
    let max = t["max"].as_f64().unwrap();
    assert!(max <= truth && max > truth * 0.99, "{max}");
    // Dollars from the count itself ($25 a transition), also a lower bound.
    let usd = &d["standard_usd_per_million"];
    assert_eq!(usd["max_is_lower_bound"], true);
    let dollars = usd["max"].as_f64().unwrap();
    assert!(
        dollars <= truth * 25.0 && dollars > truth * 25.0 * 0.99,
        "{dollars}"
    );
    assert_eq!(d["top_states"][0]["transitions_is_lower_bound"], true);
    assert_eq!(d["unbounded"], false);
    // The text says "more than".
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sm.asl.json"), &definition).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--cost", "--quiet", "--items", "10000000", "sm.asl.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("transitions per execution  more than 1.99e21\n")
            && text.contains("Standard                   more than $4.99e22\n"),
        "{text}"
    );
    // A count that fits stays exact and unmarked.
    let d = estimate(&definition, &["--items", "10"]);
    // 1 + 10 × (2 + 20 + 200) = 2,221.
    assert_eq!(d["transitions"], json!({"min": 2221, "max": 2221}));
}

/// Forty nested inline Maps over 10^8 items: 10^320 transitions, past what
/// an f64 holds. That is a huge count, not a loop.
#[test]
fn a_count_past_f64_is_not_a_loop() {
    let mut state = r#"{"Type": "Pass", "End": true}"#.to_string();
    for _ in 0..40 {
        state = format!(
            r#"{{"Type": "Map", "ItemProcessor": {{"StartAt": "In", "States": {{"In": {state}}}}}, "End": true}}"#
        );
    }
    let definition = format!(r#"{{"StartAt": "M", "States": {{"M": {state}}}}}"#);
    let d = estimate(&definition, &["--items", "100000000"]);
    assert_eq!(d["unbounded"], false, "{d:#}");
    assert_eq!(d["transitions"]["max_is_lower_bound"], true);
    assert!(d["transitions"]["max"].as_f64().unwrap() >= 1e299);
    assert_eq!(d["standard_usd_per_million"]["max_is_lower_bound"], true);
}

/// A Map over no items runs none of its processor, a loop included.
#[test]
fn a_map_over_no_items_runs_nothing() {
    let definition = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Spin", "States": {"Spin": {"Type": "Pass", "Next": "Spin"}}}}}}"#;
    let d = estimate(definition, &["--items", "0"]);
    assert_eq!(d["transitions"], json!({"min": 1, "max": 1}));
    assert_eq!(d["unbounded"], false);
}

/// `BackoffRate: 1e308` makes the waits between attempts astronomically
/// long, yet finite: a year at most, the longest an execution runs. That
/// rules out Express for its length, not as "a loop".
#[test]
fn a_huge_backoff_is_a_long_wait_not_a_loop() {
    let d = estimate(
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 1e308}],
            "End": true}}}"#,
        &[],
    );
    assert_eq!(d["unbounded"], false);
    assert_eq!(d["transitions"], json!({"min": 1, "max": 4}));
    assert_eq!(
        d["express_blockers"],
        json!([
            "the longest path can take the year an execution may run, over Express's 5 minutes"
        ])
    );
}

/// A price file value that is not a finite number, 0 or more (memory: above
/// 0), is a configuration error naming the file, the key and its line.
#[test]
fn a_price_file_rejects_prices_that_are_not_finite_and_not_negative() {
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.toml");
    for (text, key, at) in [
        (
            "standard_usd_per_1000_transitions = nan\n",
            "`standard_usd_per_1000_transitions`",
            "line 1",
        ),
        (
            "# Express\nexpress_usd_per_gb_hour = inf\n",
            "`express_usd_per_gb_hour`",
            "line 2",
        ),
        (
            "standard_usd_per_1000_transitions = -3.0\n",
            "`standard_usd_per_1000_transitions`",
            "line 1",
        ),
        (
            "express_usd_per_million_requests = -inf\n",
            "`express_usd_per_million_requests`",
            "line 1",
        ),
        ("express_memory_mb = 0\n", "`express_memory_mb`", "line 1"),
        (
            "express_duration_step_ms = -100\n",
            "`express_duration_step_ms`",
            "line 1",
        ),
        (
            "express_gb_hour_tiers = [\n  { up_to_gb_hours = 10, usd_per_gb_hour = 0.06 },\n  { usd_per_gb_hour = nan },\n]\n",
            "`express_gb_hour_tiers.1.usd_per_gb_hour`",
            "line 3",
        ),
    ] {
        std::fs::write(&prices, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--cost", "--prices", prices.to_str().unwrap(), "-"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(
            stderr.contains("prices.toml") && stderr.contains(key) && stderr.contains(at),
            "{text}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{text}");
    }
    // Zero is a price (a free tier, a test).
    std::fs::write(&prices, "standard_usd_per_1000_transitions = 0\n").unwrap();
    let d = estimate(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
        &["--prices", prices.to_str().unwrap()],
    );
    assert_eq!(
        d["standard_usd_per_million"],
        json!({"min": 0.0, "max": 0.0})
    );
}
