//! Runs asl-lint over the shared corpus of real definitions, when this
//! checkout sits beside it (`../shared/corpus`); skips with a notice otherwise.
//!
//! Asserts that no file panics or gets an internal error, and prints what
//! each rule found, so changes in behaviour show up in the test log.

mod common;

use std::collections::BTreeMap;

use asl_lint::discovery;
use asl_lint::engine::{self, Input, Outcome, Settings, Source};

fn lint_tree(dir: &std::path::Path) -> Vec<engine::FileReport> {
    let inputs =
        discovery::discover(&[dir.to_string_lossy().into_owned()], None).expect("corpus exists");
    engine::lint_all(&inputs, &Settings::default(), None)
}

fn print_counts(title: &str, reports: &[engine::FileReport]) -> BTreeMap<&'static str, usize> {
    let mut by_rule = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        *by_rule.entry(f.rule).or_insert(0) += 1;
    }
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    println!(
        "{title}: {linted} files linted, {} findings",
        by_rule.values().sum::<usize>()
    );
    for (rule, n) in &by_rule {
        println!("  {rule:32} {n}");
    }
    by_rule
}

#[test]
fn real_definitions_lint_without_internal_errors() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let reports = lint_tree(&corpus.join("real"));
    let counts = print_counts("corpus/real", &reports);
    let internal: Vec<_> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == "internal-error")
        .map(|f| format!("{}: {}", f.file, f.message))
        .collect();
    assert!(internal.is_empty(), "internal errors: {internal:#?}");
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    assert!(
        linted >= 200,
        "only {linted} files linted: is discovery broken?"
    );

    // Every error on an aws-samples file must be a real defect. These are the
    // ones known today, each checked by hand.
    let known_defects: &[(&str, &str, &str)] = &[
        (
            "chain-of-responsibility-cdk/python/statemachine/atm_dispenser_chained.asl.json",
            "unknown-states-error",
            "catches `States.TaskFailedId`, which nothing raises (meant `States.TaskFailed`), so the Catch never fires",
        ),
        (
            "sfn-iot-data-analytics-dataset/statemachine/statemachine.asl.json",
            "invalid-json",
            "line 10 is `\"Messages\": \"Messages.$\": \"$.Messages\"`, which is not JSON",
        ),
        (
            "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
            "invalid-value",
            "`\"QueryLanguage\": \"JSONata\"` sits inside `States`, where AWS reads it as a state",
        ),
        (
            "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
            "query-language-mismatch",
            "same cause: the machine stays JSONPath, so its `Arguments` and `Output` fields are rejected",
        ),
    ];
    let mut errors: Vec<(String, &str)> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| {
            f.file.contains("aws-samples__") && f.severity == asl_lint::diagnostic::Severity::Error
        })
        .map(|f| (f.file.clone(), f.rule))
        .collect();
    errors.dedup();
    for (file, rule) in &errors {
        let known = known_defects
            .iter()
            .find(|(suffix, r, _)| file.ends_with(suffix) && r == rule);
        assert!(
            known.is_some(),
            "new error on an aws-samples file, check it by hand: {file} [{rule}]"
        );
    }
    for (suffix, rule, why) in known_defects {
        println!("  known defect: {suffix} [{rule}]: {why}");
        assert!(
            errors.iter().any(|(f, r)| f.ends_with(suffix) && r == rule),
            "known defect no longer reported: {suffix} [{rule}]"
        );
    }
    assert!(!counts.contains_key("internal-error"));
}

/// Every cost-rule finding on the aws-samples definitions, reviewed by hand:
/// (path suffix, rule, severity, count, why it is right).
// Judged false positives, now quiet (kept here so they stay quiet):
// idempotent-workflow(-sam): retry-storm on 10 backed-off retries of Lambda
// service faults and DynamoDB throttling, about 51 minutes in all: the
// retry policy AWS recommends for those errors.
const REVIEWED_COST_FINDINGS: &[(&str, &str, &str, usize, &str)] = &[
    (
        "stepfunctions-fargate-lambda/statemachine.asl.json",
        "unbounded-billable-resource",
        "warning",
        1,
        "a Fargate task waited on by callback with a 60 s timeout and no Catch: a timed-out wait fails the execution and leaves the container running",
    ),
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/dynamodb-semaphore.asl.json",
        "redundant-transitions",
        "info",
        3,
        "read: consecutive reshaping Pass states",
    ),
    (
        "sam/app-s3-athena-dataprocessing/statemachines/execute_athena_query.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: consecutive reshaping Pass states",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/dynamodb-semaphore.asl.json",
        "redundant-transitions",
        "info",
        3,
        "read: consecutive reshaping Pass states",
    ),
    (
        "async-state-machine-streaming-lambda-results-sam/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: consecutive reshaping Pass states",
    ),
    (
        "distributed-data-stream-aggregator/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: a Pass that only reshapes a Task output",
    ),
    (
        "idempotent-workflow-sam/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        3,
        "read: consecutive reshaping Pass states",
    ),
    (
        "idempotent-workflow/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        3,
        "read: consecutive reshaping Pass states",
    ),
    (
        "migrate-csv-to-ddb-distributed-map-main/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: a Pass that only reshapes a Task output",
    ),
    (
        "s3-bucket-nested-distributed-map/statemachine/statemachine.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: consecutive reshaping Pass states",
    ),
    (
        "sfn-sns-task-timer/statemachine/TaskTimer.asl.json",
        "redundant-transitions",
        "info",
        1,
        "read: a Pass that only reshapes a Task output",
    ),
    (
        "sam/app-local-testing-mock-config/statemachine/local_testing.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "usecases/genai-prompt-chaining-hitl/src/workflow.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "bedrock-evaluations-sam/statemachine/statemachine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "event-driven-workflow-monitor/statemachine/statemachine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "human-task-reminder/statemachine/statemachine.asl.yaml",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "parallel-human-approval/statemachine/StateMachine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "quorum-with-parallel-pattern/statemachine/statemachine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "synchronous-api/statemachine/statemachine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "uml-statemachine/statemachine/BlogBackgroundChecksSM.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "vod-transcode-delivery-cdk/typescript/statemachine/transcoding-statemachine.asl.json.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "workflow-within-a-workflow-cdk/statemachines/main-state-machine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "workflow-within-a-workflow/statemachines/main-state-machine.asl.json",
        "parallel-catch-only-at-top",
        "info",
        1,
        "read: a Parallel of paid branches (Lambda, callbacks, child executions) with uncaught Tasks inside",
    ),
    (
        "sam/app-dataquality-using-lambda/statemachine/dataquality.asl.json",
        "distributed-map-cost-shape",
        "info",
        3,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "sam/demo-bulk-delete-s3-objects/bulk-delete-objects-from-s3.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    (
        "sam/demo-distributed-map-data-processing/statemachines/copy-noaa-data-us-east-1.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    (
        "distributed-batch-import/state-machine/create-organization.asl.yaml",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    (
        "distributed-data-stream-aggregator/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    (
        "distributed-map-csv-iterator-tf/statemachines/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold",
    ),
    (
        "distributed-map-csv-iterator/sam/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold",
    ),
    (
        "distributed-map-montecarlo/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold",
    ),
    (
        "distributed-map-state-gif-generator/statemachine/workflow.asl.json",
        "distributed-map-cost-shape",
        "info",
        3,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "dynamodb-import-json/statemachine/statemachine.asl.yaml",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold",
    ),
    (
        "eventbridge-rules-to-schedules/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "ingest-and-analyze-historical-storm-events/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "migrate-csv-to-ddb-distributed-map-main/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: short work in STANDARD children",
    ),
    (
        "s3-bucket-nested-distributed-map/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: short work in STANDARD children",
    ),
    (
        "sfn-bedrock-describe-assets/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "sfn-dynamodb-batchwriteitem/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    (
        "sfn-eks-inventory/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        2,
        "read: no tolerated-failure threshold, short work in STANDARD children",
    ),
    (
        "sfn-rekognition-video-catalog-workflow/statemachine/statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        7,
        "read: S3 reader without ItemBatcher, no tolerated-failure threshold",
    ),
    (
        "step-functions-load-testing/statemachine/load-generator-statemachine.asl.json",
        "distributed-map-cost-shape",
        "info",
        1,
        "read: no tolerated-failure threshold",
    ),
    // retry-storm: the retriers were read; each reason names which of the
    // catalogue's triggers the retrier meets.
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/dynamodb-semaphore-cleanfromincomplete.asl.json",
        "retry-storm",
        "warning",
        2,
        "read: 10+ attempts uncapped, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/dynamodb-semaphore.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: many attempts on any failure",
    ),
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/test-run-semaphore.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: 10+ attempts uncapped, States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/distributor.asl.json",
        "retry-storm",
        "warning",
        4,
        "read: 10+ attempts uncapped, States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/main.asl.json",
        "retry-storm",
        "warning",
        6,
        "read: 10+ attempts uncapped, States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/test-result-recorder.asl.json",
        "retry-storm",
        "warning",
        2,
        "read: 10+ attempts uncapped, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sam/app-meeting-summarization/statemachines/aquire-lock.asl.yaml",
        "retry-storm",
        "warning",
        1,
        "read: many attempts on any failure",
    ),
    (
        "sam/app-meeting-summarization/statemachines/summarize_transcription.asl.yaml",
        "retry-storm",
        "warning",
        4,
        "read: States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure",
    ),
    (
        "sam/app-meeting-summarization/statemachines/transcribe_file.asl.yaml",
        "retry-storm",
        "warning",
        6,
        "read: States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure",
    ),
    (
        "sam/app-order-management/statemachines/ship-order.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: no backoff",
    ),
    (
        "sam/demo-bulk-delete-s3-objects/bulk-delete-objects-from-s3.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: many attempts on any failure",
    ),
    (
        "apigw-rest-stepfunction/statemachine/waitable-stepfunction.asl.json",
        "retry-storm",
        "warning",
        2,
        "read: over an hour of backoff",
    ),
    (
        "sfn-comprehend-sam/statemachine/detectSentiment.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: over an hour of backoff",
    ),
    (
        "sfn-lambda/statemachine/stateMachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: over an hour of backoff",
    ),
    (
        "sfn-manage-batch-job-tf/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: States.ALL/Timeout retry re-runs a .sync job",
    ),
    (
        "stepfunctions-bedrock-sam/statemachine/bedrock-integration.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: over an hour of backoff",
    ),
    (
        "_workflow_model/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: States.ALL/Timeout retry re-runs a .sync job",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/dynamodb-semaphore-cleanfromincomplete.asl.json",
        "retry-storm",
        "warning",
        2,
        "read: 10+ attempts uncapped, many attempts on any failure, over an hour of backoff",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/dynamodb-semaphore.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: many attempts on any failure",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/test-run-semaphore.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: 10+ attempts uncapped, States.ALL/Timeout retry re-runs a .sync job, many attempts on any failure, over an hour of backoff",
    ),
    (
        "ingest-and-analyze-historical-storm-events/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: no backoff",
    ),
    (
        "manage-emr-job-cdk/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        2,
        "read: States.ALL/Timeout retry re-runs a .sync job",
    ),
    (
        "resource-configuration-backup-sam/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        3,
        "read: 10+ attempts uncapped, many attempts on any failure, over an hour of backoff",
    ),
    (
        "sfn-continous-running-glue-workflow-tf/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: no backoff",
    ),
    (
        "stepfunction-redshift-batchexecutestatement-sam/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: no backoff",
    ),
    (
        "synchronous-job/statemachine/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: States.ALL/Timeout retry re-runs a .sync job",
    ),
    (
        "web-contact-form-processor-tf/statemachines/statemachine.asl.json",
        "retry-storm",
        "warning",
        1,
        "read: over an hour of backoff",
    ),
    (
        "sam/app-s3-athena-dataprocessing/statemachines/execute_athena_query.asl.json",
        "retry-duplicates-billable-start",
        "warning",
        1,
        "retries a Batch submit or an Athena query start on States.ALL with no token; a late failure starts a second run",
    ),
    (
        "sfn-manage-batch-job-tf/statemachine/statemachine.asl.json",
        "retry-duplicates-billable-start",
        "warning",
        1,
        "retries a Batch submit or an Athena query start on States.ALL with no token; a late failure starts a second run",
    ),
    (
        "_workflow_model/statemachine/statemachine.asl.json",
        "retry-duplicates-billable-start",
        "warning",
        1,
        "retries a Batch submit or an Athena query start on States.ALL with no token; a late failure starts a second run",
    ),
    (
        "synchronous-job/statemachine/statemachine.asl.json",
        "retry-duplicates-billable-start",
        "warning",
        1,
        "retries a Batch submit or an Athena query start on States.ALL with no token; a late failure starts a second run",
    ),
    // catch-swallows-failure: read; each is the "Catch -> Notify Failure ->
    // End: true" shape the catalogue describes (no Choice on the way).
    (
        "sam/app-decompose-for-parallelism/statemachine/test-result-recorder.asl.json",
        "catch-swallows-failure",
        "info",
        2,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "lambda-step-functions-sam-java/sfn-definition.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "sfn-manage-batch-job-tf/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "sfn-manage-container-task-tf/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "_workflow_model/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "common-error-handling/statemachine/common_error_option1.asl.json",
        "catch-swallows-failure",
        "info",
        3,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "common-error-handling/statemachine/common_error_option2.asl.json",
        "catch-swallows-failure",
        "info",
        3,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "emit-and-wait/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        3,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "selective-checkpointing-cdk/typescript/statemachine/statemachineParent.asl.json",
        "catch-swallows-failure",
        "info",
        2,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "sfn-sns-task-timer/statemachine/TaskTimer.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        3,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "synchronous-job/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "wait-for-callback/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    (
        "webhook-provider/statemachine/statemachine.asl.json",
        "catch-swallows-failure",
        "info",
        1,
        "a Catch on a paid task goes to a notify or handler state that ends the execution as SUCCEEDED",
    ),
    // map-unbounded-concurrency: the warnings were read one by one (ECS
    // tasks, child executions and callbacks fanned out by Inline Maps, two
    // of them load tests that mean it); the infos are Lambda fan-outs and
    // Distributed Maps at 1,000 or more.
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/test-run-semaphore.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "sam/app-dataquality-using-lambda/statemachine/dataquality.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/distributor.asl.json",
        "map-unbounded-concurrency",
        "warning",
        2,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/main.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "sam/app-meeting-summarization/statemachines/clean-locks-on-failure.asl.yaml",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/app-order-management/statemachines/ship-order.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/app-s3-athena-dataprocessing/statemachines/initialize_account.asl.json",
        "map-unbounded-concurrency",
        "info",
        2,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/demo-distributed-map-data-processing/statemachines/copy-noaa-data-us-east-1.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/demo-distributed-map-data-processing/statemachines/dmap-temperatures.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sam/demo-generate-steady-state-events/statemachines/event_emitter.yaml",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sfn-ecs-sam/src/statemachine/sfn-ecs-datapipeline.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/test-run-semaphore.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "distributed-data-stream-aggregator/statemachine/data-extraction-child.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "distributed-map-montecarlo/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "distributed-map-state-gif-generator/statemachine/workflow.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "dynamically-process-data-with-map-state-cdk/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "dynamically-process-data-with-map-state/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "dynamodb-import-json/statemachine/statemachine.asl.yaml",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "dynamodb-migrations/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "dynamodb-transfer/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "gif-generator/statemachine/workflow.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "github-repo-views-counter/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "ingest-and-analyze-historical-storm-events/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "parallel-agent-early-stopping/statemachine/worker.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "s3-bucket-nested-distributed-map/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        2,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "s3-glacier-multi-file-restore-sam/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    (
        "scatter-gather/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sfn-bedrock-describe-assets/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sfn-dynamodb-batchwriteitem/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "sfn-rekognition-video-catalog-workflow/statemachine/statemachine.asl.json",
        "map-unbounded-concurrency",
        "info",
        1,
        "Lambda fan-out in an Inline Map (40 at a time), or a Distributed Map with MaxConcurrency of 1,000 or more",
    ),
    (
        "step-functions-load-testing/statemachine/load-generator-statemachine.asl.json",
        "map-unbounded-concurrency",
        "warning",
        1,
        "an Inline Map fans out jobs or child executions (.sync, .waitForTaskToken) with no MaxConcurrency",
    ),
    // unbounded-polling-loop: each loop below was read; all poll a job or
    // resource status (Transcribe, Athena, Glue crawlers, RDS, CloudFormation,
    // Bedrock, EMR Serverless, a DynamoDB lock) and can spin until the
    // 25,000-event limit.
    (
        "sam/app-control-concurrency-with-dynamodb/statemachines/dynamodb-semaphore.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/app-meeting-summarization/statemachines/aquire-lock.asl.yaml",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/app-meeting-summarization/statemachines/transcribe_file.asl.yaml",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/app-order-management/statemachines/ship-order.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/app-s3-athena-dataprocessing/statemachines/execute_athena_query.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/demo-fis-stepfunctions/stepfunction/fis.ec2.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sam/demo-fis-stepfunctions/stepfunction/fis.ecs.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "usecases/genai-prompt-chaining-hitl/src/workflow.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-log-export/src/statemachine/stateMachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "app-control-concurrency-with-dynamodb-tf/statemachines/dynamodb-semaphore.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "bedrock-evaluations-sam/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        4,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "distributed-data-stream-aggregator/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "ec2-instance-isolation-cdk/python/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        2,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "human-task-reminder/statemachine/statemachine.asl.yaml",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "idempotent-workflow-sam/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "idempotent-workflow/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "ingest-and-analyze-historical-storm-events/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "lookout-for-vision-inference-sam/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "redshift-serverless-unload/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "script-generator/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "info",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check; the top-level TimeoutSeconds ends it within a day",
    ),
    (
        "segment-detection-workflow/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-athena-results/statemachine/query-athena.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-cfn-stacksets-workflow-cdk/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        2,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-continous-running-glue-workflow-tf/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-query-large-datasets-cdk/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-query-large-datasets-sam/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "sfn-rds-to-aurora-migrate-postgres-cdk/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        3,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "stepfunctions-bedrock-model-customisation-sam/statemachine/bedrock-model-customisation.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll on a customisation job (Wait named 'next iteration', get call, Choice on the status): the name counts nothing",
    ),
    (
        "step-functions-emr-serverless-cdk/typescript/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "tts-converter-cdk/python/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "info",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check; the top-level TimeoutSeconds ends it within a day",
    ),
    (
        "tts-converter-cdk/typescript/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "info",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check; the top-level TimeoutSeconds ends it within a day",
    ),
    (
        "tts-converter/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "info",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check; the top-level TimeoutSeconds ends it within a day",
    ),
    (
        "vod-transcode-delivery-cdk/typescript/statemachine/transcoding-statemachine.asl.json.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "word-filtering-script-generator-cdk/python/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "info",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check; the top-level TimeoutSeconds ends it within a day",
    ),
    (
        "word-filtering-script-generator/statemachine/statemachine.asl.json",
        "unbounded-polling-loop",
        "warning",
        1,
        "a status poll (Wait, describe/get call, Choice on the status) with no counter or time check",
    ),
    (
        "demo-generate-steady-state-events/statemachines/event_emitter.yaml",
        "express-incompatible",
        "warning",
        1,
        "a Wait with SecondsPath inside a Distributed Map's EXPRESS children: anything past 5 \
         minutes times out; a warning, since the value is only known at run time",
    ),
    (
        "dynamodb-import-json/statemachine/statemachine.asl.yaml",
        "unguarded-expensive-ingest",
        "info",
        1,
        "an ImportTable Lambda loads the S3 data into DynamoDB on every run, with no check \
         whether the table was already imported; info is right",
    ),
    (
        "_workflow_model/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "batch:submitJob without Timeout; Batch has no default timeout",
    ),
    (
        "batch-lambda-cdk/batch_lambda_cdk/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "batch:submitJob without Timeout",
    ),
    (
        "batch-lambda-sam/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "batch:submitJob without Timeout",
    ),
    (
        "sfn-manage-batch-job-tf/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "batch:submitJob without Timeout",
    ),
    (
        "synchronous-job/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "batch:submitJob without Timeout",
    ),
    (
        "ec2-instance-isolation-cdk/python/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "runInstances without InstanceInitiatedShutdownBehavior: terminate",
    ),
    (
        "ec2-instance-isolation-cdk/python/statemachine/statemachine.asl.json",
        "unbounded-billable-resource",
        "info",
        1,
        "forensic instance created and never terminated; meant to outlive the run, hence info",
    ),
    (
        "sfn-rds-to-aurora-migrate-postgres-cdk/statemachine/statemachine.asl.json",
        "unbounded-billable-resource",
        "info",
        1,
        "creates the migration target database; meant to outlive the run, hence info",
    ),
    (
        "manage-emr-job-cdk/statemachine/statemachine.asl.json",
        "unbounded-billable-resource",
        "warning",
        1,
        "a failing step skips terminateCluster: the cluster keeps billing",
    ),
    (
        "manage-emr-job-cdk/statemachine/statemachine.asl.json",
        "start-without-native-cap",
        "warning",
        1,
        "createCluster without AutoTerminationPolicy",
    ),
    (
        "manage-emr-job-cdk/statemachine/statemachine.asl.json",
        "job-chain-missing-catch",
        "warning",
        3,
        "createCluster.sync -> addStep.sync -> addStep.sync with no Catch",
    ),
    (
        "emit-and-wait/statemachine/statemachine.asl.json",
        "job-chain-missing-catch",
        "warning",
        3,
        "three .waitForTaskToken phases in a row with no Catch",
    ),
    (
        "sam/app-decompose-for-parallelism/statemachine/distributor.asl.json",
        "job-chain-missing-catch",
        "warning",
        2,
        "TimeoutSeconds with a Catch on States.TaskFailed only; next job uncaught",
    ),
    (
        "uml-statemachine/statemachine/BlogOpenRequestSM.asl.json",
        "job-chain-missing-catch",
        "warning",
        3,
        "a loop of three callbacks, none caught",
    ),
    (
        "uml-statemachine/statemachine/BlogServiceRequestSM.asl.json",
        "job-chain-missing-catch",
        "warning",
        2,
        "startExecution.sync then a callback, neither caught",
    ),
    (
        "github-repo-views-counter/statemachine/statemachine.asl.json",
        "unguarded-expensive-ingest",
        "warning",
        1,
        "calls the GitHub API and stores the result with no check for today's data",
    ),
];

#[test]
fn cost_rule_findings_on_aws_samples_are_the_reviewed_ones() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let reports = lint_tree(&corpus.join("real"));
    let cost_rules: Vec<&str> = asl_lint::rules::RULES
        .iter()
        .filter(|r| r.group == asl_lint::rules::Group::Cost)
        .map(|r| r.name)
        .collect();
    // Rules that check for a missing field, with no heuristic that could
    // misfire, are pinned as totals; a change in them shows up here.
    // (large-payload-risk: a large-result call with nothing narrowing it, or
    // a Distributed Map with no ResultWriter.)
    // Most aws-samples are sketches without timeouts or heartbeats.
    let syntactic: BTreeMap<(&str, &str), usize> = [
        // 14 human approvals (the token goes out by SNS, or the step says it
        // asks for approval): infos, since no worker could send heartbeats.
        (("callback-without-heartbeat", "info"), 14),
        (("callback-without-heartbeat", "warning"), 27),
        (("large-payload-risk", "info"), 34),
        (("large-payload-risk", "warning"), 17),
        // 13 of the former warnings have a heartbeat or a top-level
        // TimeoutSeconds that bounds the wait: infos since the bound is known.
        // sfn-fargate-dotnet-cdk/statemachine.asl is linted since `*.asl`
        // files are sniffed: one more of each. 5 infos and 1 warning are
        // notes of a start-without-native-cap finding on the same state.
        (("long-task-without-timeout", "info"), 60),
        (("long-task-without-timeout", "warning"), 57),
    ]
    .into_iter()
    .collect();
    let mut totals: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut found: BTreeMap<(String, &str, String), usize> = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        if !cost_rules.contains(&f.rule) || !f.file.contains("aws-samples__") {
            continue;
        }
        if syntactic.keys().any(|(r, _)| *r == f.rule) {
            *totals.entry((f.rule, f.severity.as_str())).or_insert(0) += 1;
            continue;
        }
        *found
            .entry((f.file.clone(), f.rule, f.severity.to_string()))
            .or_insert(0) += 1;
    }
    assert_eq!(
        totals, syntactic,
        "totals of the missing-field cost rules changed"
    );
    for ((file, rule, severity), n) in &found {
        let reviewed = REVIEWED_COST_FINDINGS
            .iter()
            .find(|(suffix, r, s, _, _)| file.ends_with(suffix) && r == rule && s == severity);
        match reviewed {
            Some((_, _, _, count, why)) => {
                assert_eq!(
                    n, count,
                    "{file} [{rule}]: {n} findings, {count} reviewed ({why})"
                );
                println!("  reviewed: {rule} x{n} on {file}: {why}");
            }
            None => panic!(
                "unreviewed cost finding: {file} [{rule}, {severity}] x{n}; check it by hand"
            ),
        }
    }
    let missing: Vec<_> = REVIEWED_COST_FINDINGS
        .iter()
        .filter(|(suffix, r, s, _, _)| {
            !found
                .keys()
                .any(|(file, rule, sev)| file.ends_with(suffix) && rule == r && sev == s)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "reviewed findings no longer reported: {missing:#?}"
    );
}

#[test]
fn localstack_json5_and_peer_fixtures_never_crash_the_linter() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut inputs = Vec::new();
    for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.to_string_lossy();
        // Named explicitly, as the contract requires for `.json5`.
        let wanted =
            name.ends_with(".json5") || (name.contains("/peers/") && name.ends_with(".json"));
        if entry.file_type().is_file() && wanted {
            inputs.push(Input {
                display: common::display(path),
                source: Source::Path(path.to_path_buf()),
                explicit: true,
            });
        }
    }
    let reports = engine::lint_all(&inputs, &Settings::default(), None);
    print_counts("corpus json5 + peer fixtures", &reports);
    assert!(reports.len() > 400, "only {} files", reports.len());
    for f in reports.iter().flat_map(|r| &r.findings) {
        assert_ne!(f.rule, "internal-error", "{}: {}", f.file, f.message);
    }
}

/// Every file under `dir`, sorted.
fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_embedded_template_is_found_read_and_accounted_for() {
    use asl_lint::loader::{self, FileKind, template::SkipReason};
    let Some(corpus) = common::corpus() else {
        return;
    };
    let embedded = corpus.join("embedded");
    let files = all_files(&embedded);
    assert!(files.len() >= 150, "only {} embedded files", files.len());
    // Templates that PyYAML (what SAM uses) rejects too, checked by hand.
    let broken_upstream = [
        "event-sourcing/template.yaml",
        "parallelized-embedding-pipeline/template.yaml",
    ];
    let (mut definitions, mut linked, mut linked_in_corpus) = (0, 0, 0);
    let mut not_checkable = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&embedded)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).unwrap();
        let kind = FileKind::from_path(&rel).expect("corpus templates are JSON or YAML");
        assert!(
            loader::sniff(&bytes, kind),
            "{rel}: discovery would not find it"
        );
        let file = loader::load(bytes, kind);
        if broken_upstream.iter().any(|b| rel.ends_with(b)) {
            assert!(
                file.tree.is_none(),
                "{rel} parses now; drop it from broken_upstream"
            );
            println!("  {rel}: invalid YAML (PyYAML agrees)");
            continue;
        }
        let template = file
            .template
            .as_ref()
            .unwrap_or_else(|| panic!("{rel}: not read as a template: {:?}", file.problems));
        definitions += template.definitions.len();
        let mut reasons = Vec::new();
        for skipped in &template.skipped {
            match &skipped.reason {
                SkipReason::LocalFile(uri) => {
                    linked += 1;
                    // The corpus keeps a template's definition files under
                    // `real/` at the same relative path.
                    let dir = std::path::Path::new(&rel).parent().unwrap();
                    let mirrored = corpus.join("real").join(dir).join(uri);
                    if mirrored.is_file() {
                        linked_in_corpus += 1;
                    }
                    reasons.push(format!("DefinitionUri {uri}"));
                }
                SkipReason::NotCheckable(why) => {
                    not_checkable.push(format!("{rel}: {why}"));
                    reasons.push(format!("not checkable: {why}"));
                }
                SkipReason::NoDefinition => reasons.push("no definition".to_string()),
            }
        }
        println!(
            "  {rel}: {} definition(s){}",
            template.definitions.len(),
            if reasons.is_empty() {
                String::new()
            } else {
                format!("; skipped: {}", reasons.join("; "))
            }
        );
    }
    println!(
        "corpus/embedded: {} templates, {definitions} inline definitions, {linked} DefinitionUri \
         links ({linked_in_corpus} of them present under real/), {} not checkable",
        files.len(),
        not_checkable.len()
    );
    // Lint the whole folder as a user would: discovery by sniffing, no crash,
    // no syntax error on files AWS deploys.
    let reports = lint_tree(&embedded);
    print_counts("corpus/embedded", &reports);
    let linted = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Linted)
        .count();
    assert_eq!(linted, files.len(), "discovery missed embedded templates");
    let broken: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| {
            matches!(
                f.rule,
                "internal-error" | "invalid-json" | "invalid-yaml" | "duplicate-key"
            ) && !broken_upstream.iter().any(|b| f.file.ends_with(b))
        })
        .map(|f| format!("{}:{}: {} [{}]", f.file, f.start.line, f.message, f.rule))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    let approximate: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.message.contains("position approximate"))
        .map(|f| format!("{}:{}", f.file, f.start.line))
        .collect();
    assert!(
        approximate.is_empty(),
        "positions not mapped: {approximate:#?}"
    );
    assert!(
        definitions >= 40 && linked >= 100,
        "{definitions} inline, {linked} linked"
    );
}
