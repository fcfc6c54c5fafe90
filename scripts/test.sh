#!/usr/bin/env bash
# The whole test suite: lint, typecheck, unit and integration/end-to-end tests. Starts its own
# Postgres and Temporal dev server; needs nothing installed beyond Node, Python and pip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install.sh
# build: the workflow bundle a production worker loads (apps/thermos/dist, cached by turbo)
TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run lint typecheck build --output-logs=errors-only
pnpm exec tsc --noEmit -p tsconfig.json
pnpm exec tsc --noEmit -p test/tsconfig.json
pnpm exec eslint --cache --cache-location node_modules/.cache/eslint-root test scripts bench temporal
# the provider catalog: every file valid, every fact sourced, docs/providers.md current
pnpm --silent catalog:check
results=$(mktemp)
status=0
pnpm exec jest --ci --json --outputFile="$results" "$@" || status=$?
node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log('tests: ' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed, ' + r.numPendingTests + ' skipped')" "$results" || true
rm -f "$results"
exit "$status"
