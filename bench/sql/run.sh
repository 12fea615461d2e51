#!/usr/bin/env bash
# Ingest and dashboard benchmark, all in one run on one durable (fsync on) throwaway
# PostgreSQL 15 cluster:
#   * events/s and ms per call for batch sizes 20/100/500: the seed's function (baseline,
#     bench/sql/seed_baseline.sql), ours (sql/), the floor (bench/sql/floor_baseline.sql:
#     parse the batch and store each event once, deduplicated, nothing else; what no
#     implementation of the issue can undercut) and a plain COPY of the same rows into an
#     unindexed table, interleaved in rounds (the functions' order rotates from round to
#     round, COPY last) so that a slow spell of this shared VM's disk falls on all of
#     them: each figure is the median of the rounds, and each ratio's range over the
#     rounds is printed beside it;
#     1 client; 8 clients with browser-like batches (one new session per batch, many cards);
#     1 and 8 clients with batches that share 4 hot sessions of one hot card (does
#     throughput grow with writers on hot rows?);
#   * get_analytics_dashboard latency (7-day range) with 1 M stored events, and 10 M with --10m,
#     as loaded by 16 backends (rollups spread over 16 shards) and after compact_rollups.
# Usage: bench/sql/run.sh [--10m] [--quick] [--rounds N]   (N: 3 by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
big=0; quick=0; rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --10m) big=1 ;;
    --quick) quick=1 ;;
    --rounds) rounds=${2:-}; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case $rounds in ''|*[!0-9]*|0) echo "--rounds takes a whole number >= 1" >&2; exit 2 ;; esac

dir=$(mktemp -d /tmp/clik-sql-bench.XXXXXX)
trap 'bash "$root/scripts/pg-temp.sh" stop "$dir"' EXIT
url=$(bash "$root/scripts/pg-temp.sh" start "$dir" --durable)
q() { psql "$url" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

bash "$root/sql/apply.sh" "$url" >/dev/null
q -c 'SET client_min_messages = warning' -f "$here/seed_baseline.sql" -f "$here/floor_baseline.sql" \
  -f "$here/bench_schema.sql" >/dev/null
# Limits stay active (their cost is measured) but high enough not to trip.
q -c "UPDATE analytics.settings SET rate_limit_ip_calls = 1000000000, rate_limit_user_code_events = 1000000000"

# events per measured step (all rounds together), per batch size (calls = events / size)
declare -A events_per_run=([20]=24000 [100]=48000 [500]=96000)
[ $quick = 1 ] && events_per_run=([20]=4800 [100]=9600 [500]=12000)
next_id=1

# prepare SHAPE SIZE CALLS -> fresh batches, sequence pointing at the first
prepare() {
  q -c "SELECT bench.make_batches('$1', $2, $3, $next_id)" -c "SELECT setval('bench.batch_seq', $next_id, false)" >/dev/null
  first_id=$next_id; next_id=$((next_id + $3))
}
# server_cpu_ms -> CPU time (user + system, ms) the cluster's processes have used so far:
# the live ones (postmaster and its children) plus the backends that already exited
# (reaped into the postmaster's cutime/cstime). Unlike wall time, it does not move with
# the VM disk's fsync latency, so it shows what a call costs the server's cores.
server_cpu_ms() {
  python3 - "$(head -1 "$dir/data/postmaster.pid")" <<'PY'
import os, sys
pm, total = sys.argv[1], 0
for p in os.listdir('/proc'):
    if not p.isdigit():
        continue
    try:
        f = open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()
    except OSError:
        continue
    if p == pm:
        total += sum(int(x) for x in f[11:15])   # utime stime cutime cstime
    elif f[1] == pm:
        total += int(f[11]) + int(f[12])         # utime stime
print(total * 1000 // os.sysconf('SC_CLK_TCK'))
PY
}
# wal_lsn -> the WAL insert position now. The difference over a step is the WAL it wrote
# (records, full-page images, commits): what every commit has to fsync and what a
# replica or a backup has to carry, so it is measured beside the CPU.
wal_lsn() { q -c "SELECT pg_current_wal_insert_lsn()"; }
# wal_bytes_per_call FROM_LSN TO_LSN CALLS
wal_bytes_per_call() { q -c "SELECT round(('$2'::pg_lsn - '$1'::pg_lsn) / $3)"; }
# pgbench_run SCRIPT CLIENTS CALLS -> "events_per_s ms_per_call server_cpu_ms_per_call wal_bytes_per_call"
pgbench_run() {
  local out tps lat cpu0 cpu1 wal0 wal1
  wal0=$(wal_lsn); cpu0=$(server_cpu_ms)
  out=$(pgbench "$url" -n -c "$2" -j "$2" -t $(( $3 / $2 )) -f "$here/$1" 2>&1) || { echo "$out" >&2; return 1; }
  cpu1=$(server_cpu_ms); wal1=$(wal_lsn)
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
  lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
  echo "$tps $lat $(python3 -c "print(f'{($cpu1 - $cpu0) / $3:.3f}')") $(wal_bytes_per_call "$wal0" "$wal1" "$3")"
}
# copy_run SIZE CALLS FIRST_ID -> "events_per_s ms_per_call server_cpu_ms_per_call wal_bytes_per_call":
# one COPY (one transaction) per batch
copy_run() {
  local f="$dir/copy.sql" i start end cpu0 cpu1 wal0 wal1
  : > "$f"
  for ((i = 0; i < $2; i++)); do
    echo "COPY bench.copy_target FROM STDIN;" >> "$f"
    q -c "COPY (SELECT * FROM bench.flat_rows($(( $3 + i )), $(( $3 + i )))) TO STDOUT" >> "$f"
    echo '\.' >> "$f"
  done
  wal0=$(wal_lsn); cpu0=$(server_cpu_ms); start=$(date +%s.%N)
  psql "$url" -X -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
  end=$(date +%s.%N); cpu1=$(server_cpu_ms); wal1=$(wal_lsn)
  python3 -c "t=$end-$start; print(f'{$1*$2/t:.1f} {t*1000/$2:.3f} {($cpu1 - $cpu0) / $2:.3f} $(wal_bytes_per_call "$wal0" "$wal1" "$2")')"
}

# One line per step: clients|shape|size|then per round the four fields "rate ms cpu wal"
# of seed, ours, floor and COPY in that order (rounds joined by ';'; COPY "- - - -" with
# 8 clients)
functions=(seed ours floor)
rows=()
for mode in "1 browser" "8 browser" "1 hot" "8 hot"; do
  set -- $mode; clients=$1 shape=$2
  for size in 20 100 500; do
    calls=$(( events_per_run[$size] / size / rounds )); calls=$(( calls / clients * clients ))
    [ $calls -ge $clients ] || calls=$clients
    per_round=()
    for ((r = 0; r < rounds; r++)); do
      declare -A got=()
      # round r starts with function r mod 3, so none always runs first (or right after COPY)
      for ((k = 0; k < ${#functions[@]}; k++)); do
        who=${functions[$(( (r + k) % ${#functions[@]} ))]}
        prepare "$shape" "$size" "$calls"; got[$who]=$(pgbench_run "call_$who.pgbench" "$clients" "$calls")
      done
      copy="- - - -"
      if [ "$clients" = 1 ]; then copy=$(copy_run "$size" "$calls" "$first_id"); fi
      per_round+=("${got[seed]} ${got[ours]} ${got[floor]} $copy")
    done
    rows+=("$clients|$shape|$size|$(IFS=';'; echo "${per_round[*]}")")
    echo "measured: $clients client(s), $shape, $size events/call, $rounds round(s) of $calls calls" >&2
  done
done

# print_table wall|cpu|wal: the same steps, by wall time (what a caller waits; fsync latency
# included), by server CPU per call (what the cores pay; the disk left out), or by WAL
# bytes per call (what the disk and replicas carry)
print_table() {
  for r in "${rows[@]}"; do
    python3 - "$1" "$r" <<'PY'
import statistics, sys
what, row = sys.argv[1], sys.argv[2]
c, s, z, rounds = row.split('|')
z = int(z)
runs = [[None if v == '-' else float(v) for v in x.split()] for x in rounds.split(';')]
med = statistics.median
ratio = lambda rs: f"{med(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]"
# each round holds four fields per function, in this order, for seed, ours, floor and COPY
FIELDS = ('rate', 'ms', 'cpu', 'wal')
WHO = ('seed', 'ours', 'floor', 'copy')
# the ratios printed: ours against each baseline, and the floor against COPY
RATIOS = (('ours', 'seed'), ('ours', 'copy'), ('ours', 'floor'), ('floor', 'copy'))
has_copy = runs[0][WHO.index('copy') * len(FIELDS)] is not None
def col(field):
    """{who: [value per round]} of one field, COPY left out when this step has none"""
    return {k: [x[w * len(FIELDS) + FIELDS.index(field)] for x in runs]
            for w, k in enumerate(WHO) if k != 'copy' or has_copy}
if what == 'wall':
    # calls/s from pgbench (tps) or from the COPY file's wall time (already events/s)
    eps = {k: [v * (z if k != 'copy' else 1) for v in vs] for k, vs in col('rate').items()}
    ms = col('ms')
    cell = lambda k: f"{med(eps[k]):10.0f} {med(ms[k]):7.2f}" if k in eps else f"{'-':>10} {'-':>7}"
    # higher = faster
    vs = lambda a, b: [x / y for x, y in zip(eps[a], eps[b])]
    have = eps
elif what == 'wal':
    # WAL bytes per call; the ratios are a / b (lower = less to write)
    wal = col('wal')
    cell = lambda k: f"{med(wal[k]):14.0f} {med(wal[k]) / z:7.0f}" if k in wal else f"{'-':>14} {'-':>7}"
    vs = lambda a, b: [x / y for x, y in zip(wal[a], wal[b])]
    have = wal
else:
    # events per CPU-second = batch size / CPU ms per call * 1000; ratios as for wall time (higher = cheaper)
    cpu = col('cpu')
    cell = lambda k: f"{z * 1000 / med(cpu[k]):14.0f} {med(cpu[k]):7.2f}" if k in cpu else f"{'-':>14} {'-':>7}"
    vs = lambda a, b: [y / x for x, y in zip(cpu[a], cpu[b])]
    have = cpu
ratios = ' '.join(f"{ratio(vs(a, b)) if b in have else '-':<17}" for a, b in RATIOS)
print(f"{c:<8} {s:<8} {z:5d} | {cell('seed')} | {cell('ours')} | {cell('floor')} | {cell('copy')} | {ratios}".rstrip())
PY
  done
}

echo
echo "Ingest (PostgreSQL 15, fsync on, $(nproc) cores; events/s = calls/s x batch size; ms = mean per call)"
echo "median of $rounds interleaved rounds; [min-max] of the ratio over the rounds"
printf '%-8s %-8s %5s | %10s %7s | %10s %7s | %10s %7s | %10s %7s | %-17s %-17s %-17s %s\n' clients batches size \
  "seed ev/s" "ms" "ours ev/s" "ms" "floor ev/s" "ms" "COPY ev/s" "ms" "ours/seed" "ours/COPY" "ours/floor" "floor/COPY"
print_table wall
echo
echo "Server CPU per call, same runs (all of the cluster's processes, user + system; ev/CPU-s = events per CPU-second)"
printf '%-8s %-8s %5s | %14s %7s | %14s %7s | %14s %7s | %14s %7s | %-17s %-17s %-17s %s\n' clients batches size \
  "seed ev/CPU-s" "cpu ms" "ours ev/CPU-s" "cpu ms" "floor ev/CPU-s" "cpu ms" "COPY ev/CPU-s" "cpu ms" "ours/seed" "ours/COPY" "ours/floor" "floor/COPY"
print_table cpu
echo
echo "WAL written per call, same runs (records, full-page images and commits; B/event = per event of the batch)"
printf '%-8s %-8s %5s | %14s %7s | %14s %7s | %14s %7s | %14s %7s | %-17s %-17s %-17s %s\n' clients batches size \
  "seed B/call" "B/event" "ours B/call" "B/event" "floor B/call" "B/event" "COPY B/call" "B/event" "ours÷seed" "ours÷COPY" "ours÷floor" "floor÷COPY"
print_table wal

# ---- dashboard latency -------------------------------------------------------------
q -c "INSERT INTO public.user_code_ownership (user_id, user_code) VALUES
        ('00000000-0000-0000-0000-00000000b0b0', 'card_hot'), ('00000000-0000-0000-0000-00000000b0b0', 'card_500')"
# dash_ms CARD -> mean ms of 50 dashboard calls
# (-M extended: :card reaches the server as a bound parameter, not spliced text)
dash_ms() {
  local out
  out=$(pgbench "$url" -n -M extended -c 1 -t 50 -D card="$1" -f "$here/dashboard.pgbench" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}
loaded=0
echo
echo "Dashboard: get_analytics_dashboard, 7-day range, as authenticated owner (mean of 50 calls)"
echo "loaded by 16 clients, as a pool of 16 backends spreads rollup rows over the 16 shards; then after"
echo "analytics.compact_rollups(NULL) folded them into shard 0, as the scheduled housekeeping does"
printf '%12s %14s | %12s %12s %12s | %12s %12s %12s\n' "raw events" "hot card evts" "hot card ms" "typical ms" "rollup rows" \
  "hot card ms" "typical ms" "rollup rows"
targets=(1000000); [ $big = 1 ] && targets+=(10000000)
for target in "${targets[@]}"; do
  calls=$(( (target - loaded) / 500 ))
  echo "loading $(( calls * 500 )) events through ingest_analytics_batch ..." >&2
  pgbench "$url" -n -c 16 -j 4 -t $(( calls / 16 )) -f "$here/load_events.pgbench" >"$dir/load.log" 2>&1 || { cat "$dir/load.log" >&2; exit 1; }
  q -c "VACUUM ANALYZE" >/dev/null
  loaded=$(q -c "SELECT (SELECT count(*) FROM analytics.page_views) + (SELECT count(*) FROM analytics.clicks) + (SELECT count(*) FROM analytics.session_events)")
  hot_events=$(q -c "SELECT count(*) FROM analytics.page_views WHERE user_code = 'card_hot'")
  rollup_rows=$(q -c "SELECT count(*) FROM analytics.daily_rollups")
  hot_ms=$(dash_ms card_hot); typ_ms=$(dash_ms card_500)
  q -c "SELECT analytics.compact_rollups(NULL)" >/dev/null
  q -c "VACUUM ANALYZE analytics.daily_rollups" >/dev/null
  folded_rows=$(q -c "SELECT count(*) FROM analytics.daily_rollups")
  hot_ms2=$(dash_ms card_hot); typ_ms2=$(dash_ms card_500)
  printf '%12s %14s | %12s %12s %12s | %12s %12s %12s\n' "$loaded" "$hot_events pv" "$hot_ms" "$typ_ms" "$rollup_rows" \
    "$hot_ms2" "$typ_ms2" "$folded_rows"
done
