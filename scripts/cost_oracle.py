#!/usr/bin/env python3
"""Checks `asl-lint --cost` against real executions.

Each case in tests/cost-oracle/ is a definition and inputs that drive its
paths. The definition runs in moto's Step Functions interpreter (in-process,
no AWS); its billed transitions are the `*StateEntered` history events plus
one per retry, as AWS bills Standard workflows. Every run must lie within
asl-lint's [min, max]; a run marked `shortest` must hit min exactly; a case
marked `expect_unbounded` must have `max: null`.

Usage: cost_oracle.py ASL_LINT_BINARY [CASE_DIR]
Prints one line per run and closes with `N passed, N failed`.
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/oracle"
REGION = "us-east-1"


def transitions(events):
    entered = sum(1 for e in events if e["type"].endswith("StateEntered"))
    task_entries = sum(1 for e in events if e["type"] == "TaskStateEntered")
    scheduled = sum(1 for e in events if e["type"] in ("TaskScheduled", "LambdaFunctionScheduled"))
    # Each retry schedules the Task again without entering the state again.
    return entered + max(0, scheduled - task_entries)


def history(sfn, execution):
    events, token = [], None
    while True:
        kw = {"executionArn": execution, "maxResults": 1000}
        if token:
            kw["nextToken"] = token
        page = sfn.get_execution_history(**kw)
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def execute(case, run):
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        ddb = boto3.client("dynamodb", region_name=REGION)
        if not run.get("drop_tables"):
            for table in case.get("tables", []):
                ddb.create_table(
                    TableName=table,
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                )
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(
            name="oracle", definition=json.dumps(case["definition"]), roleArn=ROLE
        )["stateMachineArn"]
        execution = sfn.start_execution(
            stateMachineArn=arn, input=json.dumps(run.get("input", {}))
        )["executionArn"]
        deadline = time.time() + 60
        while True:
            status = sfn.describe_execution(executionArn=execution)["status"]
            if status != "RUNNING" or time.time() > deadline:
                break
            time.sleep(0.02)
        return status, transitions(history(sfn, execution))


def estimate(binary, case, run):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.asl.json"
        path.write_text(json.dumps(case["definition"]))
        out = subprocess.run(
            [binary, "--cost", "--no-config", "--format", "json", *run.get("cost_args", []), str(path)],
            capture_output=True,
            text=True,
        )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"asl-lint --cost exited {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)["definitions"][0]


def main():
    binary = sys.argv[1]
    root = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent.parent / "tests" / "cost-oracle"
    passed = failed = 0
    for file in sorted(root.glob("*.json")):
        case = json.loads(file.read_text())
        for run in case["runs"]:
            label = f"{file.stem}: {run['name']}"
            problems = []
            status, count = execute(case, run)
            est = estimate(binary, case, run)
            lo, hi = est["transitions"]["min"], est["transitions"]["max"]
            if status == "RUNNING":
                problems.append("the execution did not finish")
            if "expect" in run and count != run["expect"]:
                problems.append(f"the case expects {run['expect']} transitions (its comment is wrong)")
            if count < lo:
                problems.append(f"ran {count}, below min {lo}")
            if hi is not None and count > hi:
                problems.append(f"ran {count}, above max {hi} (an under-count)")
            if run.get("shortest") and count != lo:
                problems.append(f"the shortest path ran {count}, min says {lo}")
            if case.get("expect_unbounded") and hi is not None:
                problems.append(f"expected an unbounded estimate, got max {hi}")
            if not case.get("expect_unbounded") and hi is None:
                problems.append("expected a bounded estimate, got max null")
            verdict = "FAIL" if problems else "ok"
            print(f"{verdict:4} {label}: ran {count} ({status}), estimate [{lo}, {hi}]" +
                  ("".join(f"\n       {p}" for p in problems)))
            if problems:
                failed += 1
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    # moto logs every failed state as an exception; the verdicts are ours.
    logging.disable(logging.CRITICAL)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    sys.exit(main())
