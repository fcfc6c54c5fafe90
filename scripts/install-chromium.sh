#!/usr/bin/env bash
# The console's browser tests drive Debian's Chromium (playwright-core downloads no browser).
# Installs it only when missing, and only where apt-get can: Debian, as root.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -f /etc/debian_version ]; then
  echo "installing chromium (Debian package) for the console's browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "chromium is not installed and cannot be installed here (needs Debian and root): install it, or the console's browser tests fail" >&2
fi
