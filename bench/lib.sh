# Helpers shared by the load scripts in bench/ (sourced, not run).
#   bench_setup NAME   $tmp: a fresh directory; $pids: background processes to stop; both
#                      cleaned up when the script exits
#   port_from FILE NEEDLE   waits up to 20 s for a line with NEEDLE in FILE; prints the port
#                           at its end
#   wait_ready PORT    waits up to 20 s for GET /readiness to answer 2xx

bench_setup() {
  bench_name=$1
  tmp=$(mktemp -d "/tmp/smg-$1-XXXXXX")
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}

port_from() {
  local file=$1 needle=$2 line
  for _ in $(seq 200); do
    if line=$(grep -m1 "$needle" "$file" 2>/dev/null); then echo "${line##*:}"; return; fi
    sleep 0.1
  done
  echo "$bench_name: no '$needle' in $file:" >&2; cat "$file" >&2; exit 1
}

wait_ready() {
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/readiness" && return
    sleep 0.1
  done
}
