#!/usr/bin/env bash
# Capture benchmark, PostgreSQL alone (the ceiling) beside pgcdc, same machine, same run.
# Usage: bench/run.sh notify|trigger [ROWS] [WRITERS] [STEADY_RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/run.sh notify|trigger [ROWS] [WRITERS] [STEADY_RATE]}
rows=${2:-10000}
writers=${3:-4}
rate=${4:-1000}
[[ -f target/pgcdc.jar ]] || ./mvnw -B -q -DskipTests package
url=$(bench/pg-cluster.sh start)
trap 'bench/pg-cluster.sh stop' EXIT
mkdir -p bench/results
java -Xmx1g -cp "target/pgcdc.jar:target/lib/*" bench/CaptureBench.java \
  --mode "$mode" --db "$url" --user postgres --password bench --rows "$rows" --writers "$writers" --rate "$rate" \
  | tee "bench/results/$mode-$(date -u +%Y%m%dT%H%M%SZ).txt"
