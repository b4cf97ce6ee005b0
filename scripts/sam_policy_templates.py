#!/usr/bin/env python3
"""Build data/iam/sam-policy-templates.json from the SAM policy templates in aws-sam-translator.

    python3 scripts/sam_policy_templates.py            # download the pinned wheel, rewrite the data
    python3 scripts/sam_policy_templates.py --check    # regenerate in memory, fail on any difference
    python3 scripts/sam_policy_templates.py --wheel aws_sam_translator-X-py3-none-any.whl [--check]

A SAM `Policies` entry such as `LambdaInvokePolicy: {FunctionName: !Ref Fn}` expands, at deploy
time, to the statements of `samtranslator/policy_templates_data/policy_templates.json`. The
`role-missing-permission` rule needs only what each template grants: for each statement its
effect, its actions and its resources. Resources are written as patterns: `${Name}` where the
template takes the parameter `Name`, `*` where the deploy fills in anything else (the
partition, region, account, or an attribute of another resource). Nothing else of the file
(descriptions, conditions) is kept; a statement that has a `Condition` says so.

aws-sam-translator is Apache-2.0, (c) Amazon.com, Inc. or its affiliates (see NOTICE).
Python 3.11 standard library only; pip is run as a subprocess to fetch the wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# Bump both together, then run the script and commit data/iam/sam-policy-templates.json.
SAM_VERSION = "1.115.0"
SAM_WHEEL_SHA256 = "9be2d7b04041a64e89ed3fb1186f948377ecc118033a8a7538f271d4bcab0afa"

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "iam" / "sam-policy-templates.json"
MEMBER = "samtranslator/policy_templates_data/policy_templates.json"

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def sub(text: str, variables: dict, parameters: set[str]) -> str:
    """An `Fn::Sub` string as a pattern: a variable bound to `Ref` of a template parameter
    becomes `${Parameter}`; anything else the deploy fills in becomes `*`."""

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        bound = variables.get(name)
        if isinstance(bound, dict) and set(bound) == {"Ref"} and bound["Ref"] in parameters:
            return "${" + bound["Ref"] + "}"
        if bound is None and name in parameters:
            return "${" + name + "}"
        if isinstance(bound, str):
            return bound
        return "*"

    return PLACEHOLDER.sub(one, text)


def patterns(value, parameters: set[str]) -> list[str]:
    """Every resource pattern a statement's `Resource` may take."""
    if isinstance(value, str):
        return [sub(value, {}, parameters)]
    if isinstance(value, list):
        return [p for v in value for p in patterns(v, parameters)]
    if isinstance(value, dict) and len(value) == 1:
        (name, arg), = value.items()
        if name == "Fn::Sub":
            if isinstance(arg, str):
                return [sub(arg, {}, parameters)]
            return [sub(arg[0], arg[1], parameters)]
        if name == "Ref" and arg in parameters:
            return ["${" + arg + "}"]
        if name == "Fn::If":
            return patterns(arg[1], parameters) + patterns(arg[2], parameters)
    return ["*"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def convert(templates: dict) -> dict:
    out = {}
    for name in sorted(templates):
        template = templates[name]
        parameters = set(template.get("Parameters", {}))
        statements = []
        for s in as_list(template["Definition"]["Statement"]):
            unknown = set(s) - {"Effect", "Action", "Resource", "Condition", "Sid"}
            if unknown:
                raise SystemExit(f"{name}: statement keys this script does not read: {unknown}")
            statement = {
                "effect": s["Effect"],
                "actions": sorted(set(as_list(s["Action"]))),
                "resources": patterns(s.get("Resource", "*"), parameters),
            }
            if "Condition" in s:
                statement["condition"] = True
            statements.append(statement)
        out[name] = {"parameters": sorted(parameters), "statements": statements}
    return out


def generate(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(MEMBER))
    doc = {
        "source": f"aws-sam-translator {SAM_VERSION} ({MEMBER})",
        "templates": convert(data["Templates"]),
    }
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def download(dest: Path) -> Path | None:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", f"aws-sam-translator=={SAM_VERSION}", "-d", str(dest),
    ]
    try:
        subprocess.run(cmd, check=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as err:
        print(f"pip download failed: {err}", file=sys.stderr)
        return None
    wheels = sorted(dest.glob(f"aws_sam_translator-{SAM_VERSION}-*.whl"))
    return wheels[0] if wheels else None


def check_wheel(wheel: Path) -> None:
    got = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if got != SAM_WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {got}, expected {SAM_WHEEL_SHA256}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="regenerate and compare with the committed file")
    ap.add_argument("--wheel", type=Path, help="use this aws-sam-translator wheel instead of downloading it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(Path(tmp))
        if wheel is None:
            return 2
        check_wheel(wheel)
        text = generate(wheel)
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT.relative_to(ROOT)} is stale; run scripts/sam_policy_templates.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} matches aws-sam-translator {SAM_VERSION}")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
