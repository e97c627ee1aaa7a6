-- wrk script for bench/gateway.sh: POST /v1/chat/completions (non-stream, JSON body) with
-- `Authorization: Bearer $BENCH_TOKEN`, counting responses and non-200s per thread, and printing
-- one machine-readable "BENCH k=v ..." line from done() for the shell to parse.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = '{"model":"smg-dev-echo","messages":[{"role":"user","content":"hello bench"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "none")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  non200 = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local counted, bad = 0, 0
  for _, thread in ipairs(threads) do
    counted = counted + thread:get("responses")
    bad = bad + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d responses=%d non200=%d connect=%d read=%d write=%d timeout=%d " ..
    "rps=%.1f p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, counted, bad, e.connect, e.read, e.write, e.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    latency.max))
end
