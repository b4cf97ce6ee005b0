#!/usr/bin/env python3
"""Build data/aws-models/ from the AWS service models that ship in botocore.

    python3 scripts/aws_models.py            # download the pinned wheel, rewrite data/aws-models
    python3 scripts/aws_models.py --check    # regenerate into a temp dir, fail on any difference
    python3 scripts/aws_models.py --wheel botocore-X-py3-none-any.whl [--check]

The data lets asl-lint check `arn:aws:states:::aws-sdk:<service>:<action>` Tasks offline.
Step Functions runs these integrations through the AWS SDK for Java v2, so every name in
the output is spelt the way Step Functions spells it (see docs/aws-models.md):

* service names and error prefixes follow the Java v2 client name;
* structure members follow the Java v2 getter names, first letter capitalised;
* error names follow the Java v2 exception class names.

The botocore models are Apache-2.0, (c) Amazon.com, Inc. or its affiliates (see NOTICE).
Python 3.11 standard library only; pip is run as a subprocess to fetch the wheel.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# Bump both together, then run the script and commit data/aws-models.
BOTOCORE_VERSION = "1.44.18"
BOTOCORE_WHEEL_SHA256 = "300bc45095e810c5d915cefacdd6ea9ef786fe566aa4e221bf0449b4e0e95076"

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "aws-models"

# ---------------------------------------------------------------------------
# Java v2 naming, re-implemented from the AWS SDK for Java v2 sources (Apache-2.0):
#   codegen/src/main/java/software/amazon/awssdk/codegen/internal/Utils.java
#       unCapitalize, capitalize
#   utils/src/main/java/software/amazon/awssdk/utils/internal/CodegenNamingUtils.java
#       splitOnWordBoundaries, pascalCase
#   codegen/src/main/java/software/amazon/awssdk/codegen/naming/DefaultNamingStrategy.java
#       getServiceName, getExceptionName, getFluentGetterMethodName (rewriteInvalidMemberName)
#   codegen/src/main/java/software/amazon/awssdk/codegen/internal/Constant.java
#       CONFLICTING_NAME_SUFFIX = "Value", EXCEPTION_CLASS_SUFFIX, FAULT_CLASS_SUFFIX
# ---------------------------------------------------------------------------

JAVA_KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do double "
    "else enum extends false final finally float for goto if implements import instanceof int "
    "interface long native new null package private protected public return short static "
    "strictfp super switch synchronized this throw throws transient true try void volatile "
    "while".split()
)
_JAVA_METHODS = {"equals", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait"}
_POJO_METHODS = _JAVA_METHODS | {"builder", "sdkFields", "toBuilder"}
RESERVED_STRUCTURE_METHODS = frozenset(_POJO_METHODS | {"overrideConfiguration", "sdkHttpResponse"})
RESERVED_EXCEPTION_METHODS = frozenset(
    _POJO_METHODS
    | {
        "awsErrorDetails", "cause", "fillInStackTrace", "getCause", "getLocalizedMessage",
        "getMessage", "getStackTrace", "getSuppressed", "isClockSkewException",
        "isThrottlingException", "printStackTrace", "requestId", "retryable",
        "serializableBuilderClass", "statusCode",
    }
)


def un_capitalize(name: str) -> str:
    """Utils.unCapitalize: lower-case the leading run of capitals, but leave the last
    capital of the run alone when a lower-case letter follows it
    (DBInstanceIdentifier -> dbInstanceIdentifier, ARN -> arn, IPv6 -> iPv6)."""
    if not name.strip():
        raise ValueError("empty name")
    out = []
    i = 0
    while True:
        out.append(name[i].lower())
        i += 1
        if not (i < len(name) and name[i].isupper()):
            break
        if i < len(name) - 1 and name[i + 1].islower():
            break
    return "".join(out) + name[i:]


def capitalize(name: str) -> str:
    return name[:1].upper() + name[1:]


def split_on_word_boundaries(text: str) -> list[str]:
    """CodegenNamingUtils.splitOnWordBoundaries."""
    r = re.sub(r"[^A-Za-z0-9]+", " ", text)
    r = re.sub(r"([^a-z]{2,})v([0-9]+)", r"\1 v\2 ", r)
    r = re.sub(r"([^A-Z]{2,})V([0-9]+)", r"\1 V\2 ", r)
    r = re.sub(r"(?<=[a-z])(?=[A-Z][a-zA-Z0-9])", " ", r)
    r = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", r)
    r = re.sub(r"([0-9])([a-zA-Z])", r"\1 \2", r)
    r = re.sub(r" +", " ", r).strip()
    return r.split(" ")


def pascal_case(text: str) -> str:
    """CodegenNamingUtils.pascalCase: DynamoDB -> DynamoDb, SFN -> Sfn."""
    return "".join(capitalize(w.lower()) for w in split_on_word_boundaries(text))


def java_service_name(service_id: str) -> str:
    """DefaultNamingStrategy.getServiceName: the Java client is <name>Client, its package
    (and the Step Functions service name) is name.lower(), its base exception <name>Exception."""
    name = pascal_case(service_id)
    for prefix in ("Amazon", "Aws"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name.endswith("Service"):
        name = name[: -len("Service")]
    return name


def java_exception_name(error_shape: str) -> str:
    """DefaultNamingStrategy.getExceptionName: DBInstanceNotFoundFault -> DbInstanceNotFoundException,
    NoSuchKey -> NoSuchKeyException."""
    if error_shape.endswith("Fault"):
        return pascal_case(error_shape[: -len("Fault")]) + "Exception"
    if error_shape.endswith("Exception"):
        return pascal_case(error_shape)
    return pascal_case(error_shape) + "Exception"


def java_member_name(member: str, parent_is_exception: bool) -> str:
    """The fluent getter name (DefaultNamingStrategy.getFluentGetterMethodName without the
    enum 'AsString' suffix), first letter capitalised: the key Step Functions uses."""
    getter = un_capitalize(member)
    reserved = RESERVED_EXCEPTION_METHODS if parent_is_exception else RESERVED_STRUCTURE_METHODS
    if getter in JAVA_KEYWORDS or getter.lower() in JAVA_KEYWORDS or getter in reserved:
        getter = un_capitalize(getter + "Value")  # Equals -> EqualsValue, Default -> DefaultValue
    return capitalize(getter)


# ---------------------------------------------------------------------------
# Per-service customisations of the AWS SDK for Java v2 that change a name Step Functions
# uses. Source: aws/aws-sdk-java-v2 services/<svc>/src/main/resources/codegen-resources/
# customization.config (shapeModifiers.modify.emitPropertyName, shapeModifiers.exclude,
# renameShapes). Only the ones found in a short survey (dynamodb, dynamodbstreams, ec2,
# elasticloadbalancing, s3, rds, sqs, lambda, ecs); keyed by botocore folder.
# ---------------------------------------------------------------------------

# botocore folder -> {shape: {botocore member: Java property name before unCapitalize}}
EMIT_PROPERTY_NAME = {
    # Seen at run time: Step Functions returns {"Nul": true} and {"Bool": true}
    # (aws/aws-sdk-js-v3#4948, aws/aws-sdk-js#4294).
    "dynamodb": {"AttributeValue": {"NULL": "NUL"}},
    "dynamodbstreams": {"AttributeValue": {"NULL": "NUL"}},  # shares dynamodb's AttributeValue
    "ec2": {
        "Image": {"Public": "PublicLaunchPermissions"},
        "FpgaImage": {"Public": "isPublic"},
        # "Return" -> "ReturnValue" on many results: the Java keyword rule already does that.
    },
    # s3 CopyObject/UploadPartCopy rename Bucket/Key to DestinationBucket/DestinationKey but keep
    # the old names (existingNameDeprecated); published definitions use Bucket/Key, so they stay.
}
# botocore folder -> members removed from every structure
EXCLUDE_MEMBERS = {"ec2": {"DryRun"}}
# botocore folder -> {botocore shape: Java shape name}; only renames of error shapes matter here
RENAME_SHAPES = {
    "elasticloadbalancing": {
        "AccessPointNotFoundException": "LoadBalancerNotFoundException",
        "DuplicateAccessPointNameException": "DuplicateLoadBalancerNameException",
        "TooManyAccessPointsException": "TooManyLoadBalancersException",
        "InvalidEndPointException": "InvalidInstanceException",
    },
}
# botocore folder -> base exception class name when not <Prefix>Exception
# (customization.config sdkModeledExceptionBaseClassName)
BASE_EXCEPTION = {"dynamodbstreams": "DynamoDbException"}

# ---------------------------------------------------------------------------
# Services. The Step Functions name is the Java v2 package name (java_service_name().lower()),
# checked against the table with an "Exception prefix" column in the Step Functions developer
# guide, "AWS SDK service integrations" (doc_source/supported-services-awssdk.md in
# awsdocs/aws-step-functions-developer-guide, 2022; current page:
# https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
# All 243 of its 264 rows whose model botocore still ships agree with the rule, except that
# memorydb's row says "MemoryDB" where the Java client is MemoryDbClient (the rule is kept) and
# networkmanager's prefix cell is empty.
# ---------------------------------------------------------------------------

# Rows of that table whose model botocore no longer ships, or which the page lists as deprecated.
REMOVED = {
    "mobile": "AWS Mobile: listed as deprecated in the Step Functions developer guide (AWS SDK service integrations, 'Deprecated AWS SDK service integrations'); no botocore model",
    "macie": "Amazon Macie (classic): listed as deprecated in the Step Functions developer guide (AWS SDK service integrations, 'Deprecated AWS SDK service integrations'); no botocore model",
}
_GONE = (
    "alexaforbusiness codestar elasticinference elastictranscoder evidently honeycode "
    "iot1clickprojects iotanalytics iotevents ioteventsdata iotfleethub lookoutvision opsworks "
    "opsworkscm panorama qldb qldbsession robomaker sms"
).split()
for _name in _GONE:
    REMOVED[_name] = (
        "listed in the Step Functions developer guide's AWS SDK integrations table "
        "(awsdocs/aws-step-functions-developer-guide doc_source/supported-services-awssdk.md, 2022) "
        f"but botocore {BOTOCORE_VERSION} no longer ships its model (service discontinued)"
    )

# ---------------------------------------------------------------------------
# Model conversion
# ---------------------------------------------------------------------------


def _differs_beyond_first_letter(a: str, b: str) -> bool:
    return a[1:] != b[1:] or a[:1].lower() != b[:1].lower()


def convert_service(folder: str, api_version: str, model: dict) -> tuple[str, dict]:
    meta = model["metadata"]
    prefix = java_service_name(meta["serviceId"])
    sfn_name = prefix.lower()
    shapes_in = model["shapes"]
    emit = EMIT_PROPERTY_NAME.get(folder, {})
    exclude = EXCLUDE_MEMBERS.get(folder, set())
    renames = RENAME_SHAPES.get(folder, {})

    operations = {}
    roots = []
    for op_name in sorted(model["operations"]):
        op = model["operations"][op_name]
        entry = {}
        if "input" in op:
            entry["i"] = op["input"]["shape"]
            roots.append(entry["i"])
        if "output" in op:
            entry["o"] = op["output"]["shape"]
            roots.append(entry["o"])
        errors = sorted({e["shape"] for e in op.get("errors", [])})
        entry["e"] = errors
        roots.extend(errors)
        operations[op_name] = entry

    reachable: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        s = shapes_in[name]
        if s.get("eventstream") or s.get("document"):
            continue
        for mname, m in s.get("members", {}).items():
            if mname not in exclude:
                todo.append(m["shape"])
        for key in ("member", "key", "value"):
            if key in s:
                todo.append(s[key]["shape"])

    shapes = {}
    for name in sorted(reachable):
        s = shapes_in[name]
        is_exc = bool(s.get("exception") or s.get("fault"))
        t = s["type"]
        if t == "structure" and s.get("document"):
            t = "document"
        elif t == "structure" and s.get("eventstream"):
            t = "eventstream"
        out: dict = {"t": t}
        if t == "structure":
            members, raw = {}, {}
            to_sfn = {}
            for mname, m in s.get("members", {}).items():
                if mname in exclude:
                    continue
                java = emit.get(name, {}).get(mname, mname)
                sfn = java_member_name(java, is_exc)
                if sfn in members:
                    raise SystemExit(f"{folder}.{name}: two members spelt {sfn}")
                members[sfn] = m["shape"]
                to_sfn[mname] = sfn
                if _differs_beyond_first_letter(sfn, mname):
                    raw[sfn] = mname
            out["m"] = members
            req = [to_sfn[r] for r in s.get("required", []) if r in to_sfn]
            if req:
                out["r"] = sorted(req)
            if raw:
                out["raw"] = raw
        elif t == "list":
            out["l"] = s["member"]["shape"]
        elif t == "map":
            out["k"] = s["key"]["shape"]
            out["v"] = s["value"]["shape"]
        if "enum" in s:
            out["en"] = list(s["enum"])
        for key in ("min", "max"):
            if key in s and t not in ("eventstream", "document"):
                out[key] = s[key]
        if is_exc:
            out["ex"] = True
            java = java_exception_name(renames.get(name, name))
            naive = name if name.endswith("Exception") else name + "Exception"
            if java != naive:
                # The Step Functions error is <prefix>.<sfn>; without "sfn" it is
                # <prefix>.<name>, plus "Exception" when the name lacks it.
                out["sfn"] = java
        shapes[name] = out

    doc = {
        "service": sfn_name,
        "botocore": folder,
        "api_version": api_version,
        "error_prefix": prefix,
        "operations": operations,
        "shapes": shapes,
    }
    return sfn_name, doc


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def newest_models(wheel: Path) -> dict[str, tuple[str, dict]]:
    """botocore folder -> (newest api version, parsed service-2.json)."""
    pat = re.compile(r"^botocore/data/([^/]+)/(\d{4}-\d{2}-\d{2})/service-2\.json(\.gz)?$")
    found: dict[str, tuple[str, str]] = {}
    with zipfile.ZipFile(wheel) as z:
        for n in z.namelist():
            m = pat.match(n)
            if m and (m.group(1) not in found or m.group(2) > found[m.group(1)][0]):
                found[m.group(1)] = (m.group(2), n)
        out = {}
        for folder, (version, n) in sorted(found.items()):
            raw = z.read(n)
            if n.endswith(".gz"):
                raw = gzip.decompress(raw)
            out[folder] = (version, json.loads(raw))
    return out


def service_text(doc: dict) -> str:
    """One service as JSON with each operation and each shape on a line of its own, sorted by
    name: still one JSON document, and asl-lint finds an entry by its line without parsing the
    rest (src/catalog/aws_models.rs)."""
    def compact(value) -> str:
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)

    header = {k: v for k, v in doc.items() if k not in ("operations", "shapes")}
    lines = [compact(header)[:-1] + ","]
    for section in ("operations", "shapes"):
        entries = sorted(doc[section].items())
        lines.append(f'"{section}":{{')
        for i, (name, value) in enumerate(entries):
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                raise SystemExit(f"{doc['service']}: entry name {name!r} needs quoting")
            comma = "," if i + 1 < len(entries) else ""
            lines.append(f'"{name}":{compact(value)}{comma}')
        lines.append("}," if section == "operations" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate(wheel: Path, out_dir: Path) -> None:
    models = newest_models(wheel)
    out_dir.mkdir(parents=True, exist_ok=True)
    services = {}
    blobs = {}
    for folder, (version, model) in models.items():
        sfn_name, doc = convert_service(folder, version, model)
        if sfn_name in services:
            # botocore keeps some models twice under an old folder name (sms-voice is
            # pinpoint-sms-voice); keep the folder that spells the Step Functions name.
            other = services[sfn_name]["botocore"]
            if other.replace("-", "") == sfn_name and folder.replace("-", "") != sfn_name:
                continue
            if folder.replace("-", "") != sfn_name or other.replace("-", "") == sfn_name:
                raise SystemExit(f"{folder} and {other} both map to {sfn_name}")
        blobs[f"{sfn_name}.json.gz"] = gzip_bytes(service_text(doc).encode("utf-8"))
        services[sfn_name] = {
            "botocore": folder,
            "error_prefix": doc["error_prefix"],
            "operations": len(doc["operations"]),
        }
    digest = hashlib.sha256()
    for name in sorted(blobs):
        digest.update(blobs[name])
        (out_dir / name).write_bytes(blobs[name])
    index = {
        "botocore": BOTOCORE_VERSION,
        "sha256": digest.hexdigest(),
        "services": dict(sorted(services.items())),
        "removed": {k: REMOVED[k] for k in sorted(REMOVED) if k not in services},
    }
    (out_dir / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def download(dest: Path) -> Path | None:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", f"botocore=={BOTOCORE_VERSION}", "-d", str(dest),
    ]
    try:
        subprocess.run(cmd, check=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as err:
        print(f"pip download failed: {err}", file=sys.stderr)
        return None
    wheels = sorted(dest.glob(f"botocore-{BOTOCORE_VERSION}-*.whl"))
    return wheels[0] if wheels else None


def check_wheel(wheel: Path) -> None:
    got = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if got != BOTOCORE_WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {got}, expected {BOTOCORE_WHEEL_SHA256}")


def compare(expected: Path, actual: Path) -> list[str]:
    diffs = []
    names = {p.name for p in expected.iterdir()} | {p.name for p in actual.iterdir()}
    for name in sorted(names):
        a, b = expected / name, actual / name
        if not a.exists():
            diffs.append(f"missing from the committed data: {name}")
        elif not b.exists():
            diffs.append(f"not produced by the script: {name}")
        elif a.read_bytes() != b.read_bytes():
            diffs.append(f"differs: {name}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare")
    ap.add_argument("--wheel", type=Path, help="use this botocore wheel instead of downloading it")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: data/aws-models)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="aws-models-") as tmp:
        tmp_path = Path(tmp)
        wheel = args.wheel
        if wheel is None:
            wheel = download(tmp_path / "wheel")
            if wheel is None:
                if args.check:
                    print("skipped: cannot download botocore")
                    return 0
                return 1
        check_wheel(wheel)
        if args.check:
            fresh = tmp_path / "out"
            generate(wheel, fresh)
            if not args.out.is_dir():
                print(f"{args.out} does not exist")
                return 1
            diffs = compare(args.out, fresh)
            for d in diffs:
                print(d)
            if diffs:
                print("data/aws-models is stale: run python3 scripts/aws_models.py")
                return 1
            print(f"data/aws-models matches botocore {BOTOCORE_VERSION}")
            return 0
        if args.out.exists():
            for p in args.out.iterdir():
                if p.is_file() and (p.name.endswith(".json.gz") or p.name == "index.json"):
                    p.unlink()
        generate(wheel, args.out)
        print(f"wrote {args.out} from botocore {BOTOCORE_VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
