#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 (or Ubuntu) machine:
# the Debian packages (as root, or through passwordless sudo) and the npm
# dependencies (npm ci). Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# One place for the Debian packages the build, the tests, the demo and the benchmarks use
# (valgrind: bench/sql/instructions.sh counts instructions with callgrind).
APT_PACKAGES=(
  cmake g++ make clang-14 pkg-config
  emscripten nlohmann-json3-dev catch2
  postgresql-15 postgresql-client-15 postgresql-15-pgtap postgresql-15-plpgsql-check
  libtap-parser-sourcehandler-pgtap-perl
  chromium brotli gzip valgrind
  nodejs npm
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The image may ship its own node/npm outside Debian's packages: accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "setup: these Debian packages are missing and this user cannot install them:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "setup: run that once (or run this command as root), then try again." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found $(node --version))." >&2
  exit 1
fi

# npm ci when node_modules is absent or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
