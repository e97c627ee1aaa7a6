#!/usr/bin/env bash
# Request-log overhead (loopback only): one dev worker behind two gateways that differ only in
# server.request_log.enabled, measured alternately in the same run with wrk (non-stream chat,
# bench/gateway_wrk.lua), then the records the logging gateway wrote against the data-plane
# requests it answered (smg_http_requests_total{class="data_plane"}), the dropped-records
# counter, and the rows in its SQLite file. Prints requests/s for each, the on/off ratio and the
# record counts. Everything it starts is stopped on exit.
# Usage: bench/request_log.sh [build-dir]    env: BENCH_SECONDS (10), BENCH_CONNS (64),
#                                            BENCH_ROUNDS (2)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
seconds="${BENCH_SECONDS:-10}"
conns="${BENCH_CONNS:-64}"
rounds="${BENCH_ROUNDS:-2}"
smgctl="$(pwd)/$build_dir/smgctl"
[ -x "$smgctl" ] || { echo "request_log.sh: $smgctl missing: run scripts/build" >&2; exit 2; }
command -v wrk >/dev/null || { echo "request_log.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup request_log.sh

"$smgctl" dev-worker --port 0 >"$tmp/worker.log" 2>&1 &
pids+=($!)
worker_port=$(port_from "$tmp/worker.log" "dev-worker listening on")
api_key="smg-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

start_gateway() {  # NAME ENABLED: prints the port
  printf 'server:\n  request_log: { enabled: %s }\n' "$2" >"$tmp/$1.yaml"
  SMG_API_KEY="$api_key" "$smgctl" serve --config "$tmp/$1.yaml" --port 0 --log-level warn \
    --worker-urls "http://127.0.0.1:$worker_port" --data-dir "$tmp/$1-data" \
    >"$tmp/$1.log" 2>"$tmp/$1.err" &
  pids+=($!)
  port_from "$tmp/$1.log" "smg listening on"
}
on_port=$(start_gateway on true)
off_port=$(start_gateway off false)
wait_ready "$on_port"
wait_ready "$off_port"

run() {  # PORT: prints requests/s
  BENCH_TOKEN=$api_key wrk -t2 -c"$conns" -d"${seconds}s" --timeout 2s -s bench/gateway_wrk.lua \
    "http://127.0.0.1:$1" | grep '^BENCH ' | sed 's/.* rps=\([0-9.]*\).*/\1/'
}
# Warm both (connections, worker lanes), then alternate so drift hits both alike.
BENCH_TOKEN=$api_key wrk -t2 -c"$conns" -d2s -s bench/gateway_wrk.lua "http://127.0.0.1:$on_port" >/dev/null
BENCH_TOKEN=$api_key wrk -t2 -c"$conns" -d2s -s bench/gateway_wrk.lua "http://127.0.0.1:$off_port" >/dev/null
on_rates=() off_rates=()
for _ in $(seq "$rounds"); do
  on_rates+=("$(run "$on_port")")
  off_rates+=("$(run "$off_port")")
done

metric() {  # PORT NAME [LABEL]: sum of the series
  curl -sf "http://127.0.0.1:$1/metrics" -H "Authorization: Bearer $api_key" |
    awk -v n="$2" -v l="${3:-}" 'index($0, n) == 1 && (l == "" || index($0, l)) { s += $NF } END { printf "%d", s }'
}
# The writer drains after the last run; wait until it caught up (or 30 s).
for _ in $(seq 300); do
  requests=$(metric "$on_port" smg_http_requests_total 'class="data_plane"')
  written=$(metric "$on_port" smg_request_log_written_total)
  dropped=$(metric "$on_port" smg_request_log_dropped_total)
  [ $((written + dropped)) -ge "$requests" ] && break
  sleep 0.1
done
rows=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM requests").fetchone()[0])' \
  "$tmp/on-data/request_log.db")

python3 - "$conns" "$seconds" "$requests" "$written" "$dropped" "$rows" "${on_rates[*]}" "${off_rates[*]}" <<'PY'
import statistics, sys
conns, seconds, requests, written, dropped, rows = sys.argv[1:7]
on = [float(x) for x in sys.argv[7].split()]
off = [float(x) for x in sys.argv[8].split()]
print(f"request log bench: {conns} connections, {len(on)} x {seconds} s each, alternating")
print(f"  log on : {' '.join(f'{r:.0f}' for r in on)} req/s (median {statistics.median(on):.0f})")
print(f"  log off: {' '.join(f'{r:.0f}' for r in off)} req/s (median {statistics.median(off):.0f})")
print(f"  on/off : {statistics.median(on) / statistics.median(off):.3f}")
print(f"  data-plane requests answered {requests}, records written {written}, dropped {dropped},"
      f" rows in the file {rows}")
PY
