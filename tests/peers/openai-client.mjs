// Drives an OpenAI-compatible base URL with the official `openai` npm client, the way real
// applications do: chat (plain and streamed), completions, embeddings, models.list and models.retrieve.
// Usage: node openai-client.mjs <base_url ending in /v1> <api_key> <model>
// Prints one JSON object with what each call returned; exits 1 (message on stderr) on any error.
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
if (!baseURL || !apiKey || !model) {
  console.error("usage: node openai-client.mjs <base_url> <api_key> <model>");
  process.exit(2);
}
const client = new OpenAI({ baseURL, apiKey, timeout: 20000, maxRetries: 0 });

async function chat() {
  const r = await client.chat.completions.create({
    model, messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello from node" }],
  });
  return { id: r.id, object: r.object, model: r.model, content: r.choices[0].message.content,
           finish_reason: r.choices[0].finish_reason, usage: r.usage };
}

async function chatStream() {
  const stream = await client.chat.completions.create({
    model, stream: true, stream_options: { include_usage: true },
    messages: [{ role: "user", content: "stream these four words" }],
  });
  let text = "", chunks = 0, finish_reason = null, usage = null;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? "";
    finish_reason = chunk.choices[0]?.finish_reason ?? finish_reason;
    usage = chunk.usage ?? usage;
  }
  return { text, chunks, finish_reason, usage };
}

async function completion() {
  const r = await client.completions.create({ model, prompt: "say it back", max_tokens: 3 });
  return { object: r.object, text: r.choices[0].text, finish_reason: r.choices[0].finish_reason,
           usage: r.usage };
}

async function embeddings() {
  // The SDK asks for base64 by default and decodes it: this checks our encoding too.
  const r = await client.embeddings.create({ model, input: ["alpha", "beta"] });
  return { count: r.data.length, dimension: r.data[0].embedding.length,
           first: r.data[0].embedding, norm: Math.hypot(...r.data[0].embedding), usage: r.usage };
}

async function models() {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  const retrieved = await client.models.retrieve(model);
  let missing = null;
  try {
    await client.models.retrieve("no-such-model");
  } catch (err) {
    missing = { status: err.status, code: err.code ?? null };
  }
  return { ids, retrieved: { id: retrieved.id, object: retrieved.object }, missing };
}

try {
  const out = { chat: await chat(), chat_stream: await chatStream(), completion: await completion(),
                embeddings: await embeddings(), models: await models() };
  console.log(JSON.stringify(out));
} catch (err) {
  console.error(`openai-client: ${err?.status ?? ""} ${err?.message ?? err}`);
  process.exit(1);
}
