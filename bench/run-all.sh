#!/usr/bin/env bash
# npm run bench: every benchmark, one after another (they share the machine's
# two cores, so never in parallel), each printing its own markdown table.
# Tables are also saved under bench/results/ (not committed); the README shows
# the latest ones with the command behind each figure.
#   bench/run-all.sh [area ...]   e.g. bench/run-all.sh core js
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/build.sh || { echo "build failed"; exit 1; }
mkdir -p bench/results
areas=("$@")
[ ${#areas[@]} -gt 0 ] || areas=(core js sql reliability)
failed=0
for area in "${areas[@]}"; do
  for script in bench/"$area"/run.sh bench/"$area"/instructions.sh bench/"$area"/load.sh bench/"$area"/no-loss.sh; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .sh)
    echo
    echo "=== bench: $script ==="
    if bash "$script" | tee "bench/results/$area-$name.md"; then :; else
      echo "=== bench $script FAILED ==="; failed=1
    fi
  done
done
exit $failed
