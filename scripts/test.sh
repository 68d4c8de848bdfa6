#!/usr/bin/env bash
# `npm test`: every check, in order of speed — lint, types, unit, integration (real PostgreSQL), the engine
# and worker against a real Kubernetes control plane (the production build made meanwhile), then that build
# driven by Playwright in Chromium. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium for the browser tests (apt-get install chromium)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium: run 'sudo apt-get install -y chromium' or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

# Types are checked beside the linter (each uses one core); the type checker's output is shown if it fails.
echo "== lint and typecheck"
npx tsc --noEmit > .typecheck.log 2>&1 &
typecheck=$!
trap 'kill "$typecheck" 2>/dev/null || true' EXIT
npx eslint --max-warnings=0 .
if ! wait "$typecheck"; then cat .typecheck.log; exit 1; fi
trap - EXIT
echo "== unit";        npx vitest run --project unit
echo "== integration"; npx vitest run --project integration
echo "== control plane"
# Built from Go modules once per machine (minutes), cached outside the repository by version. Without Go the
# cluster tests skip with a loud message; ENVDECK_REQUIRE_CLUSTER=1 (set by .ci/run) makes that a failure.
if command -v go >/dev/null; then bash scripts/cluster/build.sh all >/dev/null; else echo "Go is not installed: the cluster tests will be skipped"; fi
# The production build for the end-to-end suite runs beside the cluster tests, which mostly wait for Flux and
# use no web server; its output goes to .next-build.log and is shown if it fails.
echo "== build (beside the cluster tests)"
npx next build > .next-build.log 2>&1 &
build=$!
trap 'kill "$build" 2>/dev/null || true' EXIT
echo "== cluster";     npx vitest run --project cluster
if ! wait "$build"; then cat .next-build.log; exit 1; fi
trap - EXIT
echo "== end to end"
# The test runner (not the portal it starts) imports server modules marked `server-only`.
NODE_OPTIONS="--conditions=react-server" npx playwright test
