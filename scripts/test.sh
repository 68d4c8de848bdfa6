#!/usr/bin/env bash
# `npm test`: every check, in order of speed — lint, types, unit, integration (real PostgreSQL), then the
# production build driven by Playwright in Chromium. Stops at the first failure.
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

echo "== lint";        npx eslint --max-warnings=0 .
echo "== typecheck";   npx tsc --noEmit
echo "== unit";        npx vitest run --project unit
echo "== integration"; npx vitest run --project integration
echo "== build";       npx next build > .next-build.log 2>&1 || { cat .next-build.log; exit 1; }
echo "== end to end"
# The test runner (not the portal it starts) imports server modules marked `server-only`.
NODE_OPTIONS="--conditions=react-server" npx playwright test
