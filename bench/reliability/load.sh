#!/usr/bin/env bash
# Load benchmark: N concurrent simulated browsers (real SDK) for a fixed time against
# one durable (fsync on) throwaway PostgreSQL 15 through the dev gateway, ours and the
# seed's function in the same run. Prints a markdown table; exits 1 if ours failed a
# request or its counters are not exact.
#   bench/reliability/load.sh [--clients 1,8,32,64] [--seconds 15]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/clik-load-pg.XXXXXX")
cleanup() { bash "$root/scripts/pg-temp.sh" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
url=$(bash "$root/scripts/pg-temp.sh" start "$dir" --durable) || { echo "could not start PostgreSQL 15" >&2; exit 1; }
node "$root/bench/reliability/load.mjs" --url "$url" "$@"
