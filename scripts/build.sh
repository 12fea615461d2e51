#!/usr/bin/env bash
# Builds what the package ships: the WASM core (CMake preset "wasm", into
# build/wasm/) and the JS package + script-tag build (js/build.mjs, into dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # emcc's optimiser needs Debian's acorn
cmake --preset wasm >/dev/null
cmake --build --preset wasm
node js/build.mjs
