#!/usr/bin/env bash
# The README's first command (npm run demo): installs what is missing, builds
# what is missing, then runs the demo stack until Ctrl-C (or, with
# --simulate N, drives N simulated visitors and checks the dashboard).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f dist/script/clik.js ] || [ -n "$(find sdk bindings js CMakeLists.txt -newer dist/script/clik.js -type f 2>/dev/null | head -1)" ]; then
  bash scripts/build.sh
fi
exec node examples/demo.mjs "$@"
