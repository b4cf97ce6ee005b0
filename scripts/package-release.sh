#!/usr/bin/env bash
# Release packaging, shared by .github/workflows/release.yml and
# scripts/test-packaging.sh:
#
#   package-release.sh version [TAG]
#       prints Cargo.toml's version; with TAG (v1.2.3 or refs/tags/v1.2.3),
#       fails unless TAG is v<that version>
#   package-release.sh archive BINARY TARGET OUT_DIR
#       writes OUT_DIR/asl-lint-<version>-<target>.tar.gz (.zip for a Windows
#       target): a folder of the same name holding the binary (asl-lint, or
#       asl-lint.exe), README.md and the two licences. cargo binstall's
#       metadata in Cargo.toml names the same paths. Prints the archive's path.
#   package-release.sh unwheel WHEEL OUT_DIR
#       copies the binary out of a wheel built by maturin (its
#       <name>.data/scripts/asl-lint[.exe]) into OUT_DIR, executable, and
#       prints its path: the archives and npm packages ship the very binary
#       the wheel does
#   package-release.sh sums DIR
#       writes DIR/SHA256SUMS, one `<sha256>  <file>` line per archive in
#       DIR, the format `sha256sum -c` reads
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

cargo_version() {
    local v
    v="$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -1)"
    [ -n "$v" ] || { echo "no version in Cargo.toml's [package]" >&2; exit 1; }
    echo "$v"
}

sha256_lines() {
    if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

python_cmd() {
    for p in python3 python; do
        if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info[0] != 3)' 2>/dev/null; then
            echo "$p"; return
        fi
    done
    echo "no Python 3 to write a zip archive with" >&2
    exit 1
}

case "${1:-}" in
    version)
        v="$(cargo_version)"
        if [ $# -ge 2 ]; then
            tag="${2#refs/tags/}"
            if [ "$tag" != "v$v" ]; then
                echo "tag $tag does not match Cargo.toml's version $v (expected v$v)" >&2
                exit 1
            fi
        fi
        echo "$v"
        ;;
    archive)
        [ $# -eq 4 ] || { echo "usage: $0 archive BINARY TARGET OUT_DIR" >&2; exit 2; }
        binary="$2" target="$3" out="$4"
        [ -f "$binary" ] || { echo "no binary at $binary" >&2; exit 1; }
        name="asl-lint-$(cargo_version)-${target}"
        exe=""
        case "$target" in *-windows-*) exe=".exe" ;; esac
        mkdir -p "$out"
        out="$(cd "$out" && pwd)"
        stage="$(mktemp -d)"
        mkdir "$stage/$name"
        cp "$binary" "$stage/$name/asl-lint$exe"
        chmod 755 "$stage/$name/asl-lint$exe"
        cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"
        if [ -n "$exe" ]; then
            rm -f "$out/$name.zip"
            (cd "$stage" && "$(python_cmd)" -m zipfile -c "$out/$name.zip" "$name")
            echo "$out/$name.zip"
        else
            tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
            echo "$out/$name.tar.gz"
        fi
        rm -rf "$stage"
        ;;
    unwheel)
        [ $# -eq 3 ] || { echo "usage: $0 unwheel WHEEL OUT_DIR" >&2; exit 2; }
        mkdir -p "$3"
        "$(python_cmd)" - "$2" "$3" <<'PY'
import os, re, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if re.fullmatch(r"[^/]+\.data/scripts/asl-lint(\.exe)?", n)]
    if len(names) != 1:
        sys.exit(f"{wheel}: expected one asl-lint script, found {names}")
    path = os.path.join(out, os.path.basename(names[0]))
    with open(path, "wb") as f:
        f.write(z.read(names[0]))
os.chmod(path, 0o755)
print(path)
PY
        ;;
    sums)
        [ $# -eq 2 ] || { echo "usage: $0 sums DIR" >&2; exit 2; }
        cd "$2"
        shopt -s nullglob
        archives=(asl-lint-*.tar.gz asl-lint-*.zip)
        [ ${#archives[@]} -gt 0 ] || { echo "no asl-lint-*.tar.gz or .zip in $2" >&2; exit 1; }
        sha256_lines "${archives[@]}" > SHA256SUMS
        cat SHA256SUMS
        ;;
    *)
        echo "usage: $0 version [TAG] | archive BINARY TARGET OUT_DIR | unwheel WHEEL OUT_DIR | sums DIR" >&2
        exit 2
        ;;
esac
