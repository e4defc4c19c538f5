#!/usr/bin/env bash
# Thin entry point: `idstack package` (see `idstack --help`); extra arguments are passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm build >/dev/null
exec node packages/cli/dist/bin.js package "$@"
