#!/usr/bin/env bash
# What logical decoding and a Kafka broker alone cost PostgreSQL's writers on this machine, with no capture
# program in between: the floor under workloads (a), (b) and (d) for any capture that reads a slot and writes to Kafka.
#   bench/stock-pipeline.sh [a|b|d10000] [REPEATS]   (default a, 3; needs kcat: apt-get install kcat)
# Each repeat runs the bench's workload driver three ways on a private cluster (bench/pg-cluster.sh, fsync on) and
# a broker of its own (bench/run's settings):
#   alone     no slot;
#   +decode   pg_recvlogical streams the table's changes through pgoutput into /dev/null;
#   +Kafka    pg_recvlogical (test_decoding, one line per row) | grep | kcat, an idempotent acks=all lz4 producer
#             lingering 5 ms (pgcdc's producer settings), so every change lands in Kafka; the script checks they all did.
# (a): autocommit one-row inserts, 8 writers, 50,000 rows at full speed; (b): 200,000 rows in 1,000-row transactions
# from 2 writers. It prints the writers' rate, which bounds any capture's rate from their start to its last change,
# and its ratio to "alone" in the same repeat.
# d10000: 200,000 one-row inserts due at 10,000/s from 8 writers; it prints the rate reached and the p99 of the
# commits' lateness after their due time, under which no capture's latency can be.
# bench/README.md has the figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
workload="${1:-a}"
repeats="${2:-3}"
case "$workload" in
  a) rows=50000 kind=single writers=8 tx=1 rate=0 ;;
  b) rows=200000 kind=tx writers=2 tx=1000 rate=0 ;;
  d10000) rows=200000 kind=rate writers=8 tx=1 rate=10000 ;;
  *) echo "stock-pipeline.sh: unknown workload '$workload' (a, b or d10000)" >&2; exit 2 ;;
esac
command -v kcat >/dev/null || { echo "stock-pipeline.sh: kcat is missing (apt-get install kcat)" >&2; exit 1; }
[[ -f target/pgcdc.jar && -d target/lib-demo ]] || ./mvnw -B -q -DskipTests package >&2
[[ -f bench/target/pgcdc-bench.jar ]] || ./mvnw -B -q -f bench/pom.xml -DskipTests clean package >&2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/pgcdc-stock.XXXXXX)
broker_pid=
finish() {
  set +e
  pkill -f "pg_recvlogical.*stock_slot" 2>/dev/null || true
  [[ -n "$broker_pid" ]] && { kill "$broker_pid"; wait "$broker_pid"; } 2>/dev/null
  bench/pg-cluster.sh stop
  rm -rf "$work"
}
trap finish EXIT

bench/pg-cluster.sh start >/dev/null
export PGPASSWORD=bench BENCH_DB_PASSWORD=bench PGOPTIONS='-c client_min_messages=warning'
psql=("$bin/psql" -q -X -h 127.0.0.1 -p 55433 -U postgres -d postgres -v ON_ERROR_STOP=1)
recvlogical=("$bin/pg_recvlogical" -h 127.0.0.1 -p 55433 -U postgres -d postgres -S stock_slot)

ports=($(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])'))
kafka="127.0.0.1:${ports[0]}"
cat > "$work/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ports[1]}
listeners=PLAINTEXT://$kafka,CONTROLLER://127.0.0.1:${ports[1]}
advertised.listeners=PLAINTEXT://$kafka
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$work/kafka
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
kafka_cp="target/lib-demo/*:target/lib/*"
java -cp "$kafka_cp" kafka.tools.StorageTool format -t "$(java -cp "$kafka_cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
  -c "$work/server.properties" >"$work/format.out" 2>&1
java -Xms512m -Xmx512m -cp "$kafka_cp" kafka.Kafka "$work/server.properties" >"$work/broker.out" 2>&1 &
broker_pid=$!
for _ in $(seq 60); do kcat -b "$kafka" -L >/dev/null 2>&1 && break; sleep 1; done

# One run of the writers; prints their rate in rows/s and, paced, the p99 of their commits after due in ms.
write() {
  java -Xmx256m -cp "bench/target/pgcdc-bench.jar:bench/target/lib/*" dev.pgcdc.bench.WorkloadDriver \
    --db jdbc:postgresql://127.0.0.1:55433/postgres --user postgres --table t_stock --kind "$kind" --writers "$writers" \
    --changes "$rows" --tx-size "$tx" --rate "$rate" \
    | sed -nE 's/.*changes=([0-9]+).* start_ms=([0-9]+) end_ms=([0-9]+)( committed_count=[0-9]+ committed_p50=[0-9]+ committed_p95=[0-9]+ committed_p99=([0-9]+))?.*/\1 \2 \3 \5/p' \
    | awk '{ printf "%d %s\n", $1 * 1000 / ($3 - $2), ($4 == "" ? "-" : $4) }'
}

# The workload driver's columns (WorkloadDriver.COLUMNS).
columns="due_ms bigint, qty int, price numeric(12,2), name text, note text, created timestamptz, attrs jsonb, tags text[], scores int[]"

# Recreates the table (and, with a plugin, the slot) so every run starts alike.
fresh() {
  "${psql[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots" \
    -c "DROP TABLE IF EXISTS t_stock" -c "DROP PUBLICATION IF EXISTS stock_pub" \
    -c "CREATE TABLE t_stock (id bigserial PRIMARY KEY, $columns)" \
    -c "CREATE PUBLICATION stock_pub FOR TABLE t_stock" -c "CHECKPOINT" >/dev/null
  if [[ -n "${1:-}" ]]; then
    "${psql[@]}" -c "SELECT pg_create_logical_replication_slot('stock_slot', '$1')" >/dev/null
  fi
}

# Waits until the topic holds every row (at most a minute) and prints how many it holds. The pipe holds back its
# last line until more follow (without this, 49,999 of 50,000 rows arrived), so each second one more row goes in
# behind the workload's: they come after it on the one partition, and the count is of the workload's rows.
delivered() {
  local count=0
  for _ in $(seq 60); do
    count=$(kcat -b "$kafka" -C -t "$1" -e -q -f 'x\n' 2>/dev/null | wc -l)
    [[ $count -ge $rows ]] && break
    "${psql[@]}" -c "INSERT INTO t_stock (due_ms) VALUES (0)"
    sleep 1
  done
  echo $((count < rows ? count : rows))
}

echo "| repeat | alone rows/s | +decode rows/s | +decode +Kafka rows/s | rows in Kafka | commits p99 after due, ms: alone / +decode / +Kafka |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for repeat in $(seq "$repeats"); do
  fresh
  read -r alone alone_p99 < <(write)

  fresh pgoutput
  "${recvlogical[@]}" --start -o proto_version=1 -o publication_names=stock_pub -f /dev/null &
  decoding=$!
  read -r decode decode_p99 < <(write)
  { kill "$decoding"; wait "$decoding"; } 2>/dev/null || true

  fresh test_decoding
  topic="stock_${workload}_$repeat"
  ( "${recvlogical[@]}" --start -o skip-empty-xacts=1 -o include-xids=0 -f - \
      | grep --line-buffered 'INSERT' \
      | kcat -P -b "$kafka" -t "$topic" -X acks=all -X enable.idempotence=true -X compression.type=lz4 -X linger.ms=5 \
      2>>"$work/kcat.err" ) 2>/dev/null &
  pipeline=$!
  read -r piped piped_p99 < <(write)
  landed=$(delivered "$topic")
  pkill -f "pg_recvlogical.*stock_slot" || true
  wait "$pipeline" 2>/dev/null || true
  [[ $landed -ge $rows ]] || { echo "stock-pipeline.sh: only $landed of $rows rows reached Kafka" >&2; exit 1; }

  awk -v r="$repeat" -v a="$alone" -v d="$decode" -v p="$piped" -v n="$landed" -v l="$alone_p99 / $decode_p99 / $piped_p99" \
    'BEGIN { printf "| %d | %d | %d (%.2f) | %d (%.2f) | %d | %s |\n", r, a, d, d / a, p, p / a, n, l }'
done
