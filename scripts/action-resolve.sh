#!/usr/bin/env bash
# Resolves the action's `version` input to the release to install, for the
# cache key and the install step. Outputs `version` (X.Y.Z) and `from`:
#   (empty)  the action's own version: the one in the Cargo.toml of the
#            action's checkout, which for a release tag (`uses:
#            asl-lint/asl-lint@v0.1.0`, or that tag's commit) is the tag's
#            version: the release workflow refuses a tag that differs.
#            (github.action_ref is not used: in a composite action it can be
#            empty, or the ref of an outer action.) from=action
#   latest   the tag the latest release redirects to, so the cache moves on
#            with each release instead of freezing on the first one it
#            stored; when the release cannot be asked for, the version is
#            `latest-<today>`, so a stale binary is kept for a day at most;
#            from=latest
#   X.Y.Z    that release (a leading `v` is dropped); from=input
set -euo pipefail
version="${INPUT_VERSION:-}"
repo="${ACTION_REPOSITORY:-asl-lint/asl-lint}"
semver='^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$'
case "$version" in
    "")
        from=action
        manifest="${GITHUB_ACTION_PATH:-$(dirname "$0")/..}/Cargo.toml"
        version="$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$manifest" | head -1)"
        [ -n "$version" ] || { echo "::error::no version in $manifest"; exit 1; }
        ;;
    latest)
        from=latest
        url="$(curl -fsSLI --max-time 30 -o /dev/null -w '%{url_effective}' "https://github.com/${repo}/releases/latest" 2>/dev/null || true)"
        case "$url" in
            */releases/tag/*) version="${url##*/tag/}"; version="${version#v}" ;;
            *) version="latest-$(date -u +%Y-%m-%d)" ;;
        esac
        ;;
    *)
        from=input
        version="${version#v}"
        [[ "$version" =~ $semver ]] || { echo "::error::version: expected X.Y.Z, latest, path or nothing, got '$INPUT_VERSION'"; exit 1; }
        ;;
esac
echo "version=${version}" >> "$GITHUB_OUTPUT"
echo "from=${from}" >> "$GITHUB_OUTPUT"
