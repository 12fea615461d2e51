#!/usr/bin/env bash
# Core benchmark (not a test: prints numbers, asserts nothing):
#   1. gzip -9 and brotli size of the shipped module (build/wasm: .wasm + its JS loader),
#   2. ns per track call through the WASM boundary in node 20 (1e6 calls), next
#      to a pure-JS baseline measured in the same run.
# Usage: bench/core/run.sh [calls]      (default 1000000)
# Rebuilds build/wasm first (incremental; the wasm preset of CMakePresets.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-1000000}
export NODE_PATH=/usr/share/nodejs   # emcc's optimiser needs Debian's acorn
cmake --preset wasm >/dev/null
cmake --build --preset wasm >/dev/null
echo "## Size of the shipped module (build/wasm)"
echo
node bench/core/sizes.mjs
echo
echo "## Cost of one call through the WASM boundary"
echo
node bench/core/track_cost.mjs "$calls"
