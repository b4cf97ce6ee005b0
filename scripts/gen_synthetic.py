#!/usr/bin/env python3
"""Writes synthetic state machines for the scale benchmark.

    gen_synthetic.py KIND N OUT

KIND:
  chain    N Task states in a row
  diamond  N chained Choice diamonds (2^N paths from start to end)
  glue     a Glue session started at the top, then N Choice diamonds, then a stop
  wide     one Parallel with N branches of two states each
  nested   Map and Parallel nested N deep, alternating
  sdk      N aws-sdk: Tasks in a row over eight services, each with Parameters (nested
           maps and lists), a Retry and a Catch on the service's own error names and a
           ResultSelector: the service-contract rules' work, with no findings

Hostile shapes (each benchmarked at N and 4N bytes of input, to show growth):
  dense    a poll loop through N Choices of N rules each (N*N edges)
  typos    N Pass states whose Next misses its state by one letter
  longname one state whose name (and misspelt Next) is N characters
  intrinsic one Pass whose Parameters nest N intrinsic calls
  aliases  a YAML definition aliasing one N-character anchor 100 times
  join     a template whose DefinitionString joins N parts on one flow line
  flow     N states in a row that make and read data: a Pass building an object, a
           lambda:invoke Task keeping its input with ResultPath, a Choice reading both,
           a Map over a built array; every fifth Task has a Catch to a shared handler
           that reads the error: the data-flow analysis's work, with no findings
  choiceloop  a poll loop through N Choices, each reading fields a Pass built and routing
           back to the Pass or on to the next Choice: N routes join at every state
  sdktypos N aws-sdk: Tasks like `sdk`'s, every other one with its action misspelt by
           case, the rest with a parameter lower-cased, and all with a Retry error name
           that lacks its `Exception` suffix: findings and "did you mean" on every Task
  typosline `typos` minified: N findings on one line
  jointypos a template whose DefinitionString joins N parts on one flow line, each a
           state with a misspelt Next: N findings on one long line, mapped through parts
  samdefs  a SAM template with N small inline definitions, each with a misspelt Next
  deploys  a folder: one DefinitionUri file deployed by N SAM resources, each with its
           own DefinitionSubstitutions (OUT is the folder)
  tflocals a folder of N `.tf` files, each loading the definition through `local.NAME`
           (OUT is the folder)
  tfroles  a folder with one `.tf` file: N state machines sharing one role with an
           attached policy (OUT is the folder)
  implicit a YAML definition with N `yaml-implicit-type` findings
  costcycle N Choices in one counted cycle (for `--cost`)
  overrides a folder with a definition and `asl-lint.toml` holding N `[[overrides]]`
           (OUT is the folder)
"""
import os
import json
import sys

LAMBDA = "arn:aws:states:::lambda:invoke"


def task(name, next_state=None):
    state = {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": name, "Payload.$": "$"}}
    if next_state:
        state["Next"] = next_state
    else:
        state["End"] = True
    return state


def chain(n):
    states = {f"Step {i}": task(f"step-{i}", f"Step {i + 1}" if i + 1 < n else None) for i in range(n)}
    return {"StartAt": "Step 0", "States": states}


def diamonds(n, states, first, last):
    """N diamonds from `first`; the last joins into `last`."""
    for i in range(n):
        join = f"Join {i}"
        states[f"Choice {i}"] = {
            "Type": "Choice",
            "Choices": [{"Variable": f"$.flag{i}", "BooleanEquals": True, "Next": f"Left {i}"}],
            "Default": f"Right {i}",
        }
        states[f"Left {i}"] = {"Type": "Pass", "Next": join}
        states[f"Right {i}"] = {"Type": "Pass", "Next": join}
        states[join] = {"Type": "Pass", "Next": f"Choice {i + 1}" if i + 1 < n else last}
    return first


def diamond(n):
    states = {}
    diamonds(n, states, "Choice 0", "Done")
    states["Done"] = {"Type": "Succeed"}
    return {"StartAt": "Choice 0", "States": states}


def glue(n):
    states = {
        "Create session": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:glue:createSession",
            "Parameters": {"Id.$": "$$.Execution.Name", "Role": "r", "Command": {"Name": "glueetl"}},
            "Next": "Choice 0",
        }
    }
    diamonds(n, states, "Choice 0", "Stop session")
    states["Stop session"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:glue:stopSession",
        "Parameters": {"Id.$": "$.Session.Id"},
        "End": True,
    }
    return {"StartAt": "Create session", "States": states}


def wide(n):
    branches = [
        {"StartAt": f"A{i}", "States": {f"A{i}": task(f"a{i}", f"B{i}"), f"B{i}": {"Type": "Pass", "End": True}}}
        for i in range(n)
    ]
    return {"StartAt": "Fan out", "States": {"Fan out": {"Type": "Parallel", "Branches": branches, "End": True}}}


def nested(depth):
    inner = {"StartAt": "Leaf", "States": {"Leaf": task("leaf")}}
    for level in range(depth):
        name = f"Level {level}"
        if level % 2 == 0:
            state = {"Type": "Map", "ItemProcessor": inner, "End": True}
        else:
            state = {"Type": "Parallel", "Branches": [inner], "End": True}
        inner = {"StartAt": name, "States": {name: state}}
    return inner


def dense(n):
    states = {}
    for i in range(n):
        rules = [{"Variable": "$.x", "NumericEquals": j, "Next": f"S{j}"} for j in range(n)]
        states[f"S{i}"] = {"Type": "Choice", "Choices": rules, "Default": f"T{i}"}
        states[f"T{i}"] = task(f"t{i}", f"W{i}")
        states[f"W{i}"] = {"Type": "Wait", "Seconds": 1, "Next": f"S{(i + 1) % n}"}
    return {"StartAt": "S0", "States": states}


def typos(n):
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}x"} for i in range(n)}
    states[f"S{n}"] = {"Type": "Succeed"}
    return {"StartAt": "S0", "States": states}


def typosline(n):
    return json.dumps(typos(n)) + "\n"


def jointypos(n):
    parts = [json.dumps('{"StartAt":"S0","States":{')]
    parts += [json.dumps(f'"S{i}":{{"Type":"Pass","Next":"S{i + 1}x"}},') for i in range(n)]
    parts.append(json.dumps(f'"S{n}":{{"Type":"Succeed"}}}}}}'))
    return ("Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n"
            "    Properties:\n      DefinitionString: {\"Fn::Join\": [\"\", [" + ", ".join(parts) + "]]}\n")


def longname(n):
    name = "A" * n
    return {"StartAt": name + "B", "States": {name + "B": {"Type": "Pass", "Next": name}}}


def intrinsic(n):
    call = "States.Array(" * n + "1" + ")" * n
    return {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": call}, "End": True}}}


def aliases(n):
    lines = ["StartAt: A", "States:", "  A:", "    Type: Pass", "    Result:", "      big: &big " + "a" * n]
    lines += [f"      k{i}: *big" for i in range(100)]
    return "\n".join(lines + ["    End: true", ""])


def join(n):
    # A template whose DefinitionString is an `Fn::Join` of n parts on one
    # flow line: valid once joined, and every part is a scalar to map back.
    head = json.dumps('{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"')
    tail = json.dumps('","End":true}}}')
    parts = ", ".join([head] + ['"a"'] * n + [tail])
    return ("Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n"
            "    Properties:\n      DefinitionString: {\"Fn::Join\": [\"\", [" + parts + "]]}\n")


# One request-response call per service: (action, Parameters, an error it
# raises as Step Functions names it, a ResultSelector over its output). Names
# as data/aws-models has them (botocore 1.44.18, Java v2 spelling).
SDK_CALLS = [
    ("s3:getObject", {"Bucket": "config", "Key.$": "$.key"},
     "S3.NoSuchKeyException", {"Body.$": "$.Body", "ETag.$": "$.ETag"}),
    ("dynamodb:getItem", {"TableName": "jobs", "Key": {"pk": {"S.$": "$.id"}}, "ConsistentRead": True},
     "DynamoDb.ProvisionedThroughputExceededException", {"Item.$": "$.Item"}),
    ("sqs:sendMessage", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "MessageBody.$": "$.body",
                         "DelaySeconds": 5},
     "Sqs.InvalidMessageContentsException", {"MessageId.$": "$.MessageId"}),
    ("sns:publish", {"TopicArn": "arn:aws:sns:us-east-1:1:t", "Message.$": "$.message",
                     "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "job"}}},
     "Sns.InternalErrorException", {"MessageId.$": "$.MessageId"}),
    ("secretsmanager:getSecretValue", {"SecretId": "db", "VersionStage": "AWSCURRENT"},
     "SecretsManager.ResourceNotFoundException", {"Secret.$": "$.SecretString"}),
    ("rds:describeDBInstances", {"Filters": [{"Name": "engine", "Values": ["postgres"]}], "MaxRecords": 20},
     "Rds.DbInstanceNotFoundException", {"Instances.$": "$.DbInstances"}),
    ("ec2:describeInstances", {"InstanceIds.$": "$.ids", "Filters": [{"Name": "tag:team", "Values": ["a"]}]},
     "Ec2.Ec2Exception", {"Reservations.$": "$.Reservations"}),
    ("cloudwatchlogs:putLogEvents", {"LogGroupName": "g", "LogStreamName": "s",
                                     "LogEvents": [{"Timestamp": 0, "Message.$": "$.line"}]},
     "CloudWatchLogs.InvalidSequenceTokenException", {"Rejected.$": "$.RejectedLogEventsInfo"}),
]


def sdk_task(i, n, action, parameters, error, selector):
    return {
        "Type": "Task",
        "Resource": f"arn:aws:states:::aws-sdk:{action}",
        "Parameters": parameters,
        "ResultSelector": selector,
        "ResultPath": f"$.results.step{i}",
        "Retry": [{"ErrorEquals": [error], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
        **({"Next": f"Call {i + 1}"} if i + 1 < n else {"End": True}),
    }


def sdk(n):
    states = {f"Call {i}": sdk_task(i, n, *SDK_CALLS[i % len(SDK_CALLS)]) for i in range(n)}
    states["Failed"] = {"Type": "Fail", "Error": "CallFailed"}
    return {"StartAt": "Call 0", "States": states}


def sdktypos(n):
    states = {}
    for i in range(n):
        action, parameters, error, selector = SDK_CALLS[i % len(SDK_CALLS)]
        service, name = action.split(":")
        # `getobject`: a case slip; `bucket`: the first key lower-cased, as
        # the raw API spells most; `S3.NoSuchKey`: the shape, not the class.
        parameters = dict(parameters)
        first = next(iter(parameters))
        parameters[first[0].lower() + first[1:]] = parameters.pop(first)
        slip = f"{service}:{name.lower()}" if i % 2 == 0 else action
        states[f"Call {i}"] = sdk_task(i, n, slip, parameters, error.removesuffix("Exception"), selector)
    states["Failed"] = {"Type": "Fail", "Error": "CallFailed"}
    return {"StartAt": "Call 0", "States": states}


def flow(n):
    states = {}
    for i in range(n // 4):
        last = i == n // 4 - 1
        states[f"Build {i}"] = {
            "Type": "Pass",
            "Parameters": {"id.$": "$.id", "step": i, "items.$": "States.Array($.id, $.id)",
                           "meta": {"seen": True, "source.$": "$$.Execution.Id"}},
            "ResultPath": "$.build",
            "Next": f"Call {i}",
        }
        call = {
            "Type": "Task",
            "Resource": LAMBDA,
            "Parameters": {"FunctionName": "work", "Payload": {"id.$": "$.build.id", "step.$": "$.build.step"}},
            "ResultSelector": {"status.$": "$.Payload.status", "code.$": "$.StatusCode"},
            "ResultPath": "$.result",
            "Next": f"Check {i}",
        }
        if i % 5 == 0:
            call["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"}]
        states[f"Call {i}"] = call
        states[f"Check {i}"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.result.status", "StringEquals": "FAILED", "Next": "Handle"},
                        {"Variable": "$.build.meta.seen", "BooleanEquals": False, "Next": "Handle"}],
            "Default": f"Each {i}",
        }
        states[f"Each {i}"] = {
            "Type": "Map",
            "ItemsPath": "$.build.items",
            "ItemSelector": {"item.$": "$$.Map.Item.Value", "id.$": "$.build.id"},
            "ItemProcessor": {"StartAt": f"Item {i}", "States": {f"Item {i}": {
                "Type": "Pass", "Parameters": {"id.$": "$.id", "item.$": "$.item"}, "End": True}}},
            "ResultPath": "$.each",
            **({"End": True} if last else {"Next": f"Build {i + 1}"}),
        }
    states["Handle"] = {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}
    return {"StartAt": "Build 0", "States": states}


def choiceloop(n):
    states = {
        "Prepare": {"Type": "Pass", "Parameters": {"status.$": "$.status", "count": 0, "job.$": "$.job"},
                    "Next": "Choice 0"},
    }
    for i in range(n):
        states[f"Choice {i}"] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.status", "StringEquals": f"S{i}", "Next": "Prepare"},
                {"Variable": "$.job.id", "StringEquals": f"J{i}", "Next": f"Choice {(i + 1) % n}"},
            ],
            "Default": "Done" if i == n - 1 else f"Choice {i + 1}",
        }
    states["Done"] = {"Type": "Succeed"}
    return {"StartAt": "Prepare", "States": states}
def samdefs(n):
    out = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for i in range(n):
        out += [
            f"  Machine{i}:",
            "    Type: AWS::Serverless::StateMachine",
            "    Properties:",
            "      Definition:",
            "        StartAt: Wait",
            "        States:",
            "          Wait:",
            "            Type: Wait",
            f"            Seconds: {i % 60 + 1}",
            "            Next: Dne",
            "          Done:",
            "            Type: Succeed",
        ]
    return "\n".join(out + [""])


def write_folder(out, files):
    os.makedirs(out, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)


# A definition with placeholders each deployment fills: `Then` names a state
# that does not exist, so every deployment has findings of its own.
DEPLOYED = json.dumps({
    "StartAt": "Call",
    "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "${Fn}", "Payload.$": "$"}, "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": "${Pause}", "Next": "Check"},
        "Check": {"Type": "Choice", "Default": "Done", "Choices": [
            {"Variable": f"$.k{j}", "BooleanEquals": True, "Next": "${Then}"} for j in range(8)]},
        "Done": {"Type": "Succeed"},
    },
}, indent=2) + "\n"


def deploys(n, out):
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for i in range(n):
        template += [
            f"  Machine{i}:",
            "    Type: AWS::Serverless::StateMachine",
            "    Properties:",
            "      DefinitionUri: sm.asl.json",
            "      DefinitionSubstitutions:",
            f"        Fn: fn-{i}",
            f"        Pause: {i % 60 + 1}",
            # A state that does not exist: a finding of this deployment's own.
            f"        Then: Done{i}",
        ]
    write_folder(out, {"sm.asl.json": DEPLOYED, "template.yaml": "\n".join(template + [""])})


def tflocals(n, out):
    files = {"sm.asl.json": DEPLOYED.replace('"${Pause}"', "5").replace("${Then}", "Dones")}
    for i in range(n):
        files[f"m{i}.tf"] = (
            f'locals {{\n  def_{i} = templatefile("${{path.module}}/sm.asl.json", {{ Fn = "fn-{i}" }})\n}}\n\n'
            f'resource "aws_sfn_state_machine" "m{i}" {{\n  name       = "m{i}"\n'
            f'  definition = local.def_{i}\n}}\n'
        )
    write_folder(out, files)


def tfroles(n, out):
    role = (
        'resource "aws_iam_role" "sfn" {\n  name               = "sfn"\n  assume_role_policy = "{}"\n}\n\n'
        'resource "aws_iam_role_policy" "invoke" {\n  role   = aws_iam_role.sfn.id\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = "*" }] })\n}\n\n'
    )
    machines = "".join(
        f'resource "aws_sfn_state_machine" "m{i}" {{\n  name     = "m{i}"\n  role_arn = aws_iam_role.sfn.arn\n'
        f'  definition = jsonencode({{ StartAt = "Call", States = {{ Call = {{ Type = "Task", '
        f'Resource = "arn:aws:states:::lambda:invoke", Parameters = {{ FunctionName = "fn-{i}" }}, End = true }} }} }})\n}}\n\n'
        for i in range(n)
    )
    write_folder(out, {"main.tf": role + machines})


def implicit(n):
    lines = ["StartAt: A", "States:", "  A:", "    Type: Pass", "    Result:"]
    lines += [f"      k{i}: yes" for i in range(n)]
    return "\n".join(lines + ["    End: true", ""])


def costcycle(n):
    # Init sets the counter; Choice 0 .. Choice n-1 each stay in the loop
    # while it is below 10; Inc adds one and goes back to Choice 0.
    states = {"Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.n", "Next": "Choice 0"}}
    for i in range(n):
        states[f"Choice {i}"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericLessThan": 10,
                         "Next": f"Choice {i + 1}" if i + 1 < n else "Inc"}],
            "Default": "Done",
        }
    states["Inc"] = {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"},
                     "ResultPath": "$", "Next": "Choice 0"}
    states["Done"] = {"Type": "Succeed"}
    return {"StartAt": "Init", "States": states}


def overrides(n, out):
    config = [f'[[overrides]]\nfiles = ["t{i}/**/*.json"]\nignore = ["unreachable-state"]\n'
              for i in range(n)]
    write_folder(out, {"asl-lint.toml": "\n".join(config), "sm.asl.json": json.dumps(chain(3), indent=2)})


FOLDERS = {"deploys": deploys, "tflocals": tflocals, "tfroles": tfroles, "overrides": overrides}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind in FOLDERS:
        FOLDERS[kind](n, out)
        return
    make = {
        "chain": chain, "diamond": diamond, "glue": glue, "wide": wide, "nested": nested,
        "dense": dense, "typos": typos, "longname": longname, "intrinsic": intrinsic,
        "aliases": aliases, "join": join, "sdk": sdk, "sdktypos": sdktypos,
        "flow": flow, "choiceloop": choiceloop,
        "samdefs": samdefs, "implicit": implicit, "costcycle": costcycle,
        "typosline": typosline, "jointypos": jointypos,
    }[kind]
    made = make(n)
    with open(out, "w", encoding="utf-8") as f:
        if isinstance(made, str):
            f.write(made)
        else:
            json.dump(made, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
