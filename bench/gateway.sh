#!/usr/bin/env bash
# Gateway benchmark (loopback only): wrk POSTs non-stream /v1/chat/completions at 64 and 256
# connections against
#   direct   the dev worker itself (the floor)
#   apikey   smgctl serve, control-plane user API key
#   jwt      the same gateway, an RS256 JWT (minted with node + jose, JWKS from a local server)
#   nolog    a second gateway, API key, with the request log (on by default) turned off: the
#            like-for-like comparison with nginx, whose access_log is off here
#   nginx    Debian's nginx as the reference proxy: 1 worker, upstream keepalive, bearer check via
#            map $http_authorization (401 otherwise), access_log off
# and prints requests/s, p50/p99 latency, the proxy process's CPU microseconds per request
# (utime+stime from /proc/PID/stat, all threads/processes), wrk errors and a stall count
# (wrk timeouts + non-200 + curl --max-time probes that failed during the run), then ratios.
# Everything it starts is stopped on exit. Needs wrk and nginx (installed with apt if missing).
# Usage: bench/gateway.sh [build-dir]
#   env: BENCH_SECONDS per measurement (8), BENCH_CONNS ("1 64 256"), BENCH_ROUNDS (3)
# At 1 connection it also prints the latency each proxy adds to the worker's own (its p50/p99
# minus the direct p50/p99), as a ratio to what nginx adds.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build_dir="${1:-build}"
seconds="${BENCH_SECONDS:-8}"
rounds="${BENCH_ROUNDS:-3}"
conns_list="${BENCH_CONNS:-1 64 256}"
smgctl="$repo/$build_dir/smgctl"
[ -x "$smgctl" ] || { echo "gateway.sh: $smgctl missing: run scripts/build" >&2; exit 2; }
[ -d tests/peers/node_modules ] || { echo "gateway.sh: run scripts/install-deps --with-peers" >&2; exit 2; }
if ! command -v wrk >/dev/null || ! [ -x /usr/sbin/nginx ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
nginx_bin=/usr/sbin/nginx

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup gateway.sh

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# utime+stime in microseconds of PID and its child processes (nginx: master + worker).
cpu_us() {
  local total=0 pid ticks
  ticks=$(getconf CLK_TCK)
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo $((total * 1000000 / ticks))
}

# --- the dev worker, the JWKS server, the gateway, nginx -------------------------------------
"$smgctl" dev-worker --port 0 >"$tmp/worker.log" 2>&1 &
worker_pid=$!
pids+=($worker_pid)
worker_port=$(port_from "$tmp/worker.log" "dev-worker listening on")

issuer="http://127.0.0.1/smg-bench"
audience="smg-bench"
mkdir -p "$tmp/jwks"
(cd tests/peers && node --input-type=module -e '
import { generateKeyPair, exportJWK, SignJWT } from "jose";
import { writeFileSync } from "node:fs";
const [dir, iss, aud] = process.argv.slice(1);
const { publicKey, privateKey } = await generateKeyPair("RS256");
const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
writeFileSync(dir + "/jwks.json", JSON.stringify({ keys: [jwk] }));
const token = await new SignJWT({ sub: "bench-user", roles: ["user"] })
  .setProtectedHeader({ alg: "RS256", kid: "bench", typ: "JWT" }).setIssuer(iss).setAudience(aud)
  .setIssuedAt().setExpirationTime("2h").sign(privateKey);
writeFileSync(dir + "/token", token);' "$tmp/jwks" "$issuer" "$audience")
jwt_token=$(cat "$tmp/jwks/token")
python3 - "$tmp/jwks" >"$tmp/jwks.log" 2>&1 <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(f"jwks listening on http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
PY
pids+=($!)
jwks_port=$(port_from "$tmp/jwks.log" "jwks listening on")

api_key="smg-bench-user-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$smgctl" serve --port 0 --worker-urls "http://127.0.0.1:$worker_port" \
  --control-plane-api-keys "bench-user:Bench User:user:$api_key" \
  --jwt-issuer "$issuer" --jwt-audience "$audience" \
  --jwt-jwks-uri "http://127.0.0.1:$jwks_port/jwks.json" --data-dir "$tmp/data" \
  >"$tmp/gateway.log" 2>"$tmp/gateway.err" &
gateway_pid=$!
pids+=($gateway_pid)
printf 'server:\n  request_log:\n    enabled: false\n' >"$tmp/nolog.yaml"
"$smgctl" serve --config "$tmp/nolog.yaml" --port 0 --worker-urls "http://127.0.0.1:$worker_port" \
  --control-plane-api-keys "bench-user:Bench User:user:$api_key" --data-dir "$tmp/data-nolog" \
  >"$tmp/nolog.log" 2>"$tmp/nolog.err" &
nolog_pid=$!
pids+=($nolog_pid)
gateway_port=$(port_from "$tmp/gateway.log" "smg listening on")
nolog_port=$(port_from "$tmp/nolog.log" "smg listening on")
wait_ready "$gateway_port"
wait_ready "$nolog_port"

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000;
  map_hash_bucket_size 256;
  upstream worker { server 127.0.0.1:$worker_port; keepalive 256; }
  map \$http_authorization \$bearer_ok { "Bearer $api_key" 1; default 0; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      if (\$bearer_ok = 0) { return 401; }
      proxy_pass http://worker;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
    }
  }
}
EOF
"$nginx_bin" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" \
  2>"$tmp/nginx/stderr.log" &
nginx_pid=$!
pids+=($nginx_pid)
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nginx_port/health" || true)
  [ "$code" = 401 ] && break
  sleep 0.1
done
[ "$code" = 401 ] || { echo "gateway.sh: nginx did not start:" >&2; cat "$tmp/nginx/"*.log >&2; exit 1; }

# Each target answers one request correctly before it is measured.
check() {  # NAME PORT TOKEN
  local code
  code=$(curl -s -o "$tmp/check.out" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$2/v1/chat/completions" \
    -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    -d '{"model":"smg-dev-echo","messages":[{"role":"user","content":"hi"}]}' || true)
  [ "$code" = 200 ] || { echo "gateway.sh: $1 answered $code: $(cat "$tmp/check.out")" >&2; exit 1; }
}
check direct "$worker_port" "$api_key"
check apikey "$gateway_port" "$api_key"
check jwt "$gateway_port" "$jwt_token"
check nolog "$nolog_port" "$api_key"
check nginx "$nginx_port" "$api_key"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nginx_port/v1/models" -H 'Authorization: Bearer wrong' || true)
[ "$code" = 401 ] || { echo "gateway.sh: nginx bearer check answered $code, want 401" >&2; exit 1; }

# Probes: one curl --max-time 2 every 0.5 s during a run; prints how many failed.
probe() {  # PORT TOKEN SECONDS
  local failed=0 i
  for i in $(seq $(($3 * 2 - 2))); do
    sleep 0.5
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/v1/chat/completions" \
      -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
      -d '{"model":"smg-dev-echo","messages":[{"role":"user","content":"probe"}]}' || failed=$((failed + 1))
  done
  echo "$failed"
}

results="$tmp/results"
: >"$results"
run() {  # NAME PORT TOKEN CONNS PID
  local name=$1 port=$2 token=$3 conns=$4 pid=$5 before after line failed threads=2
  [ "$conns" -ge 2 ] || threads=1
  BENCH_TOKEN=$token wrk -t"$threads" -c"$conns" -d2s --timeout 2s -s bench/gateway_wrk.lua \
    "http://127.0.0.1:$port" >/dev/null  # warm-up: connections, lanes, JWT cache
  probe "$port" "$token" "$seconds" >"$tmp/probe.out" &
  local probe_pid=$!
  before=$(cpu_us "$pid")
  line=$(BENCH_TOKEN=$token wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 2s --latency \
    -s bench/gateway_wrk.lua "http://127.0.0.1:$port" | grep '^BENCH ')
  after=$(cpu_us "$pid")
  wait "$probe_pid"
  failed=$(cat "$tmp/probe.out")
  echo "$name $conns $((after - before)) $failed ${line#BENCH }" >>"$results"
}

# Rounds interleave the targets, so a machine that speeds up or slows down during the run
# (shared hosts do) shifts every target alike; the table shows each target's median round.
for round in $(seq "$rounds"); do
  for conns in $conns_list; do
    run direct "$worker_port" "$api_key" "$conns" "$worker_pid"
    run apikey "$gateway_port" "$api_key" "$conns" "$gateway_pid"
    run jwt "$gateway_port" "$jwt_token" "$conns" "$gateway_pid"
    run nolog "$nolog_port" "$api_key" "$conns" "$nolog_pid"
    run nginx "$nginx_port" "$api_key" "$conns" "$nginx_pid"
  done
done

python3 - "$results" <<'PY'
import sys
import statistics
runs = {}
for line in open(sys.argv[1]):
    name, conns, cpu, probes_failed, *kv = line.split()
    v = dict(item.split("=") for item in kv)
    n = int(v["requests"])
    errors = sum(int(v[k]) for k in ("connect", "read", "write"))
    stalled = int(v["timeout"]) + int(v["non200"]) + int(probes_failed) + (n - int(v["responses"]))
    r = dict(rps=float(v["rps"]), p50=int(v["p50_us"]) / 1000, p99=int(v["p99_us"]) / 1000,
             max=int(v["max_us"]) / 1000, cpu=int(cpu) / max(n, 1), errors=errors, stalled=stalled)
    runs.setdefault((name, int(conns)), []).append(r)
print(f"{len(next(iter(runs.values())))} round(s); medians per target, errors and stalls summed")
print(f"{'target':8} {'conns':>5} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
      f"{'cpu us/req':>10} {'errors':>6} {'stalled':>7}")
rows = {}
for (name, conns), rs in runs.items():
    r = {k: statistics.median(x[k] for x in rs) for k in ("rps", "p50", "p99", "cpu")}
    r.update(max=max(x["max"] for x in rs), errors=sum(x["errors"] for x in rs),
             stalled=sum(x["stalled"] for x in rs))
    rows[(name, conns)] = r
    print(f"{name:8} {conns:>5} {r['rps']:9.0f} {r['p50']:7.2f} {r['p99']:7.2f} {r['max']:7.1f} "
          f"{r['cpu']:10.1f} {r['errors']:6d} {r['stalled']:7d}")
print()
for c in sorted({c for _, c in rows}):
    g, j, x = rows.get(("apikey", c)), rows.get(("jwt", c)), rows.get(("nginx", c))
    q = rows.get(("nolog", c))
    if g and x:
        print(f"c={c}: gateway CPU/request vs nginx: {g['cpu'] / x['cpu']:.2f}x (target <= 2x); "
              f"JWT CPU/request vs nginx: {j['cpu'] / x['cpu']:.2f}x")
    if q and x:
        print(f"c={c}: request log off (nginx's access_log is off too) CPU/request vs nginx: "
              f"{q['cpu'] / x['cpu']:.2f}x; request log on vs off: {g['cpu'] / q['cpu']:.2f}x")
    if g and j:
        print(f"c={c}: JWT vs API-key throughput: {j['rps'] / g['rps']:.2f}, CPU/request "
              f"{j['cpu'] / g['cpu']:.2f}x (target: within 10%)")
for c in sorted({c for _, c in rows}):
    d, x = rows.get(("direct", c)), rows.get(("nginx", c))
    if not (d and x):
        continue
    for n in ("apikey", "nolog"):
        g = rows.get((n, c))
        if g:
            print(f"c={c}: {n} p99 vs nginx: {g['p99'] / x['p99']:.2f}x (target <= 1.5x)")
    if c == 1:
        for n in ("apikey", "nolog"):
            g = rows.get((n, c))
            if not g:
                continue
            add50, add99 = g["p50"] - d["p50"], g["p99"] - d["p99"]
            ng50, ng99 = x["p50"] - d["p50"], x["p99"] - d["p99"]
            ratio = lambda a, b: f"{a / b:.2f}x" if b > 0 else "n/a"
            print(f"c=1: latency {n} adds p50 {add50 * 1000:.0f} us / p99 {add99 * 1000:.0f} us; "
                  f"nginx adds {ng50 * 1000:.0f} / {ng99 * 1000:.0f} us: "
                  f"{ratio(add50, ng50)} / {ratio(add99, ng99)} (target <= 1.5x)")
if ("apikey", 64) in rows:
    print("p99 at 64 conns (target < 10 ms): " + ", ".join(
        f"{n} {rows[(n, 64)]['p99']:.2f} ms" for n in ("direct", "apikey", "jwt", "nolog", "nginx")
        if (n, 64) in rows))
print(f"stalled total: {sum(r['stalled'] for r in rows.values())}")
PY
