#!/usr/bin/env bash
# Runs asl-lint for the GitHub Action and sets its outputs. Inputs arrive as
# environment variables, never interpolated into this script.
set -euo pipefail

read -r -a paths <<< "$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
read -r -a extra <<< "${INPUT_ARGS:-}"
report="${RUNNER_TEMP:-/tmp}/asl-lint-report.json"

args=(--format "${INPUT_FORMAT:-github}" --format "json=$report" --fail-on "${INPUT_FAIL_ON:-warning}")
if [ -n "${INPUT_CONFIG:-}" ]; then
    args+=(--config "$INPUT_CONFIG")
fi
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
    args+=(--format "sarif=$INPUT_SARIF_FILE")
fi

# A report or SARIF file left by an earlier step or run must never be read
# as this run's: both are removed first, and only what this run wrote counts.
rm -f -- "$report"
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
    rm -f -- "$INPUT_SARIF_FILE"
fi

set +e
asl-lint "${args[@]}" "${extra[@]}" -- "${paths[@]}"
status=$?
set -e

count() {
    sed -n "s/^ *\"$1\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$report" | head -1
}
if [ -f "$report" ]; then
    echo "errors=$(count errors)" >> "$GITHUB_OUTPUT"
    echo "warnings=$(count warnings)" >> "$GITHUB_OUTPUT"
else
    # asl-lint stopped before linting (exit 2: a usage or configuration
    # error, said on stderr above): no counts to give.
    echo "errors=" >> "$GITHUB_OUTPUT"
    echo "warnings=" >> "$GITHUB_OUTPUT"
fi
# The SARIF output names a file only when this run wrote it, so an upload
# step conditioned on it never uploads a stale or missing file.
if [ -n "${INPUT_SARIF_FILE:-}" ] && [ -f "$INPUT_SARIF_FILE" ]; then
    echo "sarif-file=$INPUT_SARIF_FILE" >> "$GITHUB_OUTPUT"
else
    echo "sarif-file=" >> "$GITHUB_OUTPUT"
fi
exit "$status"
