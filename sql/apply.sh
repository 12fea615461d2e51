#!/usr/bin/env bash
# Applies the analytics backend to a PostgreSQL database:
#   sql/apply.sh DATABASE_URL              compat layer (roles, auth.*) then migrations
#   sql/apply.sh --no-compat DATABASE_URL  migrations only (a real Supabase project)
# Every file is safe to re-apply; they run in file-name order, each in one transaction.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
compat=1
if [ "${1:-}" = --no-compat ]; then compat=0; shift; fi
url=${1:?usage: sql/apply.sh [--no-compat] DATABASE_URL}

files=()
if [ $compat = 1 ]; then files+=("$here"/compat/*.sql); fi
files+=("$here"/migrations/*.sql)
for f in "${files[@]}"; do
  psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction -c 'SET client_min_messages = warning' -f "$f" >/dev/null \
    || { echo "apply.sh: failed in $f" >&2; exit 1; }
done
echo "apply.sh: applied ${#files[@]} files"
