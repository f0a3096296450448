#!/usr/bin/env bash
# What the trigger mode costs the writers, part by part: pgbench upserts on one table with no trigger, with
# pgcdc's trigger as `setup --mode trigger` installs it, and with variants that leave out one part each
# (the pinned session settings; the wake-up, decided at commit by the journal's journal_wake_capture trigger;
# the tx_id index). Private fsync-on PostgreSQL
# (bench/pg-cluster.sh). Variants run in rotation, ROUNDS times, and the median is reported, so a noisy
# neighbour skews every variant alike.
# Usage: bench/trigger-cost.sh [CLIENTS] [SECONDS] [ROUNDS]    (defaults 4, 10, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-4}
seconds=${2:-10}
rounds=${3:-3}
[[ -f target/pgcdc.jar ]] || ./mvnw -B -q -DskipTests package
bench/pg-cluster.sh start >/dev/null
trap 'bench/pg-cluster.sh stop' EXIT
export PGPASSWORD=bench PGHOST=127.0.0.1 PGPORT=55433 PGUSER=postgres
db=trigger_cost
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
psql -q -d $db -c "CREATE TABLE bench (id int PRIMARY KEY, amount numeric(12,2), note text, at timestamptz DEFAULT now())"
java -jar target/pgcdc.jar setup --mode trigger --db "jdbc:postgresql://127.0.0.1:55433/$db" --user postgres \
  --password bench --table public.bench >/dev/null
installed=$(psql -Atd $db -c "SELECT pg_get_functiondef('pgcdc.journal_row_change'::regproc)")
script=$(mktemp)
cat > "$script" <<'SQL'
\set k random(1, 100000)
INSERT INTO bench (id, amount, note) VALUES (:k, 1, 'x') ON CONFLICT (id) DO UPDATE SET amount = bench.amount + 1;
SQL

variants=("no trigger" "pgcdc trigger (as installed by setup)" "  without the four pinned output settings"
          "  without the wake-up" "  without the tx_id index")
apply() {
  psql -q -d $db -c "$installed" -c "CREATE INDEX IF NOT EXISTS journal_tx_id ON pgcdc.journal (tx_id)" \
    -c "ALTER TABLE bench ENABLE TRIGGER pgcdc_capture" -c "ALTER TABLE pgcdc.journal ENABLE TRIGGER journal_wake_capture"
  case "$1" in
    0) psql -q -d $db -c "ALTER TABLE bench DISABLE TRIGGER pgcdc_capture" ;;
    2) psql -q -d $db -c "$(sed -E '/SET (TimeZone|IntervalStyle|extra_float_digits|bytea_output)/d' <<<"$installed")" ;;
    3) psql -q -d $db -c "ALTER TABLE pgcdc.journal DISABLE TRIGGER journal_wake_capture" ;;
    4) psql -q -d $db -c "DROP INDEX pgcdc.journal_tx_id" ;;
  esac
  psql -q -d $db -c "TRUNCATE pgcdc.journal" -c "CHECKPOINT"
}
declare -A results
for ((round = 0; round < rounds; round++)); do
  for i in "${!variants[@]}"; do
    apply "$i"
    results[$i]+="$(pgbench -n -c "$clients" -j "$clients" -T "$seconds" -f "$script" $db 2>/dev/null | awk '/^tps/ {print int($3)}') "
  done
done
rm -f "$script"

echo "pgbench: $clients clients, $seconds s x $rounds rounds each, single-row upserts, PostgreSQL $(psql -Atc 'SHOW server_version' -d $db), fsync on"
echo
echo "| writers' variant | median tps | runs | vs. no trigger |"
echo "| --- | ---: | --- | ---: |"
base=""
for i in "${!variants[@]}"; do
  median=$(tr ' ' '\n' <<<"${results[$i]}" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  [[ -n "$base" ]] || base=$median
  printf '| %s | %s | %s | %s%% |\n' "${variants[$i]}" "$median" "${results[$i]% }" "$(( median * 100 / base ))"
done
