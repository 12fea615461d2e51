#!/usr/bin/env bash
# Instructions per call of the core, counted by valgrind's callgrind on the native build
# (bench/core/click_instructions.cpp): the same cases as bench/core/track_cost.mjs, next
# to a C++ twin of its pure-JS baseline (push a record, serialise every 20).
#
# Why beside run.sh: node's ns per call on this shared VM move by a third between runs
# (the baseline alone read 1 269 and 1 922 ns in one session), more than most changes to
# the core. An instruction count is the same for the same binary and input whatever else
# the machine does. It is a proxy: native g++ code, not the wasm, and no cache misses;
# it tells what a change of the core costs or saves, not the browser's time.
#
# The figure is the marginal count between a short and a long run ((Ir(n2) - Ir(n1)) /
# (n2 - n1)), so start-up, configuration and the first allocations cancel out.
# Usage: bench/core/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind" >&2; exit 1; }
cmake --preset native >/dev/null
cmake --build --preset native --target clik_click_instructions >/dev/null
bin=build/native/bench/core/clik_click_instructions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count CASE N -> instructions of one run
count() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" "$1" "$2" 2>&1 >/dev/null |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
# per_call CASE N1 N2 -> the marginal count per call
per_call() {
  local a b
  a=$(count "$1" "$2"); b=$(count "$1" "$3")
  echo $(( (b - a) / ($3 - $2) ))
}

base=$(per_call baseline 2000 12000)
rows=(
  "C++ baseline: push a record, serialise every 20 (the twin of track_cost.mjs's JS baseline)|$base"
  "trackClick + pollBatch/onResult of every flush|$(per_call track 2000 12000)"
  "… + snapshotSince(mark) + heldFloor() after every call (incremental persistence, as the shim does)|$(per_call incremental 2000 12000)"
  "snapshot() alone, 10 events queued|$(per_call snapshot10 200 1200)"
  "snapshot() alone, 20 events queued|$(per_call snapshot20 200 1200)"
)
echo "Native instructions per call (callgrind, g++ $(g++ -dumpfullversion), the native preset's RelWithDebInfo;"
echo "marginal count between a short and a long run; lower is better)"
echo
echo "| case | instructions per call | × baseline |"
echo "|---|---:|---:|"
for row in "${rows[@]}"; do
  name=${row%|*}; ir=${row##*|}
  python3 -c "import sys; n, ir, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]); print(f'| {n} | {ir:,} | {ir / b:.2f} |')" "$name" "$ir" "$base"
done
