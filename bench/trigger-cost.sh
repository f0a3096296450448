#!/usr/bin/env bash
# What the trigger mode costs the writers, part by part: pgbench upserts on one table with no trigger, with
# pgcdc's trigger as `setup --mode trigger` installs it, and with variants that leave out one part each
# (the pinned session settings; the wake-up NOTIFY). Private fsync-on PostgreSQL (bench/pg-cluster.sh).
# Usage: bench/trigger-cost.sh [CLIENTS] [SECONDS]    (defaults 4, 15)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-4}
seconds=${2:-15}
[[ -f target/pgcdc.jar ]] || ./mvnw -B -q -DskipTests package
url=$(bench/pg-cluster.sh start)
trap 'bench/pg-cluster.sh stop' EXIT
export PGPASSWORD=bench PGHOST=127.0.0.1 PGPORT=55433 PGUSER=postgres
db=trigger_cost
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -q -d $db -c "CREATE TABLE bench (id int PRIMARY KEY, amount numeric(12,2), note text, at timestamptz DEFAULT now())"
script=$(mktemp)
cat > "$script" <<'SQL'
\set k random(1, 100000)
INSERT INTO bench (id, amount, note) VALUES (:k, 1, 'x') ON CONFLICT (id) DO UPDATE SET amount = bench.amount + 1;
SQL

run() {
  psql -q -d $db -c "DO \$\$ BEGIN IF to_regclass('pgcdc.journal') IS NOT NULL THEN TRUNCATE pgcdc.journal; END IF; END \$\$" -c "CHECKPOINT"
  local tps
  tps=$(pgbench -n -c "$clients" -j "$clients" -T "$seconds" -f "$script" $db 2>/dev/null | awk '/^tps/ {print int($3)}')
  printf '| %-44s | %8s |\n' "$1" "$tps"
}

echo "pgbench: $clients clients, $seconds s each, single-row upserts, PostgreSQL $(psql -Atc 'SHOW server_version' -d $db), fsync on"
echo
echo "| writers' variant | tps |"
echo "| --- | ---: |"
run "no trigger"
java -jar target/pgcdc.jar setup --mode trigger --db "jdbc:postgresql://127.0.0.1:55433/$db" --user postgres \
  --password bench --table public.bench >/dev/null
run "pgcdc trigger (as installed by setup)"
definition=$(psql -Atd $db -c "SELECT pg_get_functiondef('pgcdc.journal_row_change'::regproc)")
psql -q -d $db -c "$(sed -E '/SET (TimeZone|IntervalStyle|extra_float_digits|bytea_output)/d' <<<"$definition")"
run "  without the four pinned output settings"
psql -q -d $db -c "$(sed -E '/pg_notify/d' <<<"$definition")"
run "  without the wake-up NOTIFY"
psql -q -d $db -c "$definition" -c "DROP INDEX pgcdc.journal_tx_id"
run "  without the tx_id index"
psql -q -d $db -c "$definition" -c "CREATE INDEX journal_tx_id ON pgcdc.journal (tx_id)"
run "pgcdc trigger again (noise check)"
rm -f "$script"
