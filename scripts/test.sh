#!/usr/bin/env bash
# The README's test command (npm test): sets everything up, builds, then runs
# every suite: tests/<area>/run.sh in name order. Each suite prints its own
# results; this prints one closing line and fails if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/build.sh || { echo "build failed"; exit 1; }

passed=0; failed=0; failed_names=()
for runner in tests/*/run.sh; do
  area=$(basename "$(dirname "$runner")")
  echo
  echo "=== suite: $area ==="
  start=$(date +%s)
  if bash "$runner"; then
    passed=$((passed + 1)); echo "=== suite $area passed in $(( $(date +%s) - start )) s ==="
  else
    failed=$((failed + 1)); failed_names+=("$area"); echo "=== suite $area FAILED after $(( $(date +%s) - start )) s ==="
  fi
done
echo
[ $failed -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
