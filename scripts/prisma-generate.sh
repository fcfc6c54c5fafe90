#!/usr/bin/env bash
# Generates the Prisma client offline. The CLI insists on locating a schema engine before it
# runs any command, even `generate`, which does not use it: point it at a stub so nothing is
# downloaded. `prisma migrate` is not used here (see packages/db/src/migrate.ts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stub="$root/node_modules/.cache/prisma-schema-engine-stub"
mkdir -p "$(dirname "$stub")"
if [ ! -x "$stub" ]; then
  printf '#!/bin/sh\necho "schema engine not available offline" >&2\nexit 1\n' > "$stub"
  chmod +x "$stub"
fi
cd "$root"
PRISMA_SCHEMA_ENGINE_BINARY="$stub" PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 \
  exec node_modules/.bin/prisma generate --schema prisma/schema.prisma "$@"
