#!/usr/bin/env bash
# Posts an `idstack diff --format markdown` file as the pull request's diff comment, or updates the comment already
# there: the one whose body starts with the marker the markdown starts with. Needs gh, GH_TOKEN, GITHUB_REPOSITORY.
# Usage: scripts/diff-comment.sh <pull request number> <markdown file>
set -euo pipefail
pr=$1
file=$2
marker=$(head -n 1 "$file")
if [ "$marker" != '<!-- idstack-diff -->' ]; then
  echo "diff-comment: $file does not start with the idstack diff marker; is it \`idstack diff --format markdown\` output?" >&2
  exit 2
fi
id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$file" > /dev/null
  echo "diff-comment: updated comment $id on #$pr"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$file" > /dev/null
  echo "diff-comment: commented on #$pr"
fi
