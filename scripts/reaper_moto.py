#!/usr/bin/env python3
"""Runs each `asl-lint --reaper KIND` state machine in moto.

For every kind moto serves, the resource is created in moto, the generated
state machine (its inline Definition, the wait set to a second) is started
with a CloudTrail-shaped event for it, and the resource must be stopped
afterwards; a second run, on the stopped resource, must succeed too.

EventBridge in moto does not deliver to Step Functions, so the rule's event
pattern is checked apart: it must match the start call's CloudTrail record
(shaped as the CloudTrail docs show it) and not the stop call's record nor a
failed start.

Usage: reaper_moto.py ASL_LINT_BINARY
Prints one line per check and closes with `N passed, N failed, N skipped`.
"""

import json
import re
import subprocess
import sys
import time

import boto3
import yaml
from moto import mock_aws

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/reaper"


class CfnLoader(yaml.SafeLoader):
    """Reads the template; its intrinsics are long-form, no tags needed."""


def template(binary, kind, scope="humans"):
    out = subprocess.run(
        [binary, "--reaper", kind, "--reaper-wait", "1s", "--reaper-scope", scope],
        capture_output=True,
        check=True,
    )
    return yaml.load(out.stdout, Loader=CfnLoader)


def definition(tpl):
    props = tpl["Resources"]["Reaper"]["Properties"]
    text = json.dumps(props["Definition"])
    # The deploy fills the placeholder; no notification topic here.
    return text.replace("${NotificationTopicArn}", "")


PERSON = {"type": "IAMUser", "accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ana"}
SSO = {
    "type": "AssumedRole",
    "accountId": ACCOUNT,
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/ana",
}
# How CloudTrail records a start that a service made for a pipeline (an
# Auto Scaling group, EMR's own instances, an EKS node group).
SERVICE = {
    "type": "AssumedRole",
    "accountId": ACCOUNT,
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
    "invokedBy": "autoscaling.amazonaws.com",
}
PIPELINE = {
    "type": "AssumedRole",
    "accountId": ACCOUNT,
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/etl-pipeline-role/run-42",
}


def cloudtrail(source, name, request, response, error=None, who=PERSON):
    detail = {
        "eventVersion": "1.08",
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "userIdentity": who,
        "requestParameters": request,
        "responseElements": response,
    }
    if error:
        detail["errorCode"] = error
        detail["responseElements"] = None
    return {
        "version": "0",
        "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + source.split(".")[0],
        "account": ACCOUNT,
        "region": REGION,
        "detail": detail,
    }


def wildcard(pattern, text):
    """EventBridge's `wildcard`: `*` matches any run of characters."""
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), text) is not None


def matches(pattern, event):
    """EventBridge matching for the forms the reaper uses: lists of values,
    `{"exists": ...}`, `{"wildcard": ...}`, `$or`, nested objects."""
    for key, want in pattern.items():
        if key == "$or":
            if not any(matches(option, event) for option in want):
                return False
            continue
        if isinstance(want, dict):
            if not isinstance(event.get(key), dict) or not matches(want, event[key]):
                return False
            continue
        present = key in event and event[key] is not None
        ok = False
        for option in want:
            if isinstance(option, dict) and "exists" in option:
                ok = ok or (present == option["exists"])
            elif isinstance(option, dict) and "wildcard" in option:
                ok = ok or (isinstance(event.get(key), str) and wildcard(option["wildcard"], event[key]))
            elif present and event[key] == option:
                ok = True
        if not ok:
            return False
    return True


RUNS = iter(range(1_000_000))


def run(sfn, arn, event):
    execution = sfn.start_execution(
        stateMachineArn=arn, name=f"run-{next(RUNS)}", input=json.dumps(event)
    )["executionArn"]
    for _ in range(600):
        status = sfn.describe_execution(executionArn=execution)["status"]
        if status != "RUNNING":
            return status
        time.sleep(0.05)
    return "TIMED_OUT"


# Per kind: create the resource, the start and stop records, and read its state.
def glue_session():
    glue = boto3.client("glue", region_name=REGION)
    glue.create_session(Id="nightly", Role=ROLE, Command={"Name": "glueetl"})
    start = cloudtrail("glue.amazonaws.com", "CreateSession", {"id": "nightly", "role": ROLE}, {"session": {"id": "nightly"}})
    stop = cloudtrail("glue.amazonaws.com", "StopSession", {"id": "nightly"}, {"id": "nightly"})
    return start, stop, lambda: glue.get_session(Id="nightly")["Session"]["Status"], {"STOPPED", "STOPPING"}


def ec2_instance():
    ec2 = boto3.client("ec2", region_name=REGION)
    iid = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    items = {"items": [{"instanceId": iid, "instanceState": {"code": 0, "name": "pending"}}]}
    start = cloudtrail("ec2.amazonaws.com", "RunInstances", {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": 1}]}}, {"reservationId": "r-1", "instancesSet": items})
    stop = cloudtrail("ec2.amazonaws.com", "StopInstances", {"instancesSet": {"items": [{"instanceId": iid}]}}, {"instancesSet": items})

    def state():
        return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]

    return start, stop, state, {"stopped", "stopping"}


def emr_cluster():
    emr = boto3.client("emr", region_name=REGION)
    cid = emr.run_job_flow(
        Name="adhoc",
        ReleaseLabel="emr-7.1.0",
        Instances={"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )["JobFlowId"]
    start = cloudtrail("elasticmapreduce.amazonaws.com", "RunJobFlow", {"name": "adhoc"}, {"jobFlowId": cid})
    stop = cloudtrail("elasticmapreduce.amazonaws.com", "TerminateJobFlows", {"jobFlowIds": [cid]}, None)
    return start, stop, lambda: emr.describe_cluster(ClusterId=cid)["Cluster"]["Status"]["State"], {"TERMINATING", "TERMINATED"}


def sagemaker_notebook():
    sm = boto3.client("sagemaker", region_name=REGION)
    sm.create_notebook_instance(NotebookInstanceName="scratch", InstanceType="ml.t3.medium", RoleArn=ROLE)
    start = cloudtrail("sagemaker.amazonaws.com", "CreateNotebookInstance", {"notebookInstanceName": "scratch", "instanceType": "ml.t3.medium"}, {"notebookInstanceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/scratch"})
    stop = cloudtrail("sagemaker.amazonaws.com", "StopNotebookInstance", {"notebookInstanceName": "scratch"}, None)
    return start, stop, lambda: sm.describe_notebook_instance(NotebookInstanceName="scratch")["NotebookInstanceStatus"], {"Stopped", "Stopping"}


KINDS = {
    "glue-session": glue_session,
    "ec2-instance": ec2_instance,
    "emr-cluster": emr_cluster,
    "sagemaker-notebook": sagemaker_notebook,
}


def create(sfn, tpl):
    return sfn.create_state_machine(name=f"reaper-{next(RUNS)}", definition=definition(tpl), roleArn=ROLE)["stateMachineArn"]


def ec2_tag_scope(binary, report):
    """One launch of two tagged instances and one untagged: the tagged ones
    are stopped, each of them, and the other is left running."""
    tpl = template(binary, "ec2-instance", "tag=reap=yes")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        ec2 = boto3.client("ec2", region_name=REGION)
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "reap", "Value": "yes"}]}]
        tagged = [i["InstanceId"] for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, TagSpecifications=tags)["Instances"]]
        other = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        items = {"items": [{"instanceId": i, "instanceState": {"code": 0, "name": "pending"}} for i in tagged + [other]]}
        start = cloudtrail("ec2.amazonaws.com", "RunInstances", {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 3, "maxCount": 3}]}}, {"reservationId": "r-1", "instancesSet": items})
        sfn = boto3.client("stepfunctions", region_name=REGION)
        status = run(sfn, create(sfn, tpl), start)
        reservations = ec2.describe_instances(InstanceIds=tagged + [other])["Reservations"]
        states = {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}
        ok = status == "SUCCEEDED" and all(states[t] in {"stopped", "stopping"} for t in tagged) and states[other] == "running"
        report(ok, "ec2-instance", f"tag=reap=yes: both tagged instances of one launch stopped, the untagged one left running ({status}, {states})")


def emr_tag_scope(binary, report):
    """A tagged cluster is terminated; an untagged one is left running."""
    tpl = template(binary, "emr-cluster", "tag=team=data")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        emr = boto3.client("emr", region_name=REGION)

        def cluster(tags):
            return emr.run_job_flow(
                Name="adhoc",
                ReleaseLabel="emr-7.1.0",
                Instances={"MasterInstanceType": "m5.xlarge", "SlaveInstanceType": "m5.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
                JobFlowRole="EMR_EC2_DefaultRole",
                ServiceRole="EMR_DefaultRole",
                Tags=tags,
            )["JobFlowId"]

        tagged, other = cluster([{"Key": "team", "Value": "data"}]), cluster([{"Key": "team", "Value": "web"}])
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = create(sfn, tpl)
        statuses = [run(sfn, arn, cloudtrail("elasticmapreduce.amazonaws.com", "RunJobFlow", {"name": "adhoc"}, {"jobFlowId": c})) for c in (tagged, other)]
        state = lambda c: emr.describe_cluster(ClusterId=c)["Cluster"]["Status"]["State"]  # noqa: E731
        ok = statuses == ["SUCCEEDED", "SUCCEEDED"] and state(tagged) in {"TERMINATING", "TERMINATED"} and state(other) in {"STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"}
        report(ok, "emr-cluster", f"tag=team=data: the tagged cluster terminated, the other left running ({statuses}, {state(tagged)}, {state(other)})")


def main():
    binary = sys.argv[1]
    listed = subprocess.run([binary, "--reaper", "list"], capture_output=True, text=True, check=True)
    kinds = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    passed = failed = skipped = 0

    def report(ok, kind, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {kind}: {what}")
        else:
            failed += 1
            print(f"FAIL {kind}: {what}")

    for kind in kinds:
        if kind not in KINDS:
            skipped += 1
            print(f"skip {kind}: no moto setup for this kind in the test")
            continue
        tpl = template(binary, kind)
        pattern = tpl["Resources"]["Reaper"]["Properties"]["Events"]["Started"]["Properties"]["Pattern"]
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            try:
                start, stop, state, stopped = KINDS[kind]()
            except Exception as e:  # moto lacks the service call
                skipped += 1
                print(f"skip {kind}: moto cannot create the resource ({type(e).__name__}: {e})")
                continue
            report(matches(pattern, start), kind, "the rule matches the start call's CloudTrail record")
            by = lambda who: {**start, "detail": {**start["detail"], "userIdentity": who}}  # noqa: E731
            report(matches(pattern, by(SSO)), kind, "humans: the rule matches a start from an SSO session")
            report(not matches(pattern, by(SERVICE)), kind, "humans: the rule ignores a start an AWS service made")
            report(not matches(pattern, by(PIPELINE)), kind, "humans: the rule ignores a start a pipeline's role made")
            report(not matches(pattern, stop), kind, "the rule ignores the stop call's record")
            failed_start = cloudtrail(start["detail"]["eventSource"], start["detail"]["eventName"], {}, None, error="AccessDenied")
            report(not matches(pattern, failed_start), kind, "the rule ignores a failed start")
            sfn = boto3.client("stepfunctions", region_name=REGION)
            arn = create(sfn, tpl)
            before = state()
            status = run(sfn, arn, start)
            after = state()
            if status != "SUCCEEDED" or after not in stopped:
                history = sfn.get_execution_history(executionArn=sfn.list_executions(stateMachineArn=arn)["executions"][0]["executionArn"])["events"]
                failures = [e for e in history if "Failed" in e["type"]]
                report(False, kind, f"run ended {status}, resource {before} -> {after}; {json.dumps(failures, default=str)[:600]}")
                continue
            report(True, kind, f"the reaper stopped it ({before} -> {after})")
            status = run(sfn, arn, start)
            report(status == "SUCCEEDED", kind, f"a second run on the stopped resource ends {status}")
    for check in (ec2_tag_scope, emr_tag_scope):
        try:
            check(binary, report)
        except Exception as e:  # a moto or boto3 failure is a failed check
            report(False, check.__name__, f"{type(e).__name__}: {e}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
