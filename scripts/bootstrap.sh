#!/usr/bin/env bash
# Thin entry point: `idstack bootstrap` (see `idstack --help`): Cilium, then Argo CD, with helm, then the root app.
# Create the Secrets first: `pnpm idstack secrets --create`. Extra arguments (e.g. --dry-run) are passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm build >/dev/null
exec node packages/cli/dist/bin.js bootstrap "$@"
