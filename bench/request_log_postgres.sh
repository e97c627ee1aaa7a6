#!/usr/bin/env bash
# Request-log throughput into PostgreSQL vs SQLite, same run (bench/request_log_store_bench.cpp):
# starts a PostgreSQL from Debian's binaries in a temporary directory on a free loopback port
# (default durability settings: fsync and synchronous_commit on; as the `postgres` user when run
# as root, since PostgreSQL refuses root), then runs the bench binary with its DSN and postmaster
# pid. Prints Google Benchmark's table: records_per_s and cpu_us_per_record for each backend
# (PostgreSQL's includes the server's CPU). Everything it starts is stopped on exit.
# Usage: bench/request_log_postgres.sh [build-dir]     (configure with -DSMG_BENCH=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
bench="$(pwd)/$build_dir/bench/request_log_store_bench"
[ -x "$bench" ] || { echo "request_log_postgres.sh: $bench missing: build with -DSMG_BENCH=ON" >&2; exit 2; }
pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/initdb" ] || { echo "request_log_postgres.sh: needs postgresql (scripts/install-deps)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup request_log_postgres.sh
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
pg_stop() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" stop -m fast -w -D "$tmp/data" >/dev/null 2>&1 || true
  bench_cleanup
}
trap pg_stop EXIT

"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/data" -U smg --auth=trust -E UTF8 --locale=C \
  >"$tmp/initdb.log" 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$pg_bin/pg_ctl" start -w -D "$tmp/data" -l "$tmp/server.log" \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $tmp" >/dev/null
pg_pid=$(head -1 "$tmp/data/postmaster.pid")

echo "request log backends bench: PostgreSQL 15 on 127.0.0.1:$port (fsync on), SQLite WAL in $tmp"
SMG_BENCH_PG_DSN="host=127.0.0.1 port=$port user=smg dbname=postgres" SMG_BENCH_PG_PID="$pg_pid" \
  TMPDIR="$tmp" "$bench" --benchmark_counters_tabular=true
