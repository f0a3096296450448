#!/usr/bin/env bash
# Notify-mode benchmark: PostgreSQL alone (the ceiling) vs. PostgreSQL + trigger + pgcdc capture + Kafka +
# consumer, same machine, same run. Usage: bench/run-notify.sh [ROWS] [WRITERS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
writers=${2:-4}
[[ -f target/pgcdc.jar ]] || ./mvnw -B -q -DskipTests package
url=$(bench/pg-cluster.sh start)
trap 'bench/pg-cluster.sh stop' EXIT
mkdir -p bench/results
java -Xmx1g -cp "target/pgcdc.jar:target/lib/*" bench/NotifyBench.java \
  --db "$url" --user postgres --password bench --rows "$rows" --writers "$writers" \
  | tee "bench/results/notify-$(date -u +%Y%m%dT%H%M%SZ).txt"
