#!/usr/bin/env bash
# Benchmark asl-lint against a serde_json read+parse floor, in one run, on
# the same files. Public tools only: hyperfine and GNU time (Debian packages
# `hyperfine` and `time`), Python 3 for the synthetic inputs and the table.
#
#   scripts/bench.sh [CORPUS_DIR]     (default: ../shared/corpus/real)
#
# Prints a Markdown table: median wall time, user time, peak RSS, and the
# ratio to the floor. Scratch files go to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${1:-../shared/corpus/real}"
runs="${BENCH_RUNS:-30}"
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine time python3)" >&2; exit 1; }
done
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 1; }

cargo build --release --quiet --bin asl-lint --example parse_floor
lint="$PWD/target/release/asl-lint"
floor="$PWD/target/release/examples/parse_floor"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The same files for both: the aws-samples JSON definitions.
find "$corpus" -path '*aws-samples*' -name '*.json' | LC_ALL=C sort > "$scratch/files.txt"
nfiles=$(wc -l < "$scratch/files.txt")
single="$(grep -m1 'data-processing/cdk/statemachine/statemachine.asl.json' "$scratch/files.txt" || head -1 "$scratch/files.txt")"

for spec in "chain 1000" "chain 5000" "chain 20000" "diamond 2000" "glue 2000" "wide 1000" "nested 30"; do
    # shellcheck disable=SC2086 # split "kind size" on purpose
    set -- $spec
    python3 scripts/gen_synthetic.py "$1" "$2" "$scratch/$1-$2.asl.json"
done

# name | command (stdout discarded by hyperfine -N)
cases=(
    "floor: $nfiles aws-samples files|$floor $(tr '\n' ' ' < "$scratch/files.txt")"
    "asl-lint: $nfiles aws-samples files|$lint --fail-on never --format concise $(tr '\n' ' ' < "$scratch/files.txt")"
    "asl-lint: all of $corpus (walk + sniff)|$lint --fail-on never --format concise $corpus"
    "floor: one 3 KB file|$floor $single"
    "asl-lint: one 3 KB file|$lint --fail-on never --format concise $single"
)
for f in "$scratch"/*.asl.json; do
    base="$(basename "$f" .asl.json)"
    cases+=("floor: synthetic $base|$floor $f")
    cases+=("asl-lint: synthetic $base|$lint --fail-on never --format concise $f")
done

results="$scratch/results.tsv"
: > "$results"
for case in "${cases[@]}"; do
    name="${case%%|*}"
    cmd="${case#*|}"
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$scratch/h.json" "$cmd" >/dev/null 2>&1
    # Peak RSS of one run, in KiB.
    # shellcheck disable=SC2086 # the command line is split on purpose
    rss=$(/usr/bin/time -f '%M' $cmd 2>&1 >/dev/null | tail -1)
    python3 - "$scratch/h.json" "$name" "$rss" >> "$results" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\t".join([sys.argv[2], str(statistics.median(r["times"])), str(r["user"]), sys.argv[3]]))
PY
done

python3 - "$results" "$(nproc)" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
floor = {}
for name, wall, user, rss in rows:
    tool, _, what = name.partition(": ")
    if tool == "floor":
        floor[what] = (float(wall), int(rss))
print(f"Machine: {sys.argv[2]} cores. Median of hyperfine runs; peak RSS from GNU time.\n")
print("| case | tool | wall ms | user ms | peak RSS MiB | x floor (wall) | x floor (RSS) |")
print("|---|---|---:|---:|---:|---:|---:|")
for name, wall, user, rss in rows:
    tool, _, what = name.partition(": ")
    base = floor.get(what) or floor.get(what.replace(" (walk + sniff)", ""))
    ratio = rss_ratio = ""
    if tool == "asl-lint" and base is None and "aws-samples" not in what:
        base = next((v for k, v in floor.items() if "aws-samples" in k), None)
    if tool == "asl-lint" and base:
        ratio = f"{float(wall) / base[0]:.2f}"
        rss_ratio = f"{int(rss) / base[1]:.2f}"
    print(f"| {what} | {tool} | {float(wall) * 1000:.2f} | {float(user) * 1000:.2f} | {int(rss) / 1024:.1f} | {ratio} | {rss_ratio} |")
PY
