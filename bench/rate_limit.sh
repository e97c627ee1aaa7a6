#!/usr/bin/env bash
# A tenant rate-limit check's cost per request, local store vs Redis on loopback, in one run:
# starts a redis-server (free port, no persistence), runs bench/rate_limit_bench against both,
# and prints µs per check and checks/s (one thread; Redis: one round trip per check).
# Usage: bench/rate_limit.sh [BUILD_DIR=build]   (needs -DSMG_BENCH=ON and redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
build="${1:-build}"
bench="$build/bench/rate_limit_bench"
[ -x "$bench" ] || { echo "rate_limit.sh: $bench not found (configure with -DSMG_BENCH=ON)" >&2; exit 2; }
bench_setup rate-limit
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
  >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
SMG_BENCH_REDIS_URL="redis://127.0.0.1:$port/0" "$bench" --benchmark_format=json \
  --benchmark_min_time=1 >"$tmp/out.json" 2>/dev/null
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).benchmarks;
  console.log("case".padEnd(40), "us/check".padStart(10), "checks/s".padStart(12));
  for (const b of r) {
    if (b.error_occurred) { console.log(b.name.padEnd(40), "error:", b.error_message); continue; }
    const us = b.real_time / (b.time_unit === "ns" ? 1000 : 1);
    console.log(b.name.padEnd(40), us.toFixed(2).padStart(10), b.items_per_second.toFixed(0).padStart(12));
  }
' "$tmp/out.json"
