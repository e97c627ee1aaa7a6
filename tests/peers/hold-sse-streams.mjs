// Holds many concurrent SSE streams on one node thread (no thread per stream on the test side).
//   node hold-sse-streams.mjs URL COUNT BEARER_KEY CHUNKS DELAY_MS
// POSTs a streaming chat completion COUNT times at once to URL (the gateway's
// /v1/chat/completions) with x-dev-chunks / x-dev-delay-ms so each stream lasts CHUNKS*DELAY_MS.
// Prints "streams open N" once every stream has its response head and a first event, then one
// line "result {json}" when all have ended: {count, done, statuses, errors, first_event_ms_max,
// duration_ms_min, duration_ms_max}. `done` counts streams whose body ended with "data: [DONE]".
import http from "node:http";

const [url, countText, key, chunks, delayMs] = process.argv.slice(2);
const count = Number(countText);
if (!url || !count || !key) {
  console.error("usage: hold-sse-streams.mjs URL COUNT BEARER_KEY CHUNKS DELAY_MS");
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const body = JSON.stringify({
  model: "smg-dev-echo",
  stream: true,
  messages: [{ role: "user", content: "hold this stream open" }],
});
const started = Date.now();
const outcome = { count, done: 0, statuses: {}, errors: [], first_event_ms_max: 0,
                  duration_ms_min: Infinity, duration_ms_max: 0 };
let open = 0;
let ended = 0;

function finish() {
  if (++ended === count) {
    console.log("result " + JSON.stringify(outcome));
    process.exit(0);
  }
}

function startStream() {
  const begin = Date.now();
  let settled = false;
  const settle = () => { if (!settled) { settled = true; finish(); } };
  const req = http.request(url, {
    method: "POST", agent,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`,
               "x-dev-chunks": chunks, "x-dev-delay-ms": delayMs },
  }, (res) => {
    outcome.statuses[res.statusCode] = (outcome.statuses[res.statusCode] || 0) + 1;
    let text = "";
    let first = true;
    res.setEncoding("utf8");
    res.on("data", (part) => {
      text += part;
      if (first) {
        first = false;
        outcome.first_event_ms_max = Math.max(outcome.first_event_ms_max, Date.now() - begin);
        if (++open === count) console.log(`streams open ${open}`);
      }
    });
    res.on("end", () => {
      if (text.trimEnd().endsWith("data: [DONE]")) outcome.done++;
      const took = Date.now() - begin;
      outcome.duration_ms_min = Math.min(outcome.duration_ms_min, took);
      outcome.duration_ms_max = Math.max(outcome.duration_ms_max, took);
      settle();
    });
    res.on("error", (e) => { outcome.errors.push(String(e.message)); settle(); });
  });
  req.on("error", (e) => { outcome.errors.push(String(e.message)); settle(); });
  req.end(body);
}

for (let i = 0; i < count; i++) startStream();
// Never hang the test: report whatever is known after the deadline.
setTimeout(() => {
  outcome.errors.push(`deadline: ${count - ended} streams still open after ${Date.now() - started} ms`);
  console.log("result " + JSON.stringify(outcome));
  process.exit(1);
}, 50000).unref();
