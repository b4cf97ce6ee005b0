#!/usr/bin/env bash
# Writes the pre-commit mirror repository (asl-lint/asl-lint-pre-commit) for
# one asl-lint version:
#
#   packaging/pre-commit-mirror/generate.sh VERSION OUT_DIR
#
# OUT_DIR gets the files of template/ with @VERSION@ filled in, and the
# licences. The release workflow commits them to the mirror and tags the
# commit vVERSION; scripts/test-packaging.sh runs pre-commit against it.
#
# Why a separate repository: a `language: python` hook makes pre-commit
# `pip install` the hook repository's root. This repository's root
# pyproject.toml builds asl-lint from source with maturin and cargo, so a
# python hook here would need Rust after all. The mirror's root holds only a
# setup.py that requires asl-lint==VERSION, which pip satisfies with the
# prebuilt wheel from PyPI.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 VERSION OUT_DIR" >&2; exit 2; }
version="${1#v}"
out="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "not a version: $1" >&2; exit 2; }
mkdir -p "$out"
for file in .pre-commit-hooks.yaml setup.py README.md; do
    sed "s/@VERSION@/${version}/g" "$here/template/$file" > "$out/$file"
done
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$out/"
echo "$out"
