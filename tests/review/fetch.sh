#!/usr/bin/env bash
# Snapshots and a scratch tree for the review set (tests/review/SOURCES.tsv).
#
#   tests/review/fetch.sh check            which listed definitions the mirror holds
#   tests/review/fetch.sh clone            clone each missing repository from GitHub (bare)
#   tests/review/fetch.sh scratch DIR [HALF]
#                                          write each listed definition (of HALF:
#                                          tuning or check; default both) to
#                                          DIR/<owner>/<name>/<path>, with a `.git`
#                                          folder at DIR/<owner>/<name>, as
#                                          tests/review.rs does before it lints
#
# The mirror is $ASL_LINT_REVIEW_MIRROR (default ../.mirror beside this checkout):
# <owner>+<name>/repo is a bare git directory, or a clone whose git directory is
# <owner>+<name>/repo/.git. Nothing fetched is copied into this repository.
#
# To lint a scratch tree as the review test does:
#   target/release/asl-lint --no-config --format json --fail-on never . (run in DIR)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sources=$here/SOURCES.tsv
mirror=${ASL_LINT_REVIEW_MIRROR:-$here/../../../.mirror}

# repo path commit license split, one row a line, comments and header dropped.
rows() { grep -v '^#' "$sources" | tail -n +2; }

gitdir() {
  local base=$mirror/${1/\//+}/repo
  if [[ -d $base/.git ]]; then echo "$base/.git"; else echo "$base"; fi
}

case ${1:-} in
check)
  have=0 missing=0
  while IFS=$'\t' read -r repo path commit _license _split; do
    if git --git-dir="$(gitdir "$repo")" cat-file -e "$commit:$path" 2>/dev/null; then
      have=$((have + 1))
    else
      missing=$((missing + 1))
      echo "missing: $repo $path @ $commit"
    fi
  done < <(rows)
  echo "$have definitions present, $missing missing (mirror: $mirror)"
  ;;
clone)
  rows | cut -f1,3 | sort -u | while IFS=$'\t' read -r repo commit; do
    git=$(gitdir "$repo")
    if ! git --git-dir="$git" cat-file -e "$commit^{commit}" 2>/dev/null; then
      if [[ ! -d $git ]]; then
        mkdir -p "$(dirname "$git")"
        git clone --bare --quiet "https://github.com/$repo.git" "$git"
      fi
      # A commit no branch holds any more may still be fetched by id.
      git --git-dir="$git" cat-file -e "$commit^{commit}" 2>/dev/null ||
        git --git-dir="$git" fetch --quiet origin "$commit" ||
        echo "could not get $repo @ $commit" >&2
    fi
  done
  ;;
scratch)
  dir=${2:?usage: fetch.sh scratch DIR [tuning|check]}
  half=${3:-}
  mkdir -p "$dir"
  while IFS=$'\t' read -r repo path commit _license split; do
    [[ -z $half || $split == "$half" ]] || continue
    mkdir -p "$dir/$repo/.git" "$(dirname "$dir/$repo/$path")"
    git --git-dir="$(gitdir "$repo")" show "$commit:$path" >"$dir/$repo/$path" ||
      echo "missing: $repo $path @ $commit" >&2
  done < <(rows)
  ;;
*)
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
