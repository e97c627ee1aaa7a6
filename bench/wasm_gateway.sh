#!/usr/bin/env bash
# WASM middleware cost through the real gateway (loopback only): wrk POSTs non-stream
# /v1/chat/completions at 64 connections to three gateways in front of one dev worker:
#   none       --enable-wasm, no module (the baseline)
#   response   the add_header example on on-response (a fresh instance per response)
#   both       cap_max_tokens on on-request (reads and rewrites the body) + add_header
# The request log is off in all three, so only the middleware differs. Prints requests/s,
# p50/p99 and the gateway's CPU microseconds per request, and each one's ratio to `none`.
# bench/wasm_bench (Google Benchmark) splits a call into instantiation and execution.
# Usage: bench/wasm_gateway.sh [build-dir]   env: BENCH_SECONDS (8), BENCH_ROUNDS (3)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
seconds="${BENCH_SECONDS:-8}"
rounds="${BENCH_ROUNDS:-3}"
smgctl="$build_dir/smgctl"
examples="$build_dir/wasm-examples"
[ -x "$smgctl" ] && [ -f "$examples/add_header.wasm" ] ||
  { echo "wasm_gateway.sh: build first (scripts/build)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wasm_gateway.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup wasm_gateway.sh

cpu_us() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000000 / t)}' "/proc/$1/stat"; }

"$smgctl" dev-worker --port 0 >"$tmp/worker.log" 2>&1 &
pids+=($!)
worker_port=$(port_from "$tmp/worker.log" "dev-worker listening on")
api_key="smg-bench-user-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

declare -A port pid
start() {  # NAME MODULE-YAML
  printf 'server:\n  request_log:\n    enabled: false\n  wasm:\n    enabled: true\n%s' "$2" \
    >"$tmp/$1.yaml"
  "$smgctl" serve --config "$tmp/$1.yaml" --port 0 --worker-urls "http://127.0.0.1:$worker_port" \
    --control-plane-api-keys "bench-user:Bench User:user:$api_key" --data-dir "$tmp/data-$1" \
    >"$tmp/$1.log" 2>"$tmp/$1.err" &
  pid[$1]=$!
  pids+=($!)
  port[$1]=$(port_from "$tmp/$1.log" "smg listening on")
  wait_ready "${port[$1]}"
}
add_header="      - { name: add-header, file_path: $(realpath "$examples/add_header.wasm"), attach_points: [on-response] }"
cap="      - { name: cap, file_path: $(realpath "$examples/cap_max_tokens.wasm"), attach_points: [on-request] }"
start none ""
start response "    modules:
$add_header
"
start both "    modules:
$cap
$add_header
"
for name in none response both; do
  headers=$(curl -s -D - -o /dev/null "http://127.0.0.1:${port[$name]}/v1/chat/completions" \
    -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
    -d '{"model":"smg-dev-echo","messages":[{"role":"user","content":"hi"}]}')
  case "$name:$headers" in
    none:*x-wasm-processed*) echo "wasm_gateway.sh: none ran a module" >&2; exit 1 ;;
    none:*" 200"*) ;;
    *:*x-wasm-processed*) ;;
    *) echo "wasm_gateway.sh: $name did not run its module: $headers" >&2; exit 1 ;;
  esac
done

results="$tmp/results"
: >"$results"
for round in $(seq "$rounds"); do
  for name in none response both; do
    BENCH_TOKEN=$api_key wrk -t2 -c64 -d2s --timeout 2s -s bench/gateway_wrk.lua \
      "http://127.0.0.1:${port[$name]}" >/dev/null
    before=$(cpu_us "${pid[$name]}")
    line=$(BENCH_TOKEN=$api_key wrk -t2 -c64 -d"${seconds}s" --timeout 2s --latency \
      -s bench/gateway_wrk.lua "http://127.0.0.1:${port[$name]}" | grep '^BENCH ')
    after=$(cpu_us "${pid[$name]}")
    echo "$name $((after - before)) ${line#BENCH }" >>"$results"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, cpu, *kv = line.split()
    v = dict(item.split("=") for item in kv)
    n = int(v["requests"])
    runs.setdefault(name, []).append(dict(
        rps=float(v["rps"]), p50=int(v["p50_us"]) / 1000, p99=int(v["p99_us"]) / 1000,
        cpu=int(cpu) / max(n, 1), bad=int(v["non200"]) + int(v["timeout"])))
rows = {n: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p99", "cpu")} |
        {"bad": sum(r["bad"] for r in rs)} for n, rs in runs.items()}
base = rows["none"]
print(f"{len(runs['none'])} round(s), 64 connections, medians")
print(f"{'modules':9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'cpu us/req':>10} {'vs none':>8} {'bad':>4}")
for name in ("none", "response", "both"):
    r = rows[name]
    print(f"{name:9} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f} {r['cpu']:10.1f} "
          f"{r['cpu'] / base['cpu']:7.2f}x {r['bad']:4d}")
PY
