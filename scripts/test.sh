#!/usr/bin/env bash
# The whole test suite: lint, typecheck, unit and integration/end-to-end tests. Starts its own
# Postgres and Temporal dev server; needs nothing installed beyond Node, Python and pip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install.sh
TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run lint typecheck --output-logs=errors-only
pnpm exec jest --ci "$@"
