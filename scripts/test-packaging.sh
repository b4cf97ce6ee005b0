#!/usr/bin/env bash
# The install paths of issue #34, checked with the real tools on this
# machine (nothing is published):
#
#   1. the Python wheel: `maturin build`, then a fresh venv installs it from
#      a local folder (pip --no-index --find-links), and uvx and pipx do too;
#      the sdist holds what a source build needs
#   2. pre-commit: the mirror repository that
#      packaging/pre-commit-mirror/generate.sh writes, used by a real
#      `pre-commit run` with the wheel from the local folder and no cargo on
#      PATH
#   3. npm: the launcher and this machine's platform package, staged by
#      npm/stage.mjs, packed with `npm pack`, installed from the tarballs;
#      `npx asl-lint` runs, and a missing platform package is explained
#   4. the GitHub Action's install step (scripts/action-resolve.sh,
#      scripts/action-install.sh) against a local release folder made by
#      scripts/package-release.sh: the download, a checksum mismatch and a
#      missing checksum (both refused), and the cargo fallback
#   5. cargo binstall's templates in Cargo.toml against the archives, and
#      the version pins in the README against Cargo.toml
#
# Usage: scripts/test-packaging.sh
#   ASL_LINT_BIN        the binary to package (default target/release/asl-lint)
#   ASL_LINT_WHEEL_DIR  reuse the wheel in this folder, or build it there
#                       when it has none (default: a scratch folder)
#   ASL_LINT_TOOLS_VENV a venv to install maturin, pre-commit, uv and pipx
#                       into (default: a scratch one)
# A check whose tool is missing prints `skipped: <reason>`; any real failure
# makes the exit code 1. The wheel build is the one cargo build here (it
# reuses CARGO_TARGET_DIR, default target/).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 1
bin="${ASL_LINT_BIN:-$root/target/release/asl-lint}"
version="$(scripts/package-release.sh version)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }
skip() { skipped=$((skipped + 1)); echo "skipped: $*"; }
section() { echo; echo "== $*"; }
seconds() { python3 -c 'import time; print(f"{time.time():.2f}")'; }
elapsed() { python3 -c "print(f'{$(seconds) - $1:.1f}')"; }

# PATH without cargo (nor rustc, nor any asl-lint): what a machine without
# a Rust toolchain has.
no_rust_path() {
    local out="" dir
    IFS=: read -ra dirs <<< "$PATH"
    for dir in "${dirs[@]}"; do
        [ -z "$dir" ] && continue
        [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/asl-lint" ] && continue
        out="${out:+$out:}$dir"
    done
    echo "$out"
}
plain_path="$(no_rust_path)"

if [ ! -x "$bin" ]; then
    echo "no asl-lint binary at $bin (build it, or set ASL_LINT_BIN)" >&2
    exit 1
fi
echo "asl-lint $version; binary $bin ($(du -h "$bin" | cut -f1))"
# maturin builds into the same target folder and may replace $bin with the
# stripped binary: keep the one this run started with, to compare against.
unstripped="$scratch/asl-lint-before-maturin"
cp "$bin" "$unstripped"

# ---------------------------------------------------------------- tools
tools="${ASL_LINT_TOOLS_VENV:-$scratch/tools}"
have_tools=""
if [ -x "$tools/bin/maturin" ] && [ -x "$tools/bin/pre-commit" ]; then
    have_tools=yes
elif python3 -m venv "$tools" >/dev/null 2>&1 \
    && "$tools/bin/pip" install --quiet --disable-pip-version-check maturin pre-commit uv pipx >/dev/null 2>&1; then
    have_tools=yes
fi
# From here on, pip finds packages only where a check says.
unset PIP_FIND_LINKS PIP_NO_INDEX
[ -n "$have_tools" ] || skip "maturin, pre-commit, uv and pipx could not be installed into a venv (no python3 venv or no PyPI): the wheel and pre-commit checks"

# ------------------------------------------------------ 1. Python wheel
section "1. the wheel (maturin, bindings = bin)"
wheels="${ASL_LINT_WHEEL_DIR:-$scratch/wheels}"
mkdir -p "$wheels"
wheel=""
if [ -n "$have_tools" ]; then
    wheel="$(ls "$wheels"/asl_lint-"$version"-*.whl 2>/dev/null | head -1)"
    if [ -z "$wheel" ]; then
        start="$(seconds)"
        if CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" "$tools/bin/maturin" build --release \
            --out "$wheels" > "$scratch/maturin.log" 2>&1; then
            wheel="$(ls "$wheels"/asl_lint-"$version"-*.whl 2>/dev/null | head -1)"
            echo "maturin build --release: $(elapsed "$start") s"
        else
            tail -20 "$scratch/maturin.log"
        fi
    fi
    if [ -n "$wheel" ]; then
        pass "wheel $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB"
    else
        fail "maturin build produced no asl_lint-$version wheel"
    fi
fi

if [ -n "$wheel" ]; then
    # What the wheel holds: the binary as a script, stripped, and metadata
    # with Cargo.toml's version.
    if "$tools/bin/python" - "$wheel" "$version" <<'PY'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
names = z.namelist()
script = f"asl_lint-{version}.data/scripts/asl-lint"
assert script in names, names
size = z.getinfo(script).file_size
assert size < 30 * 1024 * 1024, f"the binary is {size} bytes: not stripped?"
meta = z.read(f"asl_lint-{version}.dist-info/METADATA").decode()
assert f"Version: {version}\n" in meta and "Name: asl-lint\n" in meta, meta[:300]
assert "License-Expression: MIT OR Apache-2.0" in meta
print(f"binary in the wheel: {size / 1048576:.1f} MiB")
PY
    then pass "the wheel holds the stripped binary and version $version"; else fail "the wheel's contents"; fi

    python3 -m venv "$scratch/venv-pip"
    start="$(seconds)"
    if PATH="$plain_path" "$scratch/venv-pip/bin/pip" install --quiet --disable-pip-version-check \
        --no-index --find-links "$wheels" asl-lint; then
        echo "pip install from the folder: $(elapsed "$start") s"
        out="$("$scratch/venv-pip/bin/asl-lint" --version)"
        [ "$out" = "asl-lint $version" ] && pass "pip: asl-lint --version says '$out'" \
            || fail "pip: asl-lint --version says '$out'"
        "$scratch/venv-pip/bin/asl-lint" --format concise examples/ > "$scratch/lint.txt"
        status=$?
        if [ "$status" -eq 1 ] && grep -q 'typo-and-leftover.asl.json:.*unknown-transition-target' "$scratch/lint.txt"; then
            pass "pip: linting examples/ exits 1 with the misspelt Next"
        else
            fail "pip: linting examples/ exited $status"; head -5 "$scratch/lint.txt"
        fi
        "$scratch/venv-pip/bin/asl-lint" examples/job-chain/caught.asl.json >/dev/null \
            && pass "pip: a clean definition exits 0" || fail "pip: a clean definition did not exit 0"
    else
        fail "pip install --no-index --find-links $wheels asl-lint"
    fi

    if [ -x "$tools/bin/uvx" ]; then
        start="$(seconds)"
        out="$(PATH="$plain_path" UV_CACHE_DIR="$scratch/uv-cache" UV_TOOL_DIR="$scratch/uv-tools" \
            UV_PYTHON_DOWNLOADS=never \
            "$tools/bin/uvx" --no-index --find-links "$wheels" asl-lint --version 2>"$scratch/uvx.err")"
        if [ "$out" = "asl-lint $version" ]; then
            pass "uvx asl-lint --version says '$out' ($(elapsed "$start") s, cold cache)"
        else
            fail "uvx asl-lint --version said '$out'"; cat "$scratch/uvx.err"
        fi
    else
        skip "no uvx: uvx from the folder"
    fi

    if [ -x "$tools/bin/pipx" ]; then
        start="$(seconds)"
        if PATH="$plain_path" PIPX_HOME="$scratch/pipx" PIPX_BIN_DIR="$scratch/pipx/bin" PIPX_MAN_DIR="$scratch/pipx/man" \
            "$tools/bin/pipx" install --pip-args="--no-index --find-links=$wheels" asl-lint \
            > "$scratch/pipx.log" 2>&1; then
            out="$("$scratch/pipx/bin/asl-lint" --version)"
            [ "$out" = "asl-lint $version" ] && pass "pipx install: asl-lint --version says '$out' ($(elapsed "$start") s)" \
                || fail "pipx: asl-lint --version said '$out'"
        else
            fail "pipx install from the folder"; tail -5 "$scratch/pipx.log"
        fi
        # `pipx run` as the README suggests. pipx uses its uv backend here (uv
        # is in the same venv), which takes the folder from uv's variables.
        out="$(PATH="$plain_path" PIPX_HOME="$scratch/pipx-run" PIPX_BIN_DIR="$scratch/pipx-run/bin" \
            UV_NO_INDEX=1 UV_FIND_LINKS="$wheels" UV_CACHE_DIR="$scratch/uv-cache-run" UV_PYTHON_DOWNLOADS=never \
            "$tools/bin/pipx" run asl-lint --version 2>"$scratch/pipx-run.err")"
        if [ "$out" = "asl-lint $version" ]; then
            pass "pipx run asl-lint --version says '$out'"
        else
            fail "pipx run asl-lint --version said '$out'"; tail -5 "$scratch/pipx-run.err"
        fi
    else
        skip "no pipx: pipx from the folder"
    fi
fi

if [ -n "$have_tools" ]; then
    # The sdist, for platforms without a wheel: what a source build reads.
    if "$tools/bin/maturin" sdist --out "$scratch/sdist" > "$scratch/sdist.log" 2>&1; then
        sdist="$scratch/sdist/asl_lint-$version.tar.gz"
        missing=""
        listing="$(tar -tzf "$sdist")"
        for f in Cargo.toml Cargo.lock pyproject.toml build.rs src/main.rs src/lib.rs \
            src/catalog/resources.toml rules/unknown-transition-target.md LICENSE-MIT README.md; do
            grep -qx "asl_lint-$version/$f" <<< "$listing" || missing="$missing $f"
        done
        [ -z "$missing" ] && pass "sdist $(basename "$sdist"), $(du -k "$sdist" | cut -f1) KiB, holds the sources" \
            || fail "the sdist lacks$missing"
    else
        fail "maturin sdist"; tail -5 "$scratch/sdist.log"
    fi
fi

# The archives and npm packages ship the binary taken out of the wheel, as
# the release workflow does.
packaged="$bin"
if [ -n "$wheel" ]; then
    packaged="$(scripts/package-release.sh unwheel "$wheel" "$scratch/unwheeled")"
    if [ "$("$packaged" --version)" = "asl-lint $version" ] \
        && [ "$(stat -c %s "$packaged")" -lt "$(stat -c %s "$unstripped")" ]; then
        pass "package-release.sh unwheel: the wheel's binary ($(du -k "$packaged" | cut -f1) KiB, stripped) runs"
    else
        fail "package-release.sh unwheel"
    fi
fi

# ------------------------------------------------------- 2. pre-commit
section "2. pre-commit: the mirror's python hook, the wheel from a folder, no cargo"
if [ -z "$wheel" ]; then
    skip "no wheel: the pre-commit run"
elif ! command -v git >/dev/null; then
    skip "no git: the pre-commit run"
else
    mirror="$scratch/asl-lint-pre-commit"
    packaging/pre-commit-mirror/generate.sh "$version" "$mirror" >/dev/null
    if "$tools/bin/python" - "$mirror/.pre-commit-hooks.yaml" .pre-commit-hooks.yaml <<'PY'
import sys, yaml
mirror = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
here = {h["id"]: h for h in yaml.safe_load(open(sys.argv[2]))}
assert set(here) == {"asl-lint", "asl-lint-src", "asl-lint-system"}, set(here)
assert mirror["asl-lint"]["language"] == "python", mirror["asl-lint"]
assert here["asl-lint-src"]["language"] == "rust"
for key in ("entry", "files", "require_serial", "minimum_pre_commit_version"):
    assert mirror["asl-lint"][key] == here["asl-lint-src"][key], key
    assert mirror["asl-lint-system"][key] == here["asl-lint-system"][key], key
PY
    then pass "the mirror's hooks run what this repository's hooks run"; else fail "the mirror's hooks differ from .pre-commit-hooks.yaml"; fi
    grep -q "install_requires=\[\"asl-lint==$version\"\]" "$mirror/setup.py" \
        && pass "the mirror requires asl-lint==$version" || fail "the mirror's setup.py"
    git() { command git -c user.name=test -c user.email=test@example.com -c init.defaultBranch=main "$@"; }
    (cd "$mirror" && git init -q . && git add . && git commit -qm "asl-lint $version" && git tag "v$version")

    # setuptools builds the mirror's setup.py; the pip in pre-commit's
    # virtualenv takes it and the wheel from folders, never from an index.
    pipdeps="$scratch/pipdeps"
    if ! "$tools/bin/pip" download --quiet --disable-pip-version-check --only-binary :all: \
        -d "$pipdeps" setuptools >/dev/null 2>&1; then
        skip "setuptools could not be downloaded from PyPI: the pre-commit run"
    else
        project="$scratch/project"
        mkdir -p "$project"
        cp examples/glue-session/stopped-on-success-only.asl.json "$project/bad.asl.json"
        cp examples/job-chain/caught.asl.json "$project/good.asl.json"
        cat > "$project/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $mirror
    rev: v$version
    hooks:
      - id: asl-lint
EOF
        (cd "$project" && git init -q . && git add .)
        if PATH="$plain_path" command -v cargo >/dev/null; then
            fail "cargo is still on the PATH meant to have none"
        fi
        run_hook() {
            (cd "$project" && PATH="$plain_path" PRE_COMMIT_HOME="$scratch/pre-commit-home" \
                PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels $pipdeps" \
                "$tools/bin/pre-commit" run --color never "$@")
        }
        start="$(seconds)"
        run_hook --files bad.asl.json > "$scratch/pc-bad.txt" 2>&1
        status=$?
        took="$(elapsed "$start")"
        if [ "$status" -ne 0 ] && grep -q 'bad.asl.json:.*\[' "$scratch/pc-bad.txt"; then
            pass "pre-commit run (hook installed from the wheel, no cargo) fails bad.asl.json with its findings: $took s, install included"
        else
            fail "pre-commit run on bad.asl.json exited $status"; tail -20 "$scratch/pc-bad.txt"
        fi
        start="$(seconds)"
        if run_hook --files good.asl.json > "$scratch/pc-good.txt" 2>&1; then
            pass "pre-commit run passes good.asl.json ($(elapsed "$start") s, installed)"
        else
            fail "pre-commit run on good.asl.json"; tail -20 "$scratch/pc-good.txt"
        fi
        hook_bin="$(ls -d "$scratch"/pre-commit-home/repo*/py_env-*/bin/asl-lint 2>/dev/null | head -1)"
        [ -n "$hook_bin" ] && [ "$("$hook_bin" --version)" = "asl-lint $version" ] \
            && pass "the hook's virtualenv has asl-lint $version from the wheel" \
            || fail "no asl-lint in the hook's virtualenv"
    fi
fi

# -------------------------------------------------------------- 3. npm
section "3. npm: the launcher and this machine's platform package"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) host=x86_64-unknown-linux-gnu ;;
    Linux-aarch64) host=aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) host=x86_64-apple-darwin ;;
    Darwin-arm64) host=aarch64-apple-darwin ;;
    *) host="" ;;
esac
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    skip "no node/npm: the npm packages"
elif [ -z "$host" ]; then
    skip "no npm platform package for $(uname -s)-$(uname -m)"
else
    npmdir="$scratch/npm"
    export npm_config_cache="$scratch/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    if ! launcher="$(node npm/stage.mjs launcher "$npmdir/launcher")" \
        || ! platform="$(node npm/stage.mjs platform "$packaged" "$host" "$npmdir/platform")"; then
        fail "npm/stage.mjs"
    else
        mkdir -p "$npmdir/tgz"
        (cd "$launcher" && npm pack --silent --pack-destination "$npmdir/tgz" >/dev/null) \
            && (cd "$platform" && npm pack --silent --pack-destination "$npmdir/tgz" >/dev/null)
        launcher_tgz="$npmdir/tgz/asl-lint-$version.tgz"
        platform_name="$(node -p "require('$platform/package.json').name")"
        platform_tgz="$(ls "$npmdir"/tgz/asl-lint-cli-*-"$version".tgz 2>/dev/null | head -1)"
        if [ -f "$launcher_tgz" ] && [ -n "$platform_tgz" ]; then
            pass "npm pack: $(basename "$launcher_tgz") ($(du -k "$launcher_tgz" | cut -f1) KiB), $(basename "$platform_tgz") ($(du -k "$platform_tgz" | cut -f1) KiB)"
        else
            fail "npm pack made no tarballs"
        fi
        node -e '
            const m = require(process.argv[1]);
            const v = process.argv[2];
            if (m.version !== v) throw new Error(`version ${m.version}`);
            for (const [n, r] of Object.entries(m.optionalDependencies)) if (r !== v) throw new Error(`${n}@${r}`);
        ' "$launcher/package.json" "$version" \
            && pass "the launcher and its optional platform packages are all version $version" \
            || fail "the launcher's versions"

        # A project with asl-lint as a devDependency, from the tarballs.
        app="$scratch/app"
        mkdir -p "$app" && (cd "$app" && npm init -y >/dev/null)
        start="$(seconds)"
        if (cd "$app" && npm install --silent --save-dev "$launcher_tgz" "$platform_tgz" > "$scratch/npm-install.log" 2>&1); then
            echo "npm install of the two tarballs: $(elapsed "$start") s"
            out="$(cd "$app" && npx --no-install asl-lint --version 2>&1)"
            [ "$out" = "asl-lint $version" ] && pass "npx asl-lint --version says '$out'" \
                || fail "npx asl-lint --version said '$out'"
            (cd "$app" && npx --no-install asl-lint --format concise "$root/examples/structural" > "$scratch/npx.txt" 2>&1)
            status=$?
            [ "$status" -eq 1 ] && grep -q unknown-transition-target "$scratch/npx.txt" \
                && pass "npx asl-lint passes the exit code (1) and the findings through" \
                || { fail "npx asl-lint on examples/structural exited $status"; cat "$scratch/npx.txt"; }
        else
            fail "npm install of the tarballs"; tail -20 "$scratch/npm-install.log"
        fi

        # The same without the platform package: a clear message, exit 2.
        bare="$scratch/bare"
        mkdir -p "$bare" && (cd "$bare" && npm init -y >/dev/null)
        if (cd "$bare" && npm install --silent --omit=optional "$launcher_tgz" > "$scratch/npm-bare.log" 2>&1); then
            out="$(cd "$bare" && npx --no-install asl-lint --version 2>&1)"
            status=$?
            if [ "$status" -eq 2 ] && grep -q "$platform_name" <<< "$out" && grep -q "not installed" <<< "$out"; then
                pass "without its platform package the launcher says: $out"
            else
                fail "without the platform package: exit $status, '$out'"
            fi
        else
            fail "npm install --omit=optional of the launcher"; tail -20 "$scratch/npm-bare.log"
        fi
    fi
fi

# ---------------------------------------------------- 4. the Action
section "4. the Action's install step against a local release folder"
case "$(uname -m)" in x86_64) arch=X64 ;; aarch64 | arm64) arch=ARM64 ;; *) arch="" ;; esac
if [ "$(uname -s)" != Linux ] || [ -z "$arch" ]; then
    skip "the Action's install step is checked on Linux x64/arm64 only"
else
    target="$([ "$arch" = X64 ] && echo x86_64 || echo aarch64)-unknown-linux-musl"
    # The archive the release would publish for this runner, holding, as the
    # release's do, the binary taken out of the wheel (a glibc build here,
    # where the release has a static musl one: it only has to run here).
    release="$scratch/releases/v$version"
    mkdir -p "$release"
    archive="$(scripts/package-release.sh archive "$packaged" "$target" "$release")"
    zip="$(scripts/package-release.sh archive "$packaged" x86_64-pc-windows-msvc "$release")"
    scripts/package-release.sh sums "$release" > /dev/null
    (cd "$release" && sha256sum -c --quiet SHA256SUMS) \
        && pass "package-release.sh: $(basename "$archive"), $(basename "$zip") and a SHA256SUMS that sha256sum -c accepts" \
        || fail "SHA256SUMS does not verify"

    # Runs the install step as the action does; prints its log.
    install_step() { # DOWNLOAD_URL INPUT_VERSION RESOLVED_VERSION FROM CASE [PATH]
        local case="$scratch/action-$5"
        mkdir -p "$case/tool-cache" "$case/tmp"
        : > "$case/output"; : > "$case/path"
        PATH="${6:-$plain_path}" RUNNER_OS=Linux RUNNER_ARCH="$arch" RUNNER_TOOL_CACHE="$case/tool-cache" \
            RUNNER_TEMP="$case/tmp" GITHUB_OUTPUT="$case/output" GITHUB_PATH="$case/path" \
            GITHUB_ACTION_PATH="$root" ACTION_REPOSITORY=asl-lint/asl-lint ASL_LINT_DOWNLOAD_URL="$1" \
            INPUT_VERSION="$2" RESOLVED_VERSION="$3" RESOLVED_FROM="$4" \
            bash scripts/action-install.sh > "$case/log" 2>&1
    }

    # The action's own version: resolve (from the action's Cargo.toml),
    # then install: download, verify, unpack.
    resolve_out="$scratch/resolve.out"
    : > "$resolve_out"
    GITHUB_OUTPUT="$resolve_out" GITHUB_ACTION_PATH="$root" INPUT_VERSION="" bash scripts/action-resolve.sh
    grep -qx "version=$version" "$resolve_out" && grep -qx "from=action" "$resolve_out" \
        && pass "action-resolve.sh: no version input means the action's own, $version" \
        || fail "action-resolve.sh gave $(tr '\n' ' ' < "$resolve_out")"
    : > "$resolve_out"
    GITHUB_OUTPUT="$resolve_out" INPUT_VERSION="v1.2.3" bash scripts/action-resolve.sh
    grep -qx "version=1.2.3" "$resolve_out" && grep -qx "from=input" "$resolve_out" \
        && pass "action-resolve.sh: version v1.2.3 means release 1.2.3" || fail "action-resolve.sh on v1.2.3"
    GITHUB_OUTPUT=/dev/null INPUT_VERSION="main" bash scripts/action-resolve.sh >/dev/null 2>&1 \
        && fail "action-resolve.sh accepted version: main" || pass "action-resolve.sh refuses version: main"

    if install_step "file://$scratch/releases" "" "$version" action ok \
        && [ -x "$scratch/action-ok/tool-cache/asl-lint/$version/asl-lint" ] \
        && grep -qx "$scratch/action-ok/tool-cache/asl-lint/$version" "$scratch/action-ok/path" \
        && grep -qx "version=$version" "$scratch/action-ok/output"; then
        pass "action-install.sh downloads $(basename "$archive"), checks it against SHA256SUMS and puts asl-lint $version on PATH"
    else
        fail "action-install.sh with a good archive"; cat "$scratch/action-ok/log"
    fi
    # Run again: the cached binary is used (the release folder is gone).
    if install_step "file://$scratch/nowhere" "" "$version" action ok \
        && grep -qx "version=$version" "$scratch/action-ok/output"; then
        pass "action-install.sh reuses the cached binary"
    else
        fail "action-install.sh with a cached binary"; cat "$scratch/action-ok/log"
    fi

    # A checksum that does not match: refused, nothing installed.
    bad="$scratch/bad-releases/v$version"
    mkdir -p "$bad" && cp "$archive" "$bad/"
    sed "s/^[0-9a-f]\{64\}/$(printf '0%.0s' $(seq 64))/" "$release/SHA256SUMS" > "$bad/SHA256SUMS"
    if install_step "file://$scratch/bad-releases" "" "$version" action mismatch; then
        fail "action-install.sh installed an archive whose checksum does not match"
    elif grep -q "checksum mismatch for $(basename "$archive")" "$scratch/action-mismatch/log" \
        && [ ! -e "$scratch/action-mismatch/tool-cache/asl-lint/$version/asl-lint" ] \
        && [ ! -s "$scratch/action-mismatch/path" ]; then
        pass "action-install.sh refuses a checksum mismatch: $(grep -o 'checksum mismatch[^;]*' "$scratch/action-mismatch/log" | cut -c1-60)..."
    else
        fail "action-install.sh on a checksum mismatch"; cat "$scratch/action-mismatch/log"
    fi
    # A SHA256SUMS without a line for the archive: refused too.
    grep -v "$(basename "$archive")" "$release/SHA256SUMS" > "$bad/SHA256SUMS"
    if install_step "file://$scratch/bad-releases" "" "$version" action unlisted; then
        fail "action-install.sh installed an archive that SHA256SUMS does not list"
    elif grep -q "has no line for" "$scratch/action-unlisted/log"; then
        pass "action-install.sh refuses an archive SHA256SUMS does not list"
    else
        fail "action-install.sh on an unlisted archive"; cat "$scratch/action-unlisted/log"
    fi

    # No archive for the version: `cargo install --locked`. This cargo
    # records its arguments and installs the binary at hand, so that the
    # fallback's choice of source is checked without compiling.
    fake="$scratch/fake-cargo"
    mkdir -p "$fake"
    cat > "$fake/cargo" <<EOF
#!/usr/bin/env bash
echo "\$*" >> "$scratch/cargo-args"
while [ \$# -gt 0 ]; do [ "\$1" = --root ] && root_dir="\$2"; shift; done
mkdir -p "\$root_dir/bin" && cp "$bin" "\$root_dir/bin/asl-lint"
EOF
    chmod +x "$fake/cargo"
    install_step "file://$scratch/nowhere" "" "$version" action fallback-own "$fake:$plain_path"
    if grep -q -- "^install --locked --profile dist --root .* --path $root\$" "$scratch/cargo-args" 2>/dev/null \
        && grep -qx "version=$version" "$scratch/action-fallback-own/output"; then
        pass "without an archive, the action's own version is built from its source: cargo $(tail -1 "$scratch/cargo-args" | sed "s|$scratch|…|; s|$root|<action>|")"
    else
        fail "the fallback for the action's own version"; cat "$scratch/action-fallback-own/log" "$scratch/cargo-args"
    fi
    install_step "file://$scratch/nowhere" "9.8.7" "9.8.7" input fallback-tag "$fake:$plain_path"
    if tail -1 "$scratch/cargo-args" | grep -q -- "^install --locked --profile dist --root .* --git https://github.com/asl-lint/asl-lint --tag v9.8.7 asl-lint\$"; then
        pass "without an archive, version 9.8.7 is built from the tag v9.8.7 with --locked"
    else
        fail "the fallback for an explicit version"; cat "$scratch/action-fallback-tag/log"
    fi
    if install_step "file://$scratch/nowhere" "9.8.7" "9.8.7" input fallback-none; then
        fail "action-install.sh succeeded with no archive and no cargo"
    else
        grep -q "no cargo to build it" "$scratch/action-fallback-none/log" \
            && pass "no archive and no cargo: a clear error" || { fail "no archive, no cargo"; cat "$scratch/action-fallback-none/log"; }
    fi

    # The action's three steps in a row, as the runner runs them with the
    # default version input: resolve, install (nothing on PATH before), then
    # the lint step with the folder install added to PATH (the runner applies
    # GITHUB_PATH between steps).
    flow="$scratch/action-flow"
    mkdir -p "$flow/tmp"
    : > "$flow/resolve"; : > "$flow/install"; : > "$flow/run"; : > "$flow/path"
    if GITHUB_OUTPUT="$flow/resolve" GITHUB_ACTION_PATH="$root" INPUT_VERSION="" bash scripts/action-resolve.sh \
        && PATH="$plain_path" RUNNER_TEMP="$flow/tmp" GITHUB_OUTPUT="$flow/install" GITHUB_PATH="$flow/path" \
            GITHUB_ACTION_PATH="$root" ASL_LINT_DOWNLOAD_URL="file://$scratch/releases" INPUT_VERSION="" \
            RESOLVED_VERSION="$(sed -n 's/^version=//p' "$flow/resolve")" RESOLVED_FROM="$(sed -n 's/^from=//p' "$flow/resolve")" \
            bash scripts/action-install.sh > "$flow/log" 2>&1 \
        && PATH="$(head -1 "$flow/path"):$plain_path" RUNNER_TEMP="$flow/tmp" GITHUB_OUTPUT="$flow/run" \
            INPUT_PATHS=examples INPUT_FORMAT=concise INPUT_FAIL_ON=never bash scripts/action-run.sh > "$flow/lint" 2>&1 \
        && [ "$(sed -n 's/^errors=//p' "$flow/run")" -gt 0 ]; then
        pass "the action's steps with the default version: download, verify, lint examples/ ($(tr '\n' ' ' < "$flow/run"))"
    else
        fail "the action's steps with the default version"; cat "$flow/log" "$flow/lint" 2>/dev/null | tail -20
    fi
fi

# --------------------------------------- 5. binstall templates, pins
section "5. cargo binstall's templates, the version check, the README's pins"
if [ -n "${release:-}" ] && python3 -c 'import tomllib' 2>/dev/null; then
    if python3 - "$version" "$release" <<'PY'
import os, sys, tarfile, tomllib, zipfile
version, release = sys.argv[1], sys.argv[2]
meta = tomllib.load(open("Cargo.toml", "rb"))
pkg = meta["package"]
binstall = pkg["metadata"]["binstall"]
def expand(template, target, exe):
    for key, value in {"repo": pkg["repository"], "version": version, "name": pkg["name"],
                       "target": target, "bin": "asl-lint", "binary-ext": exe}.items():
        template = template.replace("{ %s }" % key, value)
    assert "{" not in template, template
    return template
for target, exe in [("x86_64-unknown-linux-musl", ""), ("x86_64-pc-windows-msvc", ".exe")]:
    table = dict(binstall, **binstall.get("overrides", {}).get(target, {}))
    url = expand(table["pkg-url"], target, exe)
    assert url.startswith(f"https://github.com/asl-lint/asl-lint/releases/download/v{version}/"), url
    archive = os.path.join(release, os.path.basename(url))
    inside = expand(table["bin-dir"], target, exe)
    if table["pkg-fmt"] == "zip":
        names = zipfile.ZipFile(archive).namelist()
    else:
        assert table["pkg-fmt"] == "tgz"
        names = tarfile.open(archive).getnames()
    assert inside in names, (inside, names)
    print(f"{target}: {os.path.basename(url)} holds {inside}")
PY
    then pass "binstall's pkg-url and bin-dir name the archives package-release.sh writes"; else fail "binstall's templates"; fi
else
    skip "no archives or no Python 3.11 tomllib: binstall's templates"
fi
scripts/package-release.sh version "refs/tags/v$version" >/dev/null \
    && ! scripts/package-release.sh version v0.0.0-not-it >/dev/null 2>&1 \
    && pass "package-release.sh version accepts the tag v$version and refuses another" \
    || fail "package-release.sh version"
pins="$(grep -oE '(rev: v|asl-lint@v)[0-9][0-9.]*' README.md docs/install.md 2>/dev/null | grep -v "v$version\$" || true)"
[ -z "$pins" ] && pass "every pin in the README names v$version, the tag the release workflow creates" \
    || fail "pins that are not v$version: $pins"

echo
echo "packaging: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
