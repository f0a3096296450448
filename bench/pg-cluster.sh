#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL cluster from the machine's own server binaries, with fsync ON and
# synchronous_commit ON, so benchmark figures are comparable with what PostgreSQL alone can write.
# Usage: bench/pg-cluster.sh start|stop   (port 55433, data in /tmp/pgcdc-bench-pg, user postgres/bench)
set -euo pipefail
port=55433
dir=/tmp/pgcdc-bench-pg
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bin" ]] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [[ ! -d $dir ]]; then
      mkdir -p "$dir" && echo bench > "$dir.pw"
      [[ $(id -u) -eq 0 ]] && chown postgres "$dir" "$dir.pw"
      as_postgres "$bin/initdb" -D "$dir" -U postgres -A scram-sha-256 --pwfile="$dir.pw" >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir.log" -w -o "-p $port -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories=/tmp -c wal_level=logical -c max_connections=200 -c fsync=on \
      -c synchronous_commit=on -c shared_buffers=512MB" start >/dev/null
    echo "jdbc:postgresql://127.0.0.1:$port/postgres"
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
