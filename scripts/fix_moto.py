#!/usr/bin/env python3
"""Runs the talk's fix in moto: the cleanup Task `--fix` adds must stop the
resource when a later state fails.

For each definition given, asl-lint fixes it (`--fix --unsafe-fixes` on
stdin); the fixed definition runs in moto's Step Functions interpreter with
EC2 served by moto, the state after the launch fails (it reads an S3 bucket
that does not exist), and the run must show the stop call before the
execution ends, and leave every instance it launched terminated.

Usage: fix_moto.py ASL_LINT_BINARY DEFINITION...
Prints one line per definition and closes with `N passed, N failed`.
"""

import json
import subprocess
import sys
import time

import boto3
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/fix-oracle"
REGION = "us-east-1"


def fixed_text(binary, path):
    with open(path, "rb") as f:
        original = f.read()
    run = subprocess.run(
        [binary, "--fix", "--unsafe-fixes", "--no-config", "-", "--stdin-filename", path],
        input=original,
        capture_output=True,
    )
    if run.returncode == 2:
        raise RuntimeError(run.stderr.decode())
    return original, run.stdout


def execute(definition):
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        arn = sfn.create_state_machine(
            name="fixed", definition=definition, roleArn=ROLE
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
        for _ in range(300):
            status = sfn.describe_execution(executionArn=execution)["status"]
            if status != "RUNNING":
                break
            time.sleep(0.05)
        events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
        states = [
            i["State"]["Name"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
        ]
        return status, events, states


def check(binary, path):
    original, fixed = fixed_text(binary, path)
    if fixed == original:
        return "the fix changed nothing"
    definition = fixed.decode()
    if path.endswith((".yaml", ".yml")):
        import yaml  # PyYAML comes with cfn-lint in the venv .ci/run builds

        definition = json.dumps(yaml.safe_load(definition))
    status, events, instances = execute(definition)
    stops = [
        n
        for n, e in enumerate(events)
        if e["type"] == "TaskScheduled"
        and e["taskScheduledEventDetails"]["resource"] in ("terminateInstances", "stopInstances")
    ]
    end = next((n for n, e in enumerate(events) if e["type"].startswith("Execution") and n > 0), None)
    if not stops:
        return f"no stop call in the history (status {status})"
    if end is not None and stops[0] > end:
        return "the stop call came after the execution ended"
    if not instances or any(s not in ("terminated", "shutting-down", "stopped") for s in instances):
        return f"instances left running: {instances}"
    if status != "FAILED":
        return f"the execution ended {status}, not FAILED as before the fix"
    return None


def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for path in paths:
        problem = check(binary, path)
        if problem:
            failed += 1
            print(f"FAIL {path}: {problem}")
        else:
            passed += 1
            print(f"ok   {path}: the cleanup Task stopped the instance before the execution failed")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
