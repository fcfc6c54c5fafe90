#!/usr/bin/env bash
# The first command: installs everything, then runs the whole system with a demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install.sh
exec node --import tsx scripts/dev.ts
