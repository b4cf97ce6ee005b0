#!/usr/bin/env bash
# Benchmark asl-lint against a serde_json read+parse floor and against the
# peer validators, in one run, on the same files. Public tools only:
# hyperfine and GNU time (Debian packages `hyperfine` and `time`), Python 3
# for the synthetic inputs and the table, Node.js + npm for the peers.
#
#   scripts/bench.sh [CORPUS_DIR]     (default: the shared test corpus beside the checkout)
#
# Environment: BENCH_RUNS (default 30) runs per fast case, spread over
# BENCH_ROUNDS (default 5) interleaved rounds; BENCH_PEER_RUNS (default 3)
# runs per peer case; BENCH_PEERS=0 skips the peers (no npm).
# BENCH_BASELINE=PATH: a previous build of asl-lint (say the commit before a
# change, built with `--profile dist` in its own worktree) to time beside this
# one: its rows ("baseline") run right after the same case of this build in
# every round, and the targets table gives this build's time over the
# baseline's (at most 1.10 on the corpus). BENCH_BUILD=0 uses the binaries
# already in target/dist instead of running cargo. BENCH_PROFILE (default
# dist) builds and times another Cargo profile; CARGO_TARGET_DIR is honoured.
# BENCH_ONLY=growth times only the hostile shapes at n and 4n and prints
# their growth table (no corpus, peers, monorepo or language server).
#
# Prints a Markdown table (median wall time, user time, peak RSS, ratios)
# and whether each target of the performance issue is met. Scratch files,
# the synthetic inputs and the npm installs go to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${1:-../shared/corpus/real}"
only="${BENCH_ONLY:-all}"
runs="${BENCH_RUNS:-30}"
peer_runs="${BENCH_PEER_RUNS:-3}"
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine time python3)" >&2; exit 1; }
done
[ "$only" = growth ] || [ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 1; }

# The fully optimised build that the published binaries use (Cargo.toml).
profile="${BENCH_PROFILE:-dist}"
if [ "${BENCH_BUILD:-1}" != 0 ]; then
    cargo build --profile "$profile" --quiet --bin asl-lint --example parse_floor
fi
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
lint="$target_dir/$profile/asl-lint"
floor="$target_dir/$profile/examples/parse_floor"
baseline="${BENCH_BASELINE:-}"
# shellcheck disable=SC2086 # no word at all when there is no baseline
for bin in "$lint" "$floor" $baseline; do
    [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 1; }
done
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if [ "$only" != growth ]; then
    # The same files for every tool: the aws-samples JSON definitions that are
    # valid JSON (one upstream file is not, and asl-validator throws on it).
    find "$corpus" -path '*aws-samples*' -name '*.json' | LC_ALL=C sort | python3 -c '
import json, sys
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        json.load(open(path, encoding="utf-8"))
    except ValueError:
        continue
    print(path)
' > "$scratch/files.txt"
    nfiles=$(wc -l < "$scratch/files.txt")
    files="$(tr '\n' ' ' < "$scratch/files.txt")"
    single="$(grep -m1 'data-processing/cdk/statemachine/statemachine.asl.json' "$scratch/files.txt" || head -1 "$scratch/files.txt")"

    for spec in "chain 1000" "chain 5000" "chain 20000" "diamond 2000" "glue 2000" "wide 1000" "nested 30" "sdk 1000" \
        "flow 20000" "choiceloop 2000"; do
        # shellcheck disable=SC2086 # split "kind size" on purpose
        set -- $spec
        python3 scripts/gen_synthetic.py "$1" "$2" "$scratch/$1-$2.asl.json"
    done
else
    nfiles=0 files= single=
fi
# Hostile shapes at n and at 4n bytes of input (dense doubles n: n*n edges),
# and the cases of issue #35 at n and 4n of what made them grow: one row per
# "label kind n [asl-lint arguments]" (the label names the growth row).
mkdir -p "$scratch/hostile"
hostile_specs=(
    "dense dense 50" "dense dense 100" "typos typos 5000" "typos typos 20000"
    "longname longname 250000" "longname longname 1000000"
    "intrinsic intrinsic 5000" "intrinsic intrinsic 20000" "aliases aliases 25000" "aliases aliases 100000"
    "join join 25000" "join join 100000" "sdktypos sdktypos 1000" "sdktypos sdktypos 4000"
    "text-typosline typosline 5000 --format text" "text-typosline typosline 20000 --format text"
    "text-join join 25000 --format text" "text-join join 100000 --format text"
    "text-jointypos jointypos 1250 --format text" "text-jointypos jointypos 5000 --format text"
    "samdefs samdefs 5000" "samdefs samdefs 20000"
    "deploys deploys 500" "deploys deploys 2000"
    "tflocals tflocals 500" "tflocals tflocals 2000"
    "tfroles tfroles 1000" "tfroles tfroles 4000"
    "implicit implicit 50000" "implicit implicit 200000"
    "text-implicit implicit 50000 --format text" "text-implicit implicit 200000 --format text"
    "diff-implicit implicit 12500 --diff" "diff-implicit implicit 50000 --diff"
    "sarif-implicit implicit 50000 --format sarif" "sarif-implicit implicit 200000 --format sarif"
    "costcycle costcycle 750 --cost" "costcycle costcycle 3000 --cost"
    "overrides overrides 3416" "overrides overrides 13664"
)
hostile_cases=()
for spec in "${hostile_specs[@]}"; do
    # shellcheck disable=SC2086 # split "label kind size args" on purpose
    set -- $spec
    label=$1 kind=$2 size=$3
    shift 3
    case "$kind" in
        aliases | implicit) ext=.asl.yaml ;;
        join | jointypos | samdefs) ext=.yaml ;;
        deploys | tflocals | tfroles | overrides) ext= ;;   # a folder
        *) ext=.asl.json ;;
    esac
    out="$scratch/hostile/$kind-$size$ext"
    [ -e "$out" ] || python3 scripts/gen_synthetic.py "$kind" "$size" "$out"
    target="$out"
    [ "$kind" = overrides ] && target="--config $out/asl-lint.toml $out/sm.asl.json"
    # --format concise unless the spec names a format; --cost prints no findings.
    format="--format concise"
    case " $* " in *" --format "* | *" --cost "*) format= ;; esac
    hostile_cases+=("$label-$size|$out|$lint --fail-on never $format $* $target")
done

# Peers, installed into the scratch folder at fixed versions.
peers=""
if [ "$only" != growth ] && [ "${BENCH_PEERS:-1}" != 0 ]; then
    if command -v npm >/dev/null && command -v node >/dev/null; then
        mkdir -p "$scratch/peers"
        (cd "$scratch/peers" && npm init -y >/dev/null &&
            npm install --silent --no-audit --no-fund \
                asl-validator@4.0.0 amazon-states-language-service@1.16.1 \
                vscode-languageserver-textdocument@1.0.16 >/dev/null) && peers="$scratch/peers"
        [ -n "$peers" ] || echo "npm install of the peers failed; skipping them" >&2
    else
        echo "node/npm not found; skipping the peers" >&2
    fi
fi
if [ -n "$peers" ]; then
    # The language service validates one document at a time, as in VS Code.
    cat > "$peers/validate.js" <<'JS'
const fs = require("fs");
const { getLanguageService } = require("amazon-states-language-service");
const { TextDocument } = require("vscode-languageserver-textdocument");
(async () => {
  const service = getLanguageService({});
  let diagnostics = 0;
  for (const path of process.argv.slice(2)) {
    const doc = TextDocument.create("file://" + path, "json", 1, fs.readFileSync(path, "utf8"));
    diagnostics += (await service.doValidation(doc, service.parseJSONDocument(doc))).length;
  }
  console.log(`${diagnostics} diagnostics`);
})();
JS
    validator="node $peers/node_modules/asl-validator/dist/bin/asl-validator.js --silent"
    validator_args="$(sed 's/^/--json-path /' "$scratch/files.txt" | tr '\n' ' ')"
    service="node $peers/validate.js"
fi

# name | runs ("fast" or "peer") | command. The name is "tool: what"; rows
# with the same "what" are compared with that row's floor.
cases=()
# This build on WHAT with ARGS, and the baseline build right after it.
lint_case() {
    cases+=("asl-lint: $1|fast|$lint --fail-on never --format concise $2")
    [ -z "$baseline" ] || cases+=("baseline: $1|fast|$baseline --fail-on never --format concise $2")
}
if [ "$only" != growth ]; then
    cases+=("floor: $nfiles aws-samples files|fast|$floor $files")
    lint_case "$nfiles aws-samples files" "$files"
    lint_case "all of $corpus (walk + sniff)" "$corpus"
    cases+=("floor: one 3 KB file|fast|$floor $single")
    lint_case "one 3 KB file" "$single"
    if [ -n "$peers" ]; then
        cases+=(
            "asl-validator 4.0.0: $nfiles aws-samples files|peer|$validator $validator_args"
            "language service 1.16.1: $nfiles aws-samples files|peer|$service $files"
            "asl-validator 4.0.0: one 3 KB file|peer|$validator --json-path $single"
            "language service 1.16.1: one 3 KB file|peer|$service $single"
        )
    fi
    for f in "$scratch"/*.asl.json; do
        base="$(basename "$f" .asl.json)"
        cases+=("floor: synthetic $base|fast|$floor $f")
        lint_case "synthetic $base" "$f"
    done
    # The data-flow analysis's share: the same definitions without it.
    for base in chain-20000 flow-20000 choiceloop-2000; do
        cases+=("asl-lint without data flow: synthetic $base|fast|$lint --fail-on never --format concise --ignore missing-input-field $scratch/$base.asl.json")
    done
fi
for case in "${hostile_cases[@]}"; do
    name="${case%%|*}" rest="${case#*|}"
    f="${rest%%|*}" cmd="${rest#*|}"
    # The floor parses JSON only (one file); YAML and folders have none.
    [ "$only" = growth ] || case "$f" in *.json) cases+=("floor: hostile $name|fast|$floor $f") ;; esac
    cases+=("asl-lint: hostile $name|fast|$cmd")
done

if [ "$only" != growth ]; then
    # A synthetic monorepo: the corpus files copied under distinct folders, 1,000
    # and 10,000 of them, linted with one and two jobs (timed like the peers: a
    # few runs in the first round).
    for size in 1000 10000; do
        python3 - "$scratch/files.txt" "$scratch/mono-$size" "$size" <<'PY'
import os, shutil, sys
files = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
root, size = sys.argv[2], int(sys.argv[3])
for i in range(size):
    folder = os.path.join(root, f"team-{i // 100:03d}", f"svc-{i % 100:02d}")
    os.makedirs(folder, exist_ok=True)
    shutil.copyfile(files[i % len(files)], os.path.join(folder, "machine.asl.json"))
PY
    done
    cases+=(
        "asl-lint: monorepo 1000 files --jobs 2|peer|$lint --fail-on never --format concise --jobs 2 $scratch/mono-1000"
        "asl-lint: monorepo 10000 files --jobs 2|peer|$lint --fail-on never --format concise --jobs 2 $scratch/mono-10000"
        "asl-lint: monorepo 10000 files --jobs 1|peer|$lint --fail-on never --format concise --jobs 1 $scratch/mono-10000"
    )
fi

# This machine's speed drifts over minutes, so every fast case is timed in
# BENCH_ROUNDS rounds (default 5) that take turns with the other cases (A B
# A B ...), and the median is over all rounds' runs. Peers run in round 1.
rounds="${BENCH_ROUNDS:-5}"
per_round=$(( (runs + rounds - 1) / rounds ))
names=() kinds=() cmds=()
for case in "${cases[@]}"; do
    rest="${case#*|}"
    names+=("${case%%|*}")
    kinds+=("${rest%%|*}")
    cmds+=("${rest#*|}")
done
for round in $(seq 1 "$rounds"); do
    for i in "${!cmds[@]}"; do
        n="$per_round"
        if [ "${kinds[$i]}" = peer ]; then
            [ "$round" = 1 ] || continue
            n="$peer_runs"
        fi
        # -i: the peers exit non-zero when they find problems.
        hyperfine -N -i --warmup 1 --runs "$n" --export-json "$scratch/h-$i-$round.json" "${cmds[$i]}" >/dev/null 2>&1
    done
done

results="$scratch/results.tsv"
: > "$results"
for i in "${!cmds[@]}"; do
    # Peak RSS of one run, in KiB (GNU time passes on the peers' failing exit).
    # shellcheck disable=SC2086 # the command line is split on purpose
    rss=$({ /usr/bin/time -f '%M' ${cmds[$i]} 2>&1 >/dev/null || true; } | tail -1)
    python3 - "${names[$i]}" "$rss" "$scratch"/h-"$i"-*.json >> "$results" <<'PY'
import json, statistics, sys
times, user = [], 0.0
for path in sys.argv[3:]:
    r = json.load(open(path))["results"][0]
    times += r["times"]
    user += (r["user"] + r["system"]) * len(r["times"])
print("\t".join([sys.argv[1], str(statistics.median(times)), str(user / len(times)), sys.argv[2]]))
PY
done

python3 - "$results" "$(nproc)" "$nfiles" "$per_round" "$rounds" "$peer_runs" "$only" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
growth_only = sys.argv[7] == "growth"
nfiles = sys.argv[3]
per_round, rounds, peer_runs = sys.argv[4:7]
table = []
for name, wall, user, rss in rows:
    tool, _, what = name.partition(": ")
    table.append((tool, what, float(wall), float(user), int(rss)))
floor = {what: (wall, rss) for tool, what, wall, _, rss in table if tool == "floor"}
corpus_case = f"{nfiles} aws-samples files"

def base_for(what):
    return floor.get(what) or floor.get(corpus_case)

checks = []
if not growth_only:
    print(f"Machine: {sys.argv[2]} cores. Wall time: the median of {per_round} runs in each of {rounds} "
          f"interleaved rounds ({peer_runs} runs for the peers and the monorepo); CPU time (user + "
          "system): the mean; peak RSS: one run, GNU time.\n")
    cpu_floor = {what: user for tool, what, _, user, _ in table if tool == "floor"}
    print("| case | tool | wall ms | CPU ms | peak RSS MiB | x floor (wall) | x floor (CPU) | x floor (RSS) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for tool, what, wall, user, rss in table:
        ratio = cpu_ratio = rss_ratio = ""
        if tool != "floor" and not what.startswith("monorepo"):
            base = base_for(what)
            ratio = f"{wall / base[0]:.2f}"
            rss_ratio = f"{rss / base[1]:.2f}"
            cpu_base = cpu_floor.get(what) or cpu_floor.get(corpus_case)
            cpu_ratio = f"{user / cpu_base:.2f}" if cpu_base else ""
        print(f"| {what} | {tool} | {wall * 1000:.2f} | {user * 1000:.2f} | {rss / 1024:.1f} | {ratio} | {cpu_ratio} | {rss_ratio} |")

    def find(tool, what):
        return next((r for r in table if r[0].startswith(tool) and r[1] == what), None)

    lint_corpus = find("asl-lint", corpus_case)
    floor_corpus = find("floor", corpus_case)
    checks = [
        ("aws-samples corpus: wall at most 1.5x the parse floor",
         f"{lint_corpus[2] / floor_corpus[2]:.2f}x", lint_corpus[2] / floor_corpus[2] <= 1.5),
        ("aws-samples corpus: CPU at most 2x the floor's",
         f"{lint_corpus[3] / floor_corpus[3]:.2f}x", lint_corpus[3] / floor_corpus[3] <= 2),
        ("aws-samples corpus: peak RSS at most 2x the floor's",
         f"{lint_corpus[4] / floor_corpus[4]:.2f}x", lint_corpus[4] / floor_corpus[4] <= 2),
    ]
    validator = find("asl-validator", corpus_case)
    if validator:
        speedup = validator[2] / lint_corpus[2]
        checks.append(("(for reference) faster than asl-validator", f"{speedup:.0f}x", speedup >= 200))
    service = find("language service", corpus_case)
    if service:
        checks.append(("(for reference) faster than the language service",
                       f"{service[2] / lint_corpus[2]:.0f}x", service[2] > lint_corpus[2]))
    single = find("asl-lint", "one 3 KB file")
    single_floor = find("floor", "one 3 KB file")
    checks.append(("one 3 KB definition: within 1.5x the floor (process start to exit)",
                   f"{single[2] / single_floor[2]:.2f}x ({single[2] * 1000:.2f} ms)",
                   single[2] / single_floor[2] <= 1.5))
    mono = {what: wall for tool, what, wall, _, _ in table if what.startswith("monorepo")}
    m1k, m10k2, m10k1 = (mono.get(f"monorepo {w}") for w in
                         ("1000 files --jobs 2", "10000 files --jobs 2", "10000 files --jobs 1"))
    if m1k and m10k2 and m10k1:
        checks.append(("monorepo of 10,000: files/s with --jobs 2 at least 1.8x --jobs 1",
                       f"{m10k1 / m10k2:.2f}x", m10k1 / m10k2 >= 1.8))
        checks.append(("monorepo 1,000 -> 10,000 files: time grows linearly",
                       f"time x{m10k2 / m1k:.1f} for files x10", m10k2 / m1k <= 12))
    adversarial = []
    for tool, what, wall, _, _ in table:
        if tool == "asl-lint" and (what.startswith("synthetic") or what.startswith("hostile")):
            base = floor.get(what)
            if base:
                adversarial.append((wall / base[0], what))
    if adversarial:
        worst = max(adversarial)
        checks.append(("every adversarial case under 3x the floor on the same bytes",
                       f"worst {worst[1]}: {worst[0]:.2f}x", worst[0] < 3))
    synthetic = [r for r in table if r[0] == "asl-lint" and r[1].startswith("synthetic")]
    slowest = max(synthetic, key=lambda r: r[2])
    checks.append(("every synthetic case under 200 ms",
                   f"slowest {slowest[1][10:]} {slowest[2] * 1000:.0f} ms", slowest[2] < 0.2))
    for r in table:
        if r[0] == "asl-lint without data flow":
            full = next((f for f in table if f[0] == "asl-lint" and f[1] == r[1]), None)
            if full:
                checks.append((f"{r[1][10:]}: data flow within 3x of without it",
                               f"{full[2] / r[2]:.2f}x", full[2] / r[2] <= 3))
    chains = sorted((int(r[1].split("-")[1]), r[2]) for r in synthetic if r[1].startswith("synthetic chain-"))
    if len(chains) >= 2:
        (n0, t0), (n1, t1) = chains[0], chains[-1]
        growth = (t1 / t0) / (n1 / n0)
        checks.append((f"chain {n0} -> {n1}: time grows about linearly",
                       f"time x{t1 / t0:.1f} for size x{n1 / n0:.0f}", growth < 2))

hostile = {}
for tool, what, wall, _, rss in table:
    if tool == "asl-lint" and what.startswith("hostile "):
        kind, n = what[len("hostile "):].rsplit("-", 1)
        hostile.setdefault(kind, []).append((int(n), wall, rss))
if hostile:
    print("\n| hostile shape | n -> 4n bytes | time | peak RSS | time ratio |")
    print("|---|---|---|---|---|")
    for kind, runs in sorted(hostile.items()):
        (n0, t0, r0), (n1, t1, r1) = sorted(runs)[0], sorted(runs)[-1]
        print(f"| {kind} | {n0} -> {n1} | {t0 * 1000:.1f} -> {t1 * 1000:.1f} ms | "
              f"{r0 / 1024:.1f} -> {r1 / 1024:.1f} MiB | x{t1 / t0:.1f} |")
        checks.append((f"hostile {kind}: n to 4n costs at most 4.5x (issue #35)",
                       f"x{t1 / t0:.1f}", t1 / t0 <= 4.5))

# This build against the previous one (BENCH_BASELINE), case by case.
for tool, what, wall, user, _ in table:
    if tool != "baseline":
        continue
    now = find("asl-lint", what)
    growth = f"{now[2] / wall:.3f}x wall, {now[3] / user:.3f}x CPU ({wall * 1000:.2f} -> {now[2] * 1000:.2f} ms)"
    if what == corpus_case or what.startswith("all of ") or what == "one 3 KB file":
        checks.append((f"{what}: at most 10% slower than the baseline build", growth, now[2] / wall <= 1.10))
    else:
        checks.append((f"(for reference) {what}: against the baseline build", growth, None))

print("\n| target | measured | met |")
print("|---|---|---|")
for what, value, ok in checks:
    print(f"| {what} | {value} | {'-' if ok is None else 'yes' if ok else 'no'} |")
PY

[ "$only" = growth ] && exit 0
echo
echo "## The language server (scripts/bench_lsp.py)"
python3 scripts/bench_lsp.py "$lint" "$runs"
