#!/usr/bin/env bash
# Seed and run one cargo-fuzz target for a while (stable Rust: no sanitizer).
#
#   scripts/fuzz.sh TARGET [SECONDS] [EXTRA_SEED_DIR...]
#
# TARGET is json_loader, yaml_template_loader, pipeline, fix or lsp. Seeds are the
# project's own fixtures and examples, plus any folders named (for example
# ../shared/corpus/real); the yaml_template_loader and pipeline targets read
# their first byte as the file kind, so each seed is written once per kind
# that fits its name. Crashes land in fuzz/artifacts/TARGET/; save each
# (shrunk with `cargo fuzz tmin`) under tests/fuzz-regressions/TARGET/,
# where `cargo test` replays it, before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [SEED_DIR...]}"
seconds="${2:-600}"
shift $(( $# >= 2 ? 2 : 1 ))
command -v cargo-fuzz >/dev/null || { echo "needs cargo-fuzz (cargo install cargo-fuzz)" >&2; exit 1; }

corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
python3 - "$target" "$corpus" tests/fixtures examples "$@" <<'PY'
import hashlib, os, sys
target, out, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
# First-byte selectors, matching the targets' tables.
def frame(message):
    import json
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def session(name, data):
    """A language-server session over one file: open it, ask for actions,
    hover and lenses, then shut down."""
    uri = "file:///fuzz/" + name
    text = data.decode("utf-8", "replace")
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}, "context": {"diagnostics": [], "only": ["quickfix", "source.fixAll"]}}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}}},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/codeLens", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "id": 5, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    return b"".join(frame(m) for m in messages)

def selectors(name):
    if target == "lsp":
        return ["session"]
    if target == "json_loader":
        return [None] if name.endswith(".json") else []
    if target == "yaml_template_loader":
        return {".yaml": [0], ".yml": [0], ".json": [1], ".tf": [2]}.get(os.path.splitext(name)[1], [])
    # pipeline: fuzz.asl.json, fuzz.asl.yaml, template.yaml, template.json, main.tf, cdk.out/...
    ext = os.path.splitext(name)[1]
    return {".json": [0, 3, 5], ".yaml": [1, 2], ".yml": [1, 2], ".tf": [4]}.get(ext, [])
count = 0
for root in roots:
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.isfile(path) or os.path.getsize(path) > 200_000:
                continue
            data = open(path, "rb").read()
            for sel in selectors(name):
                if sel == "session":
                    blob = session(name, data)
                else:
                    blob = data if sel is None else bytes([sel]) + data
                digest = hashlib.sha1(blob).hexdigest()
                with open(os.path.join(out, digest), "wb") as f:
                    f.write(blob)
                count += 1
print(f"{count} seeds in {out}")
PY
exec cargo fuzz run --sanitizer none "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=262144 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
