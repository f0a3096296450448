#!/usr/bin/env bash
# Capture benchmark, PostgreSQL alone (the ceiling) beside pgcdc, same machine, same run.
# Usage: bench/run.sh notify|trigger|logical [ROWS] [WRITERS] [STEADY_RATES] [TX_SIZE]
#   STEADY_RATES: comma-separated rows/s, e.g. 1000,10000; TX_SIZE: rows per INSERT transaction (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/run.sh notify|trigger|logical [ROWS] [WRITERS] [STEADY_RATES] [TX_SIZE]}
rows=${2:-10000}
writers=${3:-4}
rate=${4:-1000}
tx_size=${5:-1}
[[ -f target/pgcdc.jar && -d target/lib-demo ]] || ./mvnw -B -q -DskipTests package
url=$(bench/pg-cluster.sh start)
trap 'bench/pg-cluster.sh stop' EXIT
mkdir -p bench/results
java -Xmx1g -cp "target/pgcdc.jar:target/lib/*:target/lib-demo/*" bench/CaptureBench.java \
  --mode "$mode" --db "$url" --user postgres --password bench --rows "$rows" --writers "$writers" --rate "$rate" --tx-size "$tx_size" \
  | tee "bench/results/$mode-$(date -u +%Y%m%dT%H%M%SZ).txt"
