// Tool-call and reasoning parser throughput: whole-text parse and streamed in 4-byte chunks (the
// size of a typical decoded token), on outputs of a few KiB with text and two calls.
#include <benchmark/benchmark.h>

#include <string>

#include "common/parsers/reasoning_parser.h"
#include "common/parsers/tool_call_parser.h"

namespace {

using namespace smg::parsers;

std::string prose(std::size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += "The weather in Paris is mild today, around 18 degrees. ";
  return text;
}

std::string output_for(const std::string& parser) {
  std::string call;
  if (parser == "qwen") {
    call = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", "
           "\"days\": 3}}\n</tool_call>";
  } else if (parser == "qwen_xml") {
    call = "<tool_call>\n<function=get_weather>\n<parameter=city>Paris</parameter>\n"
           "<parameter=days>3</parameter>\n</function>\n</tool_call>";
  } else if (parser == "pythonic") {
    call = "[get_weather(city='Paris', days=3)]";
  } else {  // json
    call = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 3}}";
  }
  return prose(4096) + call + (parser == "qwen" || parser == "qwen_xml" ? "\n" + call : "");
}

const ToolSpecs& tools() {
  static const ToolSpecs specs = *tool_specs_from_json(nlohmann::json::parse(
      R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
          "properties":{"city":{"type":"string"},"days":{"type":"integer"}}}}}])"));
  return specs;
}

void BM_ToolCallWhole(benchmark::State& state, const std::string& parser) {
  auto format = make_tool_call_format(parser);
  std::string text = output_for(parser);
  for (auto _ : state) benchmark::DoNotOptimize(format->parse(text, tools()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ToolCallStream(benchmark::State& state, const std::string& parser) {
  auto format = make_tool_call_format(parser);
  std::string text = output_for(parser);
  for (auto _ : state) {
    ToolCallStream stream(format, tools());
    for (std::size_t at = 0; at < text.size(); at += 4) {
      benchmark::DoNotOptimize(stream.feed(std::string_view(text).substr(at, 4)));
    }
    benchmark::DoNotOptimize(stream.finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ReasoningStream(benchmark::State& state) {
  auto format = make_reasoning_format("deepseek_r1");
  std::string text = prose(4096) + "</think>" + prose(1024);
  for (auto _ : state) {
    ReasoningStream stream(format);
    for (std::size_t at = 0; at < text.size(); at += 4) {
      benchmark::DoNotOptimize(stream.feed(std::string_view(text).substr(at, 4)));
    }
    benchmark::DoNotOptimize(stream.finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_ToolCallWhole, json, std::string("json"));
BENCHMARK_CAPTURE(BM_ToolCallWhole, qwen, std::string("qwen"));
BENCHMARK_CAPTURE(BM_ToolCallWhole, qwen_xml, std::string("qwen_xml"));
BENCHMARK_CAPTURE(BM_ToolCallWhole, pythonic, std::string("pythonic"));
BENCHMARK_CAPTURE(BM_ToolCallStream, json, std::string("json"));
BENCHMARK_CAPTURE(BM_ToolCallStream, qwen, std::string("qwen"));
BENCHMARK_CAPTURE(BM_ToolCallStream, qwen_xml, std::string("qwen_xml"));
BENCHMARK_CAPTURE(BM_ToolCallStream, pythonic, std::string("pythonic"));
BENCHMARK(BM_ReasoningStream);
BENCHMARK_MAIN();
