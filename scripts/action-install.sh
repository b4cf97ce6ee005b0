#!/usr/bin/env bash
# Installs asl-lint for the GitHub Action, the version that
# scripts/action-resolve.sh chose (RESOLVED_VERSION, RESOLVED_FROM).
# `version: path` uses the asl-lint already on PATH (this is how the action
# is tested offline). Otherwise it downloads the release archive for the
# runner, asl-lint-<version>-<target>.tar.gz (.zip on Windows), and the
# release's SHA256SUMS, and refuses an archive whose checksum differs. Only
# when the release has no archive for the runner does it build with
# `cargo install --locked`: the action's own source when the version is the
# action's, otherwise the release's tag.
#
# ASL_LINT_DOWNLOAD_URL replaces https://github.com/<repo>/releases/download
# (for a mirror of the releases; the packaging test points it at a folder).
set -euo pipefail

version="${INPUT_VERSION:-}"
resolved="${RESOLVED_VERSION:-}"
from="${RESOLVED_FROM:-input}"
repo="${ACTION_REPOSITORY:-asl-lint/asl-lint}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

if [ "$version" = "path" ]; then
    command -v asl-lint >/dev/null || { echo "::error::version: path, but asl-lint is not on PATH"; exit 1; }
    echo "version=$(asl-lint --version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
    exit 0
fi
[ -n "$resolved" ] || { echo "::error::no resolved version (the resolve step did not run)"; exit 1; }

cache="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/asl-lint/${resolved}"
exe=""
case "${RUNNER_OS:-Linux}" in Windows) exe=".exe" ;; esac

finish() {
    echo "$cache" >> "$GITHUB_PATH"
    echo "version=$("$cache/asl-lint$exe" --version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
    exit 0
}

if [ -x "$cache/asl-lint$exe" ]; then
    finish
fi
mkdir -p "$cache"

case "${RUNNER_OS:-Linux}-${RUNNER_ARCH:-X64}" in
    Linux-X64) target="x86_64-unknown-linux-musl" ;;
    Linux-ARM64) target="aarch64-unknown-linux-musl" ;;
    macOS-X64) target="x86_64-apple-darwin" ;;
    macOS-ARM64) target="aarch64-apple-darwin" ;;
    # Windows on Arm runs the x64 binary under emulation.
    Windows-X64 | Windows-ARM64) target="x86_64-pc-windows-msvc" ;;
    *) target="" ;;
esac

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | awk '{print $1}'
}

downloaded=""
if [ -n "$target" ] && [[ "$resolved" != latest-* ]]; then
    name="asl-lint-${resolved}-${target}"
    archive="${name}.tar.gz"
    [ "$exe" = ".exe" ] && archive="${name}.zip"
    base="${ASL_LINT_DOWNLOAD_URL:-https://github.com/${repo}/releases/download}/v${resolved}"
    work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/asl-lint.XXXXXX")"
    if curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive" \
        && curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$base/SHA256SUMS"; then
        expected="$(awk -v f="$archive" '$2 == f || $2 == "*" f {print $1}' "$work/SHA256SUMS")"
        actual="$(sha256 "$work/$archive")"
        if [ -z "$expected" ]; then
            echo "::error::SHA256SUMS of v${resolved} has no line for ${archive}; not installing it"
            exit 1
        fi
        if [ "$expected" != "$actual" ]; then
            echo "::error::checksum mismatch for ${archive}: SHA256SUMS says ${expected}, the download is ${actual}; not installing it"
            exit 1
        fi
        case "$archive" in
            *.zip)
                if command -v unzip >/dev/null; then
                    unzip -q "$work/$archive" -d "$work"
                else
                    powershell -NoProfile -Command "Expand-Archive -LiteralPath '$(cygpath -w "$work/$archive")' -DestinationPath '$(cygpath -w "$work")'"
                fi
                ;;
            *) tar -xzf "$work/$archive" -C "$work" ;;
        esac
        cp "$work/$name/asl-lint$exe" "$cache/asl-lint$exe"
        chmod +x "$cache/asl-lint$exe"
        downloaded=yes
        echo "Installed ${archive} (sha256 ${actual})"
    else
        echo "No release archive ${archive} at ${base}"
    fi
    rm -rf "$work"
fi

if [ -z "$downloaded" ]; then
    command -v cargo >/dev/null || {
        echo "::error::no release archive for ${target:-this runner} and version ${resolved}, and no cargo to build it"
        exit 1
    }
    export CARGO_TARGET_DIR="${RUNNER_TEMP:-/tmp}/asl-lint-build"
    if [ "$from" = "action" ]; then
        echo "Building asl-lint ${resolved} from the action's source with cargo install --locked"
        cargo install --locked --profile dist --root "$cache/cargo" --path "$action_path"
    elif [[ "$resolved" == latest-* ]]; then
        echo "Building asl-lint from the default branch with cargo install --locked"
        cargo install --locked --profile dist --root "$cache/cargo" --git "https://github.com/${repo}" asl-lint
    else
        echo "Building asl-lint ${resolved} from its tag with cargo install --locked"
        cargo install --locked --profile dist --root "$cache/cargo" --git "https://github.com/${repo}" --tag "v${resolved}" asl-lint
    fi
    cp "$cache/cargo/bin/asl-lint$exe" "$cache/"
fi
finish
