// The node side of bench/streams.sh (no npm packages): one file, three roles.
//
//   node bench/streams.mjs upstream EVENTS INTERVAL_MS
//     An OpenAI-style worker that holds streams cheaply (timers on one event loop): GET /health,
//     GET /v1/models (model "bench-stream"), POST /v1/chat/completions. With "stream": true it
//     answers text/event-stream: EVENTS chat.completion.chunk events, the first at once and then
//     one every INTERVAL_MS, then "data: [DONE]". Without, one JSON completion. GET /bench/stats
//     answers {started, finished, aborted, open, peak_open} since the last GET (then resets).
//     Prints "upstream listening on http://127.0.0.1:PORT".
//
//   node bench/streams.mjs client URL COUNT BEARER EVENTS DEADLINE_MS
//     Opens COUNT streams at once (one http.Agent, keepAlive, maxSockets Infinity: one socket per
//     stream) to URL (a /v1/chat/completions). A stream completed when it answered 200 and
//     relayed EVENTS events and then [DONE]; else it failed, by reason: non-200, error (reset,
//     refused, ...), missing events, no [DONE], or still open at DEADLINE_MS (then destroyed).
//     Prints one line "result {json}" (with the first body of each non-200 status).
//
//   node bench/streams.mjs watch HEALTH_URL PIDS PROBE_MS SAMPLE_MS
//     Until SIGTERM: GET HEALTH_URL every PROBE_MS on a new connection each time (agent: false,
//     Connection: close; fired on schedule even while earlier probes are still waiting, 5 s
//     timeout), and every SAMPLE_MS the Threads, VmRSS and open files of the processes PIDS
//     (comma separated, summed). On SIGTERM prints one line "result {json}": probe latency percentiles, failures
//     and the peaks.
import http from "node:http";
import { readdirSync, readFileSync } from "node:fs";

const [role, ...args] = process.argv.slice(2);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// --- upstream ----------------------------------------------------------------------------------
function upstream(eventsText, intervalText) {
  const events = Number(eventsText);
  const interval = Number(intervalText);
  let stats = { started: 0, finished: 0, aborted: 0, open: 0, peak_open: 0 };
  const models = JSON.stringify({
    object: "list",
    data: [{ id: "bench-stream", object: "model", created: 0, owned_by: "smg-bench" }],
  });
  const server = http.createServer({ keepAliveTimeout: 65000, requestTimeout: 0 }, (req, res) => {
    const path = req.url.split("?")[0];
    if (req.method === "GET" && path === "/health") {
      res.writeHead(200, { "content-type": "text/plain" }).end("OK");
    } else if (req.method === "GET" && path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" }).end(models);
    } else if (req.method === "GET" && path === "/bench/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
      stats = { started: 0, finished: 0, aborted: 0, open: stats.open, peak_open: stats.open };
    } else if (req.method === "POST" && path === "/v1/chat/completions") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (part) => { body += part; });
      req.on("end", () => chat(req, res, body));
    } else {
      res.writeHead(404, { "content-type": "application/json" })
        .end('{"error":{"message":"not found","type":"not_found_error"}}');
    }
  });
  let serial = 0;
  function chat(req, res, body) {
    let parsed;
    try { parsed = JSON.parse(body); } catch {
      res.writeHead(400, { "content-type": "application/json" })
        .end('{"error":{"message":"bad JSON","type":"invalid_request_error"}}');
      return;
    }
    const id = `chatcmpl-bench-${++serial}`;
    const created = Math.floor(Date.now() / 1000);
    if (!parsed.stream) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
        id, object: "chat.completion", created, model: "bench-stream",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      }));
      return;
    }
    stats.started++;
    stats.open++;
    stats.peak_open = Math.max(stats.peak_open, stats.open);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let sent = 0;
    let timer = null;
    let done = false;
    const prefix = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},` +
      `"model":"bench-stream","choices":[{"index":0,"delta":`;
    const tick = () => {
      const last = sent === events - 1;
      const delta = sent === 0 ? `{"role":"assistant","content":"tok${sent} "}`
                               : `{"content":"tok${sent} "}`;
      res.write(`${prefix}${delta},"finish_reason":${last ? '"stop"' : "null"}}]}\n\n`);
      sent++;
      if (sent < events) {
        timer = setTimeout(tick, interval);
      } else {
        done = true;
        stats.finished++;
        stats.open--;
        res.end("data: [DONE]\n\n");
      }
    };
    res.on("close", () => {
      if (!done) {
        clearTimeout(timer);
        done = true;
        stats.aborted++;
        stats.open--;
      }
    });
    tick();
  }
  server.listen(0, "127.0.0.1", 4096, () => {
    console.log(`upstream listening on http://127.0.0.1:${server.address().port}`);
  });
}

// --- client ------------------------------------------------------------------------------------
function client(url, countText, bearer, eventsText, deadlineText) {
  const count = Number(countText);
  const events = Number(eventsText);
  const deadline = Number(deadlineText);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const body = JSON.stringify({
    model: "bench-stream", stream: true,
    messages: [{ role: "user", content: "hold this stream open" }],
  });
  const started = performance.now();
  const out = {
    count, completed: 0, failed: 0, events: 0, reasons: {}, statuses: {}, error_codes: {},
    first_event_ms: {}, duration_ms: {}, all_open_ms: null, wall_ms: 0, bodies: {},
  };
  const firsts = [];
  const durations = [];
  const live = new Set();
  let settledCount = 0;
  let opened = 0;

  function report() {
    firsts.sort((a, b) => a - b);
    durations.sort((a, b) => a - b);
    for (const p of [50, 99, 100]) {
      out.first_event_ms[`p${p}`] = percentile(firsts, p);
      out.duration_ms[`p${p}`] = percentile(durations, p);
    }
    out.wall_ms = Math.round(performance.now() - started);
    console.log("result " + JSON.stringify(out));
  }

  function startStream() {
    const begin = performance.now();
    const s = { settled: false, status: 0, events: 0, done: false, req: null };
    live.add(s);
    const settle = (reason, code) => {
      if (s.settled) return;
      s.settled = true;
      live.delete(s);
      out.events += s.events;
      if (!reason) {
        out.completed++;
        durations.push(performance.now() - begin);
      } else {
        out.failed++;
        out.reasons[reason] = (out.reasons[reason] || 0) + 1;
        if (code) out.error_codes[code] = (out.error_codes[code] || 0) + 1;
      }
      if (++settledCount === count) {
        report();
        process.exit(0);
      }
    };
    s.settle = settle;
    const req = http.request(url, {
      method: "POST", agent,
      headers: { "content-type": "application/json", accept: "text/event-stream",
                 authorization: `Bearer ${bearer}`, "content-length": Buffer.byteLength(body) },
    }, (res) => {
      s.status = res.statusCode;
      out.statuses[res.statusCode] = (out.statuses[res.statusCode] || 0) + 1;
      res.setEncoding("utf8");
      let rest = "";
      let first = true;
      res.on("data", (part) => {
        if (first) {
          first = false;
          firsts.push(performance.now() - begin);
          if (++opened === count) out.all_open_ms = Math.round(performance.now() - started);
        }
        rest += part;
        let cut;
        while ((cut = rest.indexOf("\n\n")) !== -1) {
          const block = rest.slice(0, cut);
          rest = rest.slice(cut + 2);
          if (!block.startsWith("data: ")) continue;
          if (block === "data: [DONE]") s.done = true;
          else if (block.includes('"chat.completion.chunk"')) s.events++;
        }
      });
      let sample = "";
      if (res.statusCode !== 200 && !(res.statusCode in out.bodies)) {
        out.bodies[res.statusCode] = "";
        sample = res.statusCode;
      }
      res.on("end", () => {
        if (sample !== "") out.bodies[sample] = rest.slice(0, 300);
        if (s.status !== 200) settle("non-200");
        else if (!s.done) settle("no [DONE]");
        else if (s.events !== events) settle("missing events");
        else settle(null);
      });
      res.on("error", (e) => settle("error", e.code || e.message));
      res.on("aborted", () => settle("error", "aborted"));
      res.on("close", () => settle("error", "closed early"));
    });
    s.req = req;
    req.on("error", (e) => settle("error", e.code || e.message));
    req.end(body);
  }

  for (let i = 0; i < count; i++) startStream();
  setTimeout(() => {
    for (const s of [...live]) {
      s.settle("deadline");
      s.req.destroy();
    }
  }, deadline).unref();
}

// --- watch -------------------------------------------------------------------------------------
function watch(healthUrl, pidsText, probeText, sampleText) {
  const pids = pidsText.split(",").filter(Boolean);
  const probeMs = Number(probeText);
  const sampleMs = Number(sampleText);
  const latencies = [];
  const out = { probes: 0, ok: 0, failed: 0, timeouts: 0, unanswered: 0, errors: {},
                peak_threads: 0, peak_rss_kib: 0, peak_fds: 0, samples: 0 };
  const pending = new Set();

  function probe() {
    const begin = performance.now();
    out.probes++;
    const token = {};
    pending.add(token);
    const req = http.get(healthUrl, { agent: false, headers: { connection: "close" }, timeout: 5000 },
      (res) => {
        res.resume();
        res.on("end", () => {
          pending.delete(token);
          latencies.push(performance.now() - begin);
          if (res.statusCode === 200) out.ok++; else out.failed++;
        });
      });
    req.on("timeout", () => { out.timeouts++; req.destroy(new Error("timeout")); });
    req.on("error", (e) => {
      if (!pending.delete(token)) return;
      latencies.push(performance.now() - begin);
      out.failed++;
      out.errors[e.code || e.message] = (out.errors[e.code || e.message] || 0) + 1;
    });
  }

  function sample() {
    let threads = 0;
    let rss = 0;
    let fds = 0;
    for (const pid of pids) {
      try { fds += readdirSync(`/proc/${pid}/fd`).length; } catch { /* gone */ }
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        threads += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] || 0);
        rss += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] || 0);
      } catch { /* gone */ }
    }
    out.samples++;
    out.peak_threads = Math.max(out.peak_threads, threads);
    out.peak_rss_kib = Math.max(out.peak_rss_kib, rss);
    out.peak_fds = Math.max(out.peak_fds, fds);
  }

  sample();
  const probeTimer = setInterval(probe, probeMs);
  const sampleTimer = setInterval(sample, sampleMs);
  process.on("SIGTERM", () => {
    clearInterval(probeTimer);
    clearInterval(sampleTimer);
    sample();
    out.unanswered = pending.size;
    latencies.sort((a, b) => a - b);
    out.p50_ms = percentile(latencies, 50);
    out.p99_ms = percentile(latencies, 99);
    out.max_ms = percentile(latencies, 100);
    console.log("result " + JSON.stringify(out));
    process.exit(0);
  });
}

if (role === "upstream" && args.length === 2) upstream(...args);
else if (role === "client" && args.length === 5) client(...args);
else if (role === "watch" && args.length === 4) watch(...args);
else {
  console.error("usage: streams.mjs upstream EVENTS INTERVAL_MS\n" +
                "       streams.mjs client URL COUNT BEARER EVENTS DEADLINE_MS\n" +
                "       streams.mjs watch HEALTH_URL PIDS PROBE_MS SAMPLE_MS");
  process.exit(2);
}
