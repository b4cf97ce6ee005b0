#!/usr/bin/env bash
# Installs asl-lint for the GitHub Action. `version: path` uses the asl-lint
# already on PATH (this is how the action is tested offline). Otherwise it
# prefers a release binary (checked against its published sha256) and falls
# back to `cargo install` from this repository.
set -euo pipefail

version="${INPUT_VERSION:-latest}"
repo="${ACTION_REPOSITORY:-asl-lint/asl-lint}"
cache="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/asl-lint/${RESOLVED_VERSION:-${version}}"

if [ "$version" = "path" ]; then
    command -v asl-lint >/dev/null || { echo "::error::version: path, but asl-lint is not on PATH"; exit 1; }
    echo "version=$(asl-lint --version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
    exit 0
fi

if [ -x "$cache/asl-lint" ]; then
    echo "$cache" >> "$GITHUB_PATH"
    echo "version=$("$cache/asl-lint" --version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
    exit 0
fi
mkdir -p "$cache"

case "${RUNNER_OS:-Linux}-${RUNNER_ARCH:-X64}" in
    Linux-X64) target="x86_64-unknown-linux-musl" ;;
    Linux-ARM64) target="aarch64-unknown-linux-musl" ;;
    macOS-X64) target="x86_64-apple-darwin" ;;
    macOS-ARM64) target="aarch64-apple-darwin" ;;
    Windows-X64) target="x86_64-pc-windows-msvc" ;;
    *) target="" ;;
esac

if [ "$version" = "latest" ]; then
    base="https://github.com/${repo}/releases/latest/download"
else
    base="https://github.com/${repo}/releases/download/v${version#v}"
fi

if [ -n "$target" ] && curl -fsSL -o "$cache/asl-lint.tar.gz" "$base/asl-lint-${target}.tar.gz" \
    && curl -fsSL -o "$cache/asl-lint.tar.gz.sha256" "$base/asl-lint-${target}.tar.gz.sha256"; then
    expected="$(awk '{print $1}' "$cache/asl-lint.tar.gz.sha256")"
    actual="$( (sha256sum "$cache/asl-lint.tar.gz" 2>/dev/null || shasum -a 256 "$cache/asl-lint.tar.gz") | awk '{print $1}')"
    if [ "$expected" != "$actual" ]; then
        echo "::error::checksum mismatch for asl-lint-${target}.tar.gz"
        exit 1
    fi
    tar -xzf "$cache/asl-lint.tar.gz" -C "$cache"
else
    echo "No release binary for ${target:-this platform}; building with cargo install"
    if [ "$version" = "latest" ]; then
        cargo install --locked --profile dist --root "$cache/cargo" --git "https://github.com/${repo}" asl-lint
    else
        cargo install --locked --profile dist --root "$cache/cargo" --git "https://github.com/${repo}" --tag "v${version#v}" asl-lint
    fi
    cp "$cache/cargo/bin/asl-lint"* "$cache/"
fi
echo "$cache" >> "$GITHUB_PATH"
echo "version=$("$cache/asl-lint" --version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
