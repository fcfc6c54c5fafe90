#!/usr/bin/env bash
# Installs everything the project needs, idempotently: pnpm (pinned), node packages, the
# Temporal CLI (pinned, project-local), the generated clients, the web console's build, and
# Chromium for the console's browser tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "installing pnpm $PNPM_VERSION" >&2
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >&2
fi
pnpm install --frozen-lockfile >&2
./scripts/install-temporal.sh >/dev/null
TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run generate --output-logs=errors-only >/dev/null
# the console apollo serves at /console (cached by turbo on its sources)
TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run build --filter=@at/console --output-logs=errors-only >/dev/null
./scripts/install-chromium.sh
