#!/usr/bin/env bash
# The pull request's object-level diff: renders each affected stack at the head (this checkout) and at
# the base commit (a git worktree beside it, with its own npm ci), then diffs each pair.
#
#   bash scripts/delivery/render-pr.sh <base sha> '<JSON array of stacks>' <out dir>
#
# Writes <out>/head/<stack>/, <out>/base/<stack>/ and <out>/diff.md; appends diff.md to the job summary
# when GITHUB_STEP_SUMMARY is set. A stack new in this pull request has an empty base render.
set -euo pipefail
base_sha="$1" stacks_json="$2" out="$3"
here="$(cd "$(dirname "$0")/../.." && pwd)"
mapfile -t stacks < <(node -e 'for (const s of JSON.parse(process.argv[1])) console.log(s)' "$stacks_json")
mkdir -p "$out/head" "$out/base"
worktree="$out/base-tree"
git -C "$here" worktree add --detach "$worktree" "$base_sha" >/dev/null
trap 'git -C "$here" worktree remove --force "$worktree" >/dev/null 2>&1 || true' EXIT
(cd "$worktree" && npm ci --no-audit --no-fund --silent)
: >"$out/diff.md"
for stack in "${stacks[@]}"; do
  (cd "$here" && npm run --silent render -- "stacks/Pulumi.$stack.yaml" "$out/head/$stack" >/dev/null)
  if [ -f "$worktree/stacks/Pulumi.$stack.yaml" ]; then
    (cd "$worktree" && npm run --silent render -- "stacks/Pulumi.$stack.yaml" "$out/base/$stack" >/dev/null)
  fi
  (cd "$here" && npm run --silent render:diff -- "$out/base/$stack" "$out/head/$stack" "$stack") >>"$out/diff.md"
  echo >>"$out/diff.md"
done
[ "${#stacks[@]}" -gt 0 ] || echo "No stack is affected by this pull request." >"$out/diff.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/diff.md" >>"$GITHUB_STEP_SUMMARY"; fi
cat "$out/diff.md"
