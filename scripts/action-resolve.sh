#!/usr/bin/env bash
# Resolves the action's `version` input for the cache key: `latest` becomes
# the tag the latest release redirects to, so the cache moves on with each
# release instead of freezing on the first one it stored. When the release
# cannot be asked for, the key carries today's date, so a stale binary is
# kept for a day at most.
set -euo pipefail
version="${INPUT_VERSION:-latest}"
repo="${ACTION_REPOSITORY:-asl-lint/asl-lint}"
if [ "$version" = "latest" ]; then
    url="$(curl -fsSLI -o /dev/null -w '%{url_effective}' "https://github.com/${repo}/releases/latest" 2>/dev/null || true)"
    case "$url" in
        */releases/tag/*) version="${url##*/tag/}" ;;
        *) version="latest-$(date -u +%Y-%m-%d)" ;;
    esac
fi
echo "version=${version}" >> "$GITHUB_OUTPUT"
