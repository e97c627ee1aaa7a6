#!/usr/bin/env bash
# Concurrent SSE streams (loopback only): N streams opened at once, relayed through
#   smg      smgctl serve, one worker (--worker-urls), data-plane key (SMG_API_KEY), request log
#            off (BENCH_REQUEST_LOG=1 turns it on; nginx's access_log is off)
#   nginx    Debian's nginx as the reference proxy: 1 worker process, proxy_buffering off,
#            HTTP/1.1 upstream with keepalive, worker_connections and worker_rlimit_nofile at the
#            open-files limit, listen backlog 4096 (smg's), bearer check via map (401 otherwise),
#            access_log off, /health answered by nginx itself (as smg answers its own)
# one after the other in the same run, from one upstream that holds streams cheaply
# (bench/streams.mjs upstream: node timers, OpenAI chat.completion.chunk events, then
# "data: [DONE]"). The load client is one node process (bench/streams.mjs client: http.Agent
# keepAlive, maxSockets Infinity, so one socket per stream); it counts completed streams (200,
# every event, [DONE]), failed ones by reason, and relayed events. While the streams run a second
# node process (bench/streams.mjs watch) GETs the target's /health every 100 ms on a new
# connection each time (agent: false, Connection: close; 5 s timeout) and samples the target's
# Threads, VmRSS (/proc/PID/status) and open files (/proc/PID/fd), the process and its children
# summed (nginx: master+worker), every 100 ms; utime+stime (/proc/PID/stat) is read before and after.
# Prints per target: completed/failed streams, idle/peak threads, idle/peak RSS and RSS growth
# per stream ((peak - idle) / N, KiB), /health p50/p99/max, CPU per relayed event (all the
# target's CPU during the run / events the client got), time to first event, then smg/nginx
# ratios; per target also the first body of each non-200 status, what the upstream saw, how busy
# the whole machine was (other builds share it) and the kernel's listen-queue overflows and SYN
# retransmits (N at once can overflow a backlog of 4096: connections then open late, not fail).
# smgctl is copied first, so a rebuild during the run changes nothing. Everything it starts is
# stopped on exit. nginx is installed with apt if missing.
# Each target needs 2N sockets (N clients + N upstream) plus a few: the open-files limit is
# raised to the hard limit and checked.
# Usage: bench/streams.sh [N (2000)] [build-dir (build)]
#   env: BENCH_EVENTS (50) and BENCH_INTERVAL_MS (200): events per stream and the time between
#        them (streams last ~EVENTS*INTERVAL); BENCH_DEADLINE_SECS (stream time + 30 + N/400;
#        opening thousands at once takes seconds on a small machine): streams
#        still open then are destroyed and count as failed; BENCH_TARGETS ("smg nginx");
#        BENCH_SMG_ARGS: extra smgctl serve flags (e.g. "--max-threads 10000");
#        BENCH_REQUEST_LOG (0)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
count="${1:-2000}"
build_dir="${2:-build}"
events="${BENCH_EVENTS:-50}"
interval_ms="${BENCH_INTERVAL_MS:-200}"
stream_ms=$(( (events - 1) * interval_ms ))
targets="${BENCH_TARGETS:-smg nginx}"
smg_args="${BENCH_SMG_ARGS:-}"
request_log=$([ "${BENCH_REQUEST_LOG:-0}" = 1 ] && echo true || echo false)
probe_ms=100
sample_ms=100
smgctl="$repo/$build_dir/smgctl"
peer="$repo/bench/streams.mjs"
for v in "$count" "$events" "$interval_ms" "${BENCH_DEADLINE_SECS:-1}"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "streams.sh: '$v' is not a positive integer" >&2; exit 2; }
done
deadline_secs="${BENCH_DEADLINE_SECS:-$((stream_ms / 1000 + 30 + count / 400))}"
[ -x "$smgctl" ] || { echo "streams.sh: $smgctl missing: run scripts/build" >&2; exit 2; }
command -v node >/dev/null || { echo "streams.sh: needs node" >&2; exit 2; }
if [[ " $targets " == *" nginx "* ]] && ! [ -x /usr/sbin/nginx ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
nginx_bin=/usr/sbin/nginx

# --- limits: every process here inherits them ------------------------------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
[ "$nofile" = unlimited ] && nofile=1048576
need=$((2 * count + 256))  # a target: N client sockets + N upstream sockets + listeners, probes
if [ "$nofile" -lt "$need" ]; then
  echo "streams.sh: N=$count needs $need open files per process (2 sockets per stream in each" \
       "proxy, plus 256), the limit here is $nofile (hard limit $(ulimit -Hn)): raise it" \
       "(ulimit -Hn / limits.conf / systemd LimitNOFILE) or use N <= $(( (nofile - 256) / 2 ))" >&2
  exit 2
fi
smg_fds_per_stream=2  # measured: client socket and upstream socket (4 with the old libcurl hop)
if [ $((smg_fds_per_stream * count + 256)) -gt "$nofile" ]; then
  echo "streams.sh: note: smg holds ~$smg_fds_per_stream open files per stream (client socket," \
       "upstream socket): past" \
       "~$(( (nofile - 256) / smg_fds_per_stream )) streams it runs out of files ($nofile)" >&2
fi
read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
if [ $((port_hi - port_lo)) -lt "$count" ]; then
  echo "streams.sh: N=$count is more than the local port range ($port_lo-$port_hi) allows" >&2
  exit 2
fi

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup streams.sh
trap 'exit 130' INT TERM  # so the EXIT trap (bench_cleanup) runs on Ctrl-C / kill too
# A copy, so a rebuild during the run (builds share this machine) changes nothing mid-run.
binary_id="$build_dir/smgctl of $(date -r "$smgctl" '+%F %T'), HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
cp "$smgctl" "$tmp/smgctl"
smgctl="$tmp/smgctl"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
family() { echo "$1" "$(pgrep -P "$1" | tr '\n' ' ')"; }  # PID and its children
# utime+stime in microseconds of the PIDs.
cpu_us() {
  local total=0 pid ticks
  ticks=$(getconf CLK_TCK)
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo $((total * 1000000 / ticks))
}
tcp_ext() {  # FIELD...: values from /proc/net/netstat TcpExt (machine-wide)
  awk -v want="$*" '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) name[i] = $i; h = 1; next }
    n = split(want, w, " "); for (j = 1; j <= n; j++) for (i = 2; i <= NF; i++) if (name[i] == w[j]) printf "%s ", $i }' \
    /proc/net/netstat
}
cpu_busy() {  # busy and total jiffies of the whole machine (/proc/stat "cpu")
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}
status_sum() {  # FIELD PID...: sum of a /proc/PID/status field (Threads, VmRSS in KiB)
  local field=$1; shift
  for pid in "$@"; do awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status"; done |
    awk '{ s += $1 } END { print s + 0 }'
}

# --- the upstream, smg, nginx ------------------------------------------------------------------
node "$peer" upstream "$events" "$interval_ms" >"$tmp/upstream.log" 2>&1 &
pids+=($!)
upstream_port=$(port_from "$tmp/upstream.log" "upstream listening on")
api_key="smg-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

declare -A port pid_of
if [[ " $targets " == *" smg "* ]]; then
  printf 'server:\n  request_log: { enabled: %s }\n' "$request_log" >"$tmp/smg.yaml"
  # shellcheck disable=SC2086
  SMG_API_KEY="$api_key" "$smgctl" serve --config "$tmp/smg.yaml" --port 0 --log-level warn \
    --worker-urls "http://127.0.0.1:$upstream_port" --data-dir "$tmp/smg-data" $smg_args \
    >"$tmp/smg.log" 2>"$tmp/smg.err" &
  pid_of[smg]=$!
  pids+=($!)
  port[smg]=$(port_from "$tmp/smg.log" "smg listening on")
  wait_ready "${port[smg]}"
  curl -sf -o /dev/null "http://127.0.0.1:${port[smg]}/readiness" ||
    { echo "streams.sh: smg has no ready worker:" >&2; cat "$tmp/smg.err" >&2; exit 1; }
fi
if [[ " $targets " == *" nginx "* ]]; then
  port[nginx]=$(free_port)
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile $nofile;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections $nofile; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000;
  map_hash_bucket_size 256;
  upstream worker { server 127.0.0.1:$upstream_port; keepalive 256; }
  map \$http_authorization \$bearer_ok { "Bearer $api_key" 1; default 0; }
  server {
    listen 127.0.0.1:${port[nginx]} backlog=4096;
    location = /health { return 200 "OK"; }
    location / {
      if (\$bearer_ok = 0) { return 401; }
      proxy_pass http://worker;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
  "$nginx_bin" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" \
    2>"$tmp/nginx/stderr.log" &
  pid_of[nginx]=$!
  pids+=($!)
  code=""
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[nginx]}/v1/models" || true)
    [ "$code" = 401 ] && break
    sleep 0.1
  done
  [ "$code" = 401 ] || { echo "streams.sh: nginx did not start:" >&2; cat "$tmp/nginx/"*.log >&2; exit 1; }
fi

# Each target relays one non-stream answer and one stream correctly before it is measured.
check() {  # NAME
  local name=$1 code
  code=$(curl -s -o "$tmp/check.out" -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:${port[$name]}/v1/chat/completions" \
    -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
    -d '{"model":"bench-stream","messages":[{"role":"user","content":"hi"}]}' || true)
  [ "$code" = 200 ] || { echo "streams.sh: $name answered $code: $(cat "$tmp/check.out")" >&2; exit 1; }
  node "$peer" client "http://127.0.0.1:${port[$name]}/v1/chat/completions" 4 "$api_key" \
    "$events" $((stream_ms + 10000)) >"$tmp/check.out"
  grep -q '"completed":4,' "$tmp/check.out" ||
    { echo "streams.sh: $name did not relay 4 streams: $(cat "$tmp/check.out")" >&2; exit 1; }
}
echo "streams.sh: checking each target with 4 streams (~$((stream_ms / 1000)) s)" >&2
check_pids=()
for name in $targets; do check "$name" & check_pids+=($!); done
for p in "${check_pids[@]}"; do wait "$p"; done
curl -sf -o /dev/null "http://127.0.0.1:$upstream_port/bench/stats"  # reset its counters

results="$tmp/results"
: >"$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run() {  # NAME
  local name=$1 family_pids before after watch_pid idle_threads idle_rss net_before net_after
  local busy_before total_before busy_after total_after client_pid
  read -r -a family_pids <<<"$(family "${pid_of[$name]}")"
  sleep 3  # threads started for the check retire (the pool keeps idle ones 2 s)
  idle_threads=$(status_sum Threads "${family_pids[@]}")
  idle_rss=$(status_sum VmRSS "${family_pids[@]}")
  node "$peer" watch "http://127.0.0.1:${port[$name]}/health" "$(IFS=,; echo "${family_pids[*]}")" \
    "$probe_ms" "$sample_ms" >"$tmp/$name.watch" 2>&1 &
  watch_pid=$!
  pids+=("$watch_pid")
  before=$(cpu_us "${family_pids[@]}")
  net_before=$(tcp_ext ListenOverflows TCPSynRetrans)
  read -r busy_before total_before <<<"$(cpu_busy)"
  echo "streams.sh: $name: $count streams" >&2
  node "$peer" client "http://127.0.0.1:${port[$name]}/v1/chat/completions" "$count" "$api_key" \
    "$events" $((deadline_secs * 1000)) >"$tmp/$name.client" 2>&1 &
  client_pid=$!
  pids+=("$client_pid")
  wait "$client_pid" || true  # (a wait, not a foreground child: a signal is handled at once)
  after=$(cpu_us "${family_pids[@]}")
  net_after=$(tcp_ext ListenOverflows TCPSynRetrans)
  read -r busy_after total_after <<<"$(cpu_busy)"
  kill -TERM "$watch_pid"
  wait "$watch_pid" || true
  sleep 1
  upstream=$(curl -sf "http://127.0.0.1:$upstream_port/bench/stats" || echo '{}')
  kill -0 "${pid_of[$name]}" 2>/dev/null && alive=1 || alive=0
  local errlog="$tmp/smg.err"
  [ "$name" = nginx ] && errlog="$tmp/nginx/error.log"
  # The target's last log lines of this run (only shown when streams failed).
  tail -n 4 "$errlog" 2>/dev/null | cut -c1-300 >"$tmp/$name.errtail" || true
  : >"$errlog"
  python3 - "$name" "$idle_threads" "$idle_rss" "$((after - before))" "$alive" "$upstream" \
    "$tmp/$name.client" "$tmp/$name.watch" "$net_before" "$net_after" \
    "$((busy_after - busy_before)) $((total_after - total_before))" "$tmp/$name.errtail" \
    >>"$results" <<'PY'
import json, sys
(name, idle_threads, idle_rss, cpu, alive, upstream, client_file, watch_file, net_before,
 net_after, machine, errtail) = sys.argv[1:]
net = [int(b) - int(a) for a, b in zip(net_before.split(), net_after.split())]
busy, total = (int(x) for x in machine.split())
def result(path):
    for line in open(path):
        if line.startswith("result "):
            return json.loads(line[7:])
    return {"missing": open(path).read()[-500:]}
print(json.dumps({"name": name, "idle_threads": int(idle_threads), "idle_rss": int(idle_rss),
                  "cpu_us": int(cpu), "alive": alive == "1", "upstream": json.loads(upstream),
                  "client": result(client_file), "watch": result(watch_file),
                  "listen_overflows": net[0] if net else None,
                  "syn_retrans": net[1] if len(net) > 1 else None,
                  "machine_busy": busy / max(total, 1),
                  "log_tail": open(errtail).read().splitlines()}))
PY
}
for name in $targets; do run "$name"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$results" "$count" "$events" "$interval_ms" "$deadline_secs" "$load_before" \
  "$load_after" "$(nproc)" "$nofile" "$binary_id" "smg flags: --worker-urls, --api-key, request_log $request_log${smg_args:+, $smg_args}" <<'PY'
import json, sys
(path, n, events, interval, deadline, load_before, load_after, cores, nofile, binary_id,
 smg_flags) = sys.argv[1:]
n = int(n)
rows = {}
for line in open(path):
    r = json.loads(line)
    c, w = r["client"], r["watch"]
    if "missing" in c or "missing" in w:
        print(f"{r['name']}: no result: {c.get('missing', '')} {w.get('missing', '')}")
        continue
    rows[r["name"]] = dict(
        completed=c["completed"], failed=c["failed"], events=c["events"],
        idle_threads=r["idle_threads"], peak_threads=max(w["peak_threads"], r["idle_threads"]),
        idle_rss=r["idle_rss"], peak_rss=max(w["peak_rss_kib"], r["idle_rss"]),
        peak_fds=w.get("peak_fds", 0),
        h50=w["p50_ms"], h99=w["p99_ms"], hmax=w["max_ms"],
        probes=w["probes"], probes_bad=w["failed"] + w["unanswered"],
        cpu_ev=r["cpu_us"] / max(c["events"], 1), cpu_ms=r["cpu_us"] / 1000,
        f99=c["first_event_ms"]["p99"], fmax=c["first_event_ms"]["p100"],
        dmax=c["duration_ms"]["p100"], all_open=c["all_open_ms"], wall=c["wall_ms"],
        reasons=c["reasons"], codes=c["error_codes"], statuses=c["statuses"],
        upstream=r["upstream"], alive=r["alive"], bodies=c.get("bodies", {}),
        overflows=r["listen_overflows"], synre=r["syn_retrans"], busy=r["machine_busy"],
        log_tail=r["log_tail"])
    rows[r["name"]]["growth"] = (rows[r["name"]]["peak_rss"] - r["idle_rss"]) / n
ms = lambda v: "-" if v is None else f"{v:.1f}"
print(f"streams: N={n} at once, {events} events each one per {interval} ms "
      f"(~{(int(events) - 1) * int(interval) / 1000:.0f} s), deadline {deadline} s; {cores} cores, "
      f"open files {nofile}; load average before {load_before}, after {load_after}")
print(f"{binary_id}; {smg_flags}")
print("/health: GET every 100 ms, new connection each; threads/RSS sampled every 100 ms")
print(f"{'target':6} {'done':>6} {'failed':>6} {'events':>8} {'thr idle':>8} {'thr peak':>8} "
      f"{'RSS idle':>9} {'RSS peak':>9} {'KiB/strm':>8} {'fds peak':>8} {'hlth p50':>8} {'hlth p99':>8} "
      f"{'hlth max':>8} {'bad prb':>7} {'cpu us/ev':>9} {'1st-ev p99':>10} {'all open':>8} {'wall s':>6}")
for name, r in rows.items():
    print(f"{name:6} {r['completed']:6d} {r['failed']:6d} {r['events']:8d} {r['idle_threads']:8d} "
          f"{r['peak_threads']:8d} {r['idle_rss'] / 1024:7.1f}Mi {r['peak_rss'] / 1024:7.1f}Mi "
          f"{r['growth']:8.1f} {r['peak_fds']:8d} {ms(r['h50']):>8} {ms(r['h99']):>8} {ms(r['hmax']):>8} "
          f"{r['probes_bad']:3d}/{r['probes']:<3d} {r['cpu_ev']:9.2f} {ms(r['f99']):>10} "
          f"{ms(r['all_open']):>8} {r['wall'] / 1000:6.1f}")
print("(health and first-event columns in ms; fds = open files; 'all open' = ms until every stream had its first "
      "event; cpu us/ev = target CPU during the run / events relayed)")
for name, r in rows.items():
    notes = []
    if r["failed"]:
        notes.append(f"failures {r['reasons']}" + (f" codes {r['codes']}" if r["codes"] else ""))
    if list(r["statuses"]) != ["200"]:
        notes.append(f"statuses {r['statuses']}")
    for status, body in r["bodies"].items():
        notes.append(f"first {status} body: {body.strip()[:200]!r}")
    if not r["alive"]:
        notes.append("THE TARGET PROCESS DIED")
    u = r["upstream"]
    notes.append(f"upstream saw {u.get('started')} started, {u.get('finished')} finished, "
                 f"{u.get('aborted')} aborted, {u.get('peak_open')} open at most")
    notes.append(f"CPU {r['cpu_ms']:.0f} ms; longest stream {ms(r['dmax'])} ms, "
                 f"first event max {ms(r['fmax'])} ms")
    notes.append(f"machine CPU busy {100 * r['busy']:.0f}% of {cores} cores during the run "
                 f"(the target {100 * r['cpu_ms'] / 1000 / (r['wall'] / 1000) / int(cores):.0f}%)")
    notes.append(f"kernel listen-queue overflows {r['overflows']}, SYN retransmits {r['synre']} "
                 f"(machine-wide)")
    print(f"{name}: " + "; ".join(notes))
    if r["failed"] and r["log_tail"]:
        print(f"{name}: its last log lines:\n  " + "\n  ".join(r["log_tail"]))
if "smg" in rows and "nginx" in rows:
    s, x = rows["smg"], rows["nginx"]
    def ratio(a, b):
        return "-" if not a or not b else f"{a / b:.2f}x"
    print("smg/nginx: " + ", ".join([
        f"peak threads {ratio(s['peak_threads'], x['peak_threads'])}",
        f"peak RSS {ratio(s['peak_rss'], x['peak_rss'])}",
        f"RSS growth/stream {ratio(s['growth'], x['growth'])}",
        f"peak open files {ratio(s['peak_fds'], x['peak_fds'])}",
        f"/health p50 {ratio(s['h50'], x['h50'])}",
        f"/health p99 {ratio(s['h99'], x['h99'])}",
        f"CPU/event {ratio(s['cpu_ev'], x['cpu_ev'])}",
        f"completed {s['completed']}/{x['completed']}"]))
PY
