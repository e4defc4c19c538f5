#!/usr/bin/env bash
# The "Version packages" commit: apply the pending changesets (package versions, CHANGELOG.md), then re-render so
# charts/ (Chart.yaml version, artifacthub.io/changes) and cluster/ match the new versions.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm changeset version
pnpm build
