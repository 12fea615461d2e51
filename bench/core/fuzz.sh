#!/usr/bin/env bash
# Longer libFuzzer run of the core (restore(), restoreSession(), configure()
# and the track entry points, tests/core/fuzz_core.cpp) under ASan+UBSan,
# clang-14. tests/core/run.sh runs the same target for 30 s; this is the long run.
# Usage: bench/core/fuzz.sh [seconds] [jobs]     (default 600 s, 1 job)
# The corpus grows in build/fuzz/corpus (seeded from tests/core/fuzz_corpus);
# a crash leaves crash-* / leak-* / timeout-* files in build/fuzz/ and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
jobs=${2:-1}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/corpus
cd build/fuzz
fuzz_args=(-max_total_time="$seconds" -max_len=8192 -print_final_stats=1)
[ "$jobs" -gt 1 ] && fuzz_args+=(-fork="$jobs")
exec tests/core/clik_core_fuzz "${fuzz_args[@]}" corpus ../../tests/core/fuzz_corpus
