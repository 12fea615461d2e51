#!/usr/bin/env bash
# Ingest and dashboard benchmark, all in one run on one durable (fsync on) throwaway
# PostgreSQL 15 cluster:
#   * events/s and ms per call for batch sizes 20/100/500: the seed's function (baseline,
#     bench/sql/seed_baseline.sql), ours (sql/), and a plain COPY of the same rows,
#     interleaved in rounds (seed, ours, COPY; the next round starts with ours) so that a
#     slow spell of this shared VM's disk falls on all of them: each figure is the median
#     of the rounds, and the ratio's range over the rounds is printed beside it;
#     1 client; 8 clients with browser-like batches (one new session per batch, many cards);
#     1 and 8 clients with batches that share 4 hot sessions of one hot card (does
#     throughput grow with writers on hot rows?);
#   * get_analytics_dashboard latency (7-day range) with 1 M stored events, and 10 M with --10m.
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
q -c 'SET client_min_messages = warning' -f "$here/seed_baseline.sql" -f "$here/bench_schema.sql" >/dev/null
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
# pgbench_run SCRIPT CLIENTS CALLS -> "events_per_s ms_per_call"
pgbench_run() {
  local out tps lat
  out=$(pgbench "$url" -n -c "$2" -j "$2" -t $(( $3 / $2 )) -f "$here/$1" 2>&1) || { echo "$out" >&2; return 1; }
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
  lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
  echo "$tps $lat"
}
# copy_run SIZE CALLS FIRST_ID -> "events_per_s ms_per_call": one COPY (one transaction) per batch
copy_run() {
  local f="$dir/copy.sql" i start end
  : > "$f"
  for ((i = 0; i < $2; i++)); do
    echo "COPY bench.copy_target FROM STDIN;" >> "$f"
    q -c "COPY (SELECT * FROM bench.flat_rows($(( $3 + i )), $(( $3 + i )))) TO STDOUT" >> "$f"
    echo '\.' >> "$f"
  done
  start=$(date +%s.%N)
  psql "$url" -X -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; t=$end-$start; print(f'{$1*$2/t:.1f} {t*1000/$2:.3f}')"
}

# One line per step: clients|shape|size|then per round "seed_tps seed_ms ours_tps ours_ms copy_eps copy_ms" joined by ';'
rows=()
for mode in "1 browser" "8 browser" "1 hot" "8 hot"; do
  set -- $mode; clients=$1 shape=$2
  for size in 20 100 500; do
    calls=$(( events_per_run[$size] / size / rounds )); calls=$(( calls / clients * clients ))
    [ $calls -ge $clients ] || calls=$clients
    per_round=()
    for ((r = 0; r < rounds; r++)); do
      for who in $( [ $((r % 2)) = 0 ] && echo "seed ours" || echo "ours seed" ); do
        prepare "$shape" "$size" "$calls"; read -r tps ms < <(pgbench_run "call_$who.pgbench" "$clients" "$calls")
        if [ "$who" = seed ]; then seed_tps=$tps seed_ms=$ms; else ours_tps=$tps ours_ms=$ms; fi
      done
      copy_eps=- copy_ms=-
      if [ "$clients" = 1 ]; then read -r copy_eps copy_ms < <(copy_run "$size" "$calls" "$first_id"); fi
      per_round+=("$seed_tps $seed_ms $ours_tps $ours_ms $copy_eps $copy_ms")
    done
    rows+=("$clients|$shape|$size|$(IFS=';'; echo "${per_round[*]}")")
    echo "measured: $clients client(s), $shape, $size events/call, $rounds round(s) of $calls calls" >&2
  done
done

echo
echo "Ingest (PostgreSQL 15, fsync on, $(nproc) cores; events/s = calls/s x batch size; ms = mean per call)"
echo "median of $rounds interleaved rounds; [min-max] of the ratio over the rounds"
printf '%-8s %-8s %5s | %9s %7s | %9s %7s | %9s %7s | %-17s %-17s\n' clients batches size "seed ev/s" "ms" "ours ev/s" "ms" "COPY ev/s" "ms" "ours/seed" "ours/COPY"
for r in "${rows[@]}"; do
  python3 - "$r" <<'PY'
import statistics, sys
c, s, z, rounds = sys.argv[1].split('|')
z = int(z)
runs = [x.split() for x in rounds.split(';')]
med = lambda xs: statistics.median(xs)
seed_eps = [float(x[0]) * z for x in runs]; seed_ms = [float(x[1]) for x in runs]
ours_eps = [float(x[2]) * z for x in runs]; ours_ms = [float(x[3]) for x in runs]
has_copy = runs[0][4] != '-'
def ratio(rs):
    return f"{med(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]"
vs_seed = ratio([o / e for o, e in zip(ours_eps, seed_eps)])
if has_copy:
    copy_eps = [float(x[4]) for x in runs]; copy_ms = [float(x[5]) for x in runs]
    copy_s = f"{med(copy_eps):9.0f} {med(copy_ms):7.2f}"
    vs_copy = ratio([o / k for o, k in zip(ours_eps, copy_eps)])
else:
    copy_s = f"{'-':>9} {'-':>7}"; vs_copy = '-'
print(f"{c:<8} {s:<8} {z:5d} | {med(seed_eps):9.0f} {med(seed_ms):7.2f} | {med(ours_eps):9.0f} {med(ours_ms):7.2f} | {copy_s} | {vs_seed:<17} {vs_copy:<17}")
PY
done

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
printf '%12s %14s %12s %12s %14s\n' "raw events" "hot card evts" "hot card ms" "typical ms" "rollup rows"
targets=(1000000); [ $big = 1 ] && targets+=(10000000)
for target in "${targets[@]}"; do
  calls=$(( (target - loaded) / 500 ))
  echo "loading $(( calls * 500 )) events through ingest_analytics_batch ..." >&2
  pgbench "$url" -n -c 4 -j 4 -t $(( calls / 4 )) -f "$here/load_events.pgbench" >"$dir/load.log" 2>&1 || { cat "$dir/load.log" >&2; exit 1; }
  q -c "VACUUM ANALYZE" >/dev/null
  loaded=$(q -c "SELECT (SELECT count(*) FROM analytics.page_views) + (SELECT count(*) FROM analytics.clicks) + (SELECT count(*) FROM analytics.session_events)")
  hot_events=$(q -c "SELECT count(*) FROM analytics.page_views WHERE user_code = 'card_hot'")
  rollup_rows=$(q -c "SELECT (SELECT count(*) FROM analytics.daily_page_views) + (SELECT count(*) FROM analytics.daily_click_targets) + (SELECT count(*) FROM analytics.daily_click_categories) + (SELECT count(*) FROM analytics.daily_sessions)")
  hot_ms=$(dash_ms card_hot); typ_ms=$(dash_ms card_500)
  printf '%12s %14s %12s %12s %14s\n' "$loaded" "$hot_events pv" "$hot_ms" "$typ_ms" "$rollup_rows"
done
