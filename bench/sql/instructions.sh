#!/usr/bin/env bash
# Server instructions per ingest call, counted by valgrind's callgrind: the seed's function
# (bench/sql/seed_baseline.sql), ours (sql/) and the floor (bench/sql/floor_baseline.sql),
# for batch sizes 20/100/500, on the same fresh batches as bench/sql/run.sh makes.
#
# Why beside run.sh: wall time and CPU time on this shared VM move by +-15 % from run to
# run and from machine to machine (fsync latency, steal time), enough to turn one ratio
# from 0.7x to 1.1x between runs of the same SQL. An instruction count is the same for
# the same binary, SQL and input whatever else the machine does, so it tells what a
# change of the SQL costs or saves, and how much work each function does per call.
# It counts instructions only (no cache misses, no waiting on the disk): it complements
# run.sh's events/s, it does not replace them.
#
# How: one backend in single-user mode (postgres --single: no client protocol, no other
# processes) runs the calls, each its own transaction, on a copy of a prepared cluster,
# tables emptied first; the figure is the marginal count between a short and a long run
# ((Ir(n2) - Ir(n1)) / (n2 - n1)), so start-up, catalog loading and the first planning of
# each statement cancel out.
# --breakdown also counts three variants of ours, made from its own definition by cutting
# one part out (bench_variants.*, never shipped): without the validation (every event taken
# as valid: the batches are), without the unique-session marks and the rollups, and without
# the last statement (rate-limit counters, session counters). Ours minus a variant is what
# that part costs. The cuts find their place by the text of sql/migrations/0002; the script
# stops with a message when that text has moved.
# Usage: bench/sql/instructions.sh [--sizes "20 100 500"] [--breakdown]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sizes="20 100 500"
breakdown=0
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=${2:-}; shift ;;
    --breakdown) breakdown=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind" >&2; exit 1; }
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/clik-sql-instructions.XXXXXX)
trap 'bash "$root/scripts/pg-temp.sh" stop "$dir/cluster"; rm -rf "$dir"' EXIT
[ "$(id -u)" = 0 ] && chown postgres "$dir"
url=$(bash "$root/scripts/pg-temp.sh" start "$dir/cluster")
q() { psql "$url" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
bash "$root/sql/apply.sh" "$url" >/dev/null
q -c 'SET client_min_messages = warning' -f "$here/seed_baseline.sql" -f "$here/floor_baseline.sql" \
  -f "$here/bench_schema.sql" >/dev/null
# Limits stay active (their cost is counted) but high enough not to trip, as in run.sh.
q -c "UPDATE analytics.settings SET rate_limit_ip_calls = 1000000000, rate_limit_user_code_events = 1000000000"

# calls per size: the short run and the long one
declare -A n1=([20]=10 [100]=4 [500]=2) n2=([20]=60 [100]=24 [500]=8)
declare -A first=()
next_id=1
for size in $sizes; do
  [ -n "${n2[$size]:-}" ] || { echo "size $size: only 20, 100 and 500 are set up" >&2; exit 2; }
  q -c "SELECT bench.make_batches('browser', $size, ${n2[$size]}, $next_id)" >/dev/null
  first[$size]=$next_id; next_id=$(( next_id + n2[$size] ))
done
tables=$(q -c "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
               FROM pg_catalog.pg_tables
               WHERE schemaname IN ('analytics', 'floor_baseline', 'seed_baseline') AND tablename <> 'settings'")
if [ $breakdown = 1 ]; then
  q -c "SELECT pg_catalog.pg_get_functiondef('public.ingest_analytics_batch(jsonb)'::regprocedure)" > "$dir/ours.sql"
  python3 - "$dir/ours.sql" > "$dir/variants.sql" <<'PY'
import sys
ours = open(sys.argv[1]).read()
def cut(s, start, end, instead=''):
    i = s.find(start)
    j = s.find(end, i + 1) if i >= 0 else -1
    if i < 0 or j < 0:
        sys.exit(f"instructions.sh --breakdown: {start.strip()[:60]!r} .. {end.strip()[:60]!r} not found in "
                 "ingest_analytics_batch: update the cuts to sql/migrations/0002")
    return s[:i] + instead + s[j:]
variants = {
    # the fast path's CASE and its reason: every event valid
    'no_validation': lambda s: cut(s, "          CASE\n            WHEN (pg_catalog.jsonb_typeof(t.e) = 'object'",
                                   "\n        FROM pg_catalog.jsonb_array_elements(events)", "          NULL::text AS reason"),
    'no_marks_rollups': lambda s: cut(cut(s, "      ), wanted_marks AS (", "      ), agg AS ("),
                                      "      ), target_category AS (", "      ), outcome AS ("),
    'no_last_statement': lambda s: cut(s, "  -- Last, the rows other batches share", "  RETURN result;"),
}
print("DROP SCHEMA IF EXISTS bench_variants CASCADE; CREATE SCHEMA bench_variants;")
print("GRANT USAGE ON SCHEMA bench_variants TO anon;")
for name, make in variants.items():
    body = make(ours).replace('FUNCTION public.ingest_analytics_batch', f'FUNCTION bench_variants.{name}', 1)
    print(body.rstrip() + ";")
    print(f"GRANT EXECUTE ON FUNCTION bench_variants.{name}(jsonb) TO anon;")
PY
  q -c "SET client_min_messages = warning" -f "$dir/variants.sql" >/dev/null
fi
as_owner "$PGBIN/pg_ctl" -D "$dir/cluster/data" -m fast -w stop >/dev/null

# count FUNCTION SIZE CALLS -> instructions of a single-user backend that empties the
# tables and then makes CALLS calls of FUNCTION on the size's batches
count() {
  local fn=$1 size=$2 calls=$3 i work="$dir/run"
  rm -rf "$work"; mkdir -p "$work"; cp -a "$dir/cluster/data" "$work/data"
  {
    echo "TRUNCATE $tables;"
    echo "CHECKPOINT;"
    echo "SET role anon;"
    echo "SELECT pg_catalog.set_config('request.headers', '{\"x-forwarded-for\":\"203.0.113.1\"}', false);"
    for ((i = 0; i < calls; i++)); do
      echo "SELECT $fn(b.events) IS NOT NULL FROM bench.batches AS b WHERE b.id = $(( first[$size] + i ));"
    done
  } > "$work/calls.sql"
  [ "$(id -u)" = 0 ] && chown -R postgres "$work"
  as_owner valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$PGBIN/postgres" --single -D "$work/data" -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c shared_buffers=256MB postgres < "$work/calls.sql" > "$work/log" 2>&1 \
    || { tail -20 "$work/log" >&2; return 1; }
  if grep -q 'ERROR:' "$work/log"; then grep -m3 'ERROR:' "$work/log" >&2; return 1; fi
  sed -n 's/^\(summary\|totals\): \([0-9]*\).*/\2/p' "$work/callgrind.out" | head -1
}
# per_call FUNCTION SIZE -> instructions per call: the marginal count between the short
# and the long run
per_call() {
  local a b
  a=$(count "$1" "$2" "${n1[$2]}"); b=$(count "$1" "$2" "${n2[$2]}")
  echo $(( (b - a) / (n2[$2] - n1[$2]) ))
}

echo "Server instructions per ingest call (callgrind, PostgreSQL 15 single-user backend, browser batches;"
echo "marginal count between ${n1[20]} and ${n2[20]} calls at 20 events, ${n1[100]}/${n2[100]} at 100, ${n1[500]}/${n2[500]} at 500; lower is better)"
echo
echo "| size | seed Ir/call | ours Ir/call | floor Ir/call | ours÷seed | ours÷floor | floor÷seed | ours Ir/event |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
declare -A fns=([seed]=seed_baseline.ingest_analytics_batch [ours]=public.ingest_analytics_batch
                [floor]=floor_baseline.ingest_analytics_batch)
declare -A ir=()   # ir[who,size]: instructions per call, kept for the breakdown
for size in $sizes; do
  for who in seed ours floor; do
    ir[$who,$size]=$(per_call "${fns[$who]}" "$size")
    echo "counted: $who, $size events/call: ${ir[$who,$size]} instructions per call" >&2
  done
  python3 - "$size" "${ir[seed,$size]}" "${ir[ours,$size]}" "${ir[floor,$size]}" <<'PY'
import sys
size, seed, ours, floor = int(sys.argv[1]), *map(int, sys.argv[2:])
m = lambda x: f"{x / 1e6:.2f} M"
print(f"| {size} | {m(seed)} | {m(ours)} | {m(floor)} | {ours / seed:.2f} | {ours / floor:.2f} | {floor / seed:.2f} | {ours // size:,} |")
PY
done

[ $breakdown = 1 ] || exit 0
echo
echo "What the parts of ours cost (ours minus ours without the part; bench_variants.*, never shipped)"
echo
echo "| size | ours Ir/call | validation | marks and rollups | last statement (rate limits, sessions) | the rest | floor Ir/call |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for size in $sizes; do
  declare -A part=()
  whole=${ir[ours,$size]}
  for v in no_validation no_marks_rollups no_last_statement; do
    part[$v]=$(( whole - $(per_call "bench_variants.$v" "$size") ))
    echo "counted: ours $v, $size events/call: ${part[$v]} instructions per call for that part" >&2
  done
  python3 - "$size" "$whole" "${part[no_validation]}" "${part[no_marks_rollups]}" "${part[no_last_statement]}" "${ir[floor,$size]}" <<'PY'
import sys
size, whole, val, mr, last, floor = int(sys.argv[1]), *map(int, sys.argv[2:])
f = lambda x: f"{x / 1e6:.2f} M ({100 * x / whole:.0f} %)"
rest = whole - val - mr - last
print(f"| {size} | {whole / 1e6:.2f} M | {f(val)} | {f(mr)} | {f(last)} | {f(rest)} | {floor / 1e6:.2f} M |")
PY
done

