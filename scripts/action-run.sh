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
    echo "errors=0" >> "$GITHUB_OUTPUT"
    echo "warnings=0" >> "$GITHUB_OUTPUT"
fi
echo "sarif-file=${INPUT_SARIF_FILE:-}" >> "$GITHUB_OUTPUT"
exit "$status"
