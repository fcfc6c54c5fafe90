#!/usr/bin/env bash
# Optional, not in CI: installs Schemathesis from PyPI into .tools/schemathesis (a project-local
# virtualenv, once) and runs it against both OpenAPI documents of a freshly started system.
# Extra arguments go to every `st run`, e.g. `--max-examples 200` or `--phases fuzzing`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv=.tools/schemathesis
if [ ! -x "$venv/bin/st" ]; then
  echo "installing schemathesis into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi
exec pnpm exec tsx test/security/schemathesis.ts "$@"
