#!/usr/bin/env bash
# One command on a fresh machine (Debian/Ubuntu, Node 20+): install what idstack needs, then build the stack.
#   - pnpm 10 (through npm: corepack's signature check fails on some machines)
#   - lua5.1 (Argo CD's health-check dialect) and docker-registry (release tests), when running as root with apt
#   - the workspace's packages, then `pnpm build` (renders charts/ and cluster/ from stack.yaml, offline)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v lua5.1 >/dev/null || missing+=(lua5.1)
command -v docker-registry >/dev/null || missing+=(docker-registry)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: the tests also need ${missing[*]} (apt-get install ${missing[*]}); the build does not." >&2
  fi
fi
command -v pnpm >/dev/null || npm install -g pnpm@10 >/dev/null

pnpm install --frozen-lockfile
pnpm build
