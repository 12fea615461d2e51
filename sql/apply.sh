#!/usr/bin/env bash
# Applies the analytics backend to a PostgreSQL database:
#   sql/apply.sh DATABASE_URL              compat layer (roles, auth.*) then migrations
#   sql/apply.sh --no-compat DATABASE_URL  migrations only (a real Supabase project)
# Every file is safe to re-apply; they run in file-name order, all in one transaction:
# an upgrade is atomic for the ingest calls running meanwhile (they see the old schema
# and functions or the new ones, never a mix).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
compat=1
if [ "${1:-}" = --no-compat ]; then compat=0; shift; fi
url=${1:?usage: sql/apply.sh [--no-compat] DATABASE_URL}

files=()
if [ $compat = 1 ]; then files+=("$here"/compat/*.sql); fi
files+=("$here"/migrations/*.sql)
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
# psql names the file and line of an error itself
psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction -c 'SET client_min_messages = warning' "${args[@]}" >/dev/null \
  || { echo "apply.sh: failed (nothing applied)" >&2; exit 1; }
echo "apply.sh: applied ${#files[@]} files"
