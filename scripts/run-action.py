#!/usr/bin/env python3
"""Runs the composite action's shell steps locally, as the runner would.

    run-action.py WORKDIR KEY=VALUE...   (action inputs; version defaults to 'path')

Fills `${{ inputs.* }}`, `${{ runner.* }}` and `${{ github.* }}` in each
step's env, skips `uses:` steps and steps whose `if:` is false, sets
GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY and RUNNER_TEMP, runs each
step with bash, and prints the action's outputs as JSON. Exit code: the
first failing step's.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    workdir, pairs = sys.argv[1], sys.argv[2:]
    with open(os.path.join(ROOT, "action.yml")) as f:
        action = yaml.safe_load(f)
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs["version"] = "path"
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in inputs:
            sys.exit(f"unknown input {key}")
        inputs[key] = value
    tmp = tempfile.mkdtemp()
    context = {"runner.tool_cache": tmp, "runner.os": "Linux", "runner.arch": "X64",
               "github.action_repository": "asl-lint/asl-lint"}
    step_outputs = {}

    def fill(text):
        def sub(m):
            expr = m.group(1).strip()
            if expr.startswith("inputs."):
                return inputs[expr[len("inputs."):]]
            if expr.startswith("steps."):
                _, step, _, name = expr.split(".", 3)
                return step_outputs.get(step, {}).get(name, "")
            return context.get(expr, "")
        return re.sub(r"\$\{\{(.*?)\}\}", sub, str(text))

    def condition(expr):
        m = re.fullmatch(r"\s*inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*", expr)
        if not m:
            sys.exit(f"unsupported if: {expr}")
        equal = inputs[m.group(1)] == m.group(3)
        return equal if m.group(2) == "==" else not equal

    status = 0
    for step in action["runs"]["steps"]:
        if "if" in step and not condition(step["if"]):
            continue
        if "uses" in step:
            continue
        out_file = os.path.join(tmp, f"{step.get('id', 'step')}.out")
        open(out_file, "w").close()
        env = dict(os.environ)
        env.update({k: fill(v) for k, v in step.get("env", {}).items()})
        env.update({
            "GITHUB_ACTION_PATH": ROOT,
            "GITHUB_OUTPUT": out_file,
            "GITHUB_PATH": os.path.join(tmp, "path"),
            "GITHUB_STEP_SUMMARY": os.path.join(tmp, "summary.md"),
            "RUNNER_TEMP": tmp,
        })
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=workdir, env=env)
        outputs = {}
        with open(out_file) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                outputs[key] = value
        step_outputs[step.get("id", "")] = outputs
        if result.returncode != 0:
            status = result.returncode
            break
    final = {k: fill(v["value"]) for k, v in action.get("outputs", {}).items()}
    print(json.dumps(final, sort_keys=True))
    sys.exit(status)


if __name__ == "__main__":
    main()
