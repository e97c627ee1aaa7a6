// Golden parser cases from tests/data/parsers (SMG's own parser tests turned into data) and the
// helpers that stream an input in chunks and add the deltas back up.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/parsers/reasoning_parser.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::testing {

using OrderedJson = nlohmann::ordered_json;

// Every case of every *.json file under tests/data/parsers/<kind>, in file order.
inline std::vector<OrderedJson> golden_cases(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SMG_TEST_DATA_DIR) + "/parsers/" + kind)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<OrderedJson> cases;
  for (const auto& file : files) {
    std::ifstream in(file);
    OrderedJson document = OrderedJson::parse(in);
    for (auto& item : document["cases"]) cases.push_back(std::move(item));
  }
  return cases;
}

// Cut points for the splitting tests: every byte, or for inputs over 1 KiB about 128 of them.
inline std::vector<std::size_t> cut_points(std::size_t size) {
  std::size_t stride = size > 1024 ? size / 128 + 1 : 1;
  std::vector<std::size_t> cuts;
  for (std::size_t at = 0; at <= size; at += stride) cuts.push_back(at);
  if (cuts.back() != size) cuts.push_back(size);
  return cuts;
}

// One UTF-8 character per chunk.
inline std::vector<std::string> characters(const std::string& text) {
  std::vector<std::string> chunks;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = 1;
    while (at + length < text.size() &&
           (static_cast<unsigned char>(text[at + length]) & 0xC0) == 0x80) {
      ++length;
    }
    chunks.push_back(text.substr(at, length));
    at += length;
  }
  return chunks;
}

// The result a stream's deltas add up to; `error` holds the first failure's reason.
inline ToolCallResult stream_tool_calls(const std::shared_ptr<const ToolCallFormat>& format,
                                        const ToolSpecs& tools,
                                        const std::vector<std::string>& chunks,
                                        std::string* error) {
  ToolCallStream stream(format, tools);
  ToolCallResult sum;
  auto add = [&](const Result<ToolCallDeltas>& deltas) {
    if (!deltas.ok()) {
      if (error->empty()) *error = deltas.status().reason();
      return;
    }
    sum.remaining_text += deltas->normal_text;
    for (const auto& delta : deltas->calls) {
      if (delta.index == sum.calls.size()) {
        sum.calls.push_back({delta.name, ""});
      } else if (delta.index > sum.calls.size() || !delta.name.empty()) {
        if (error->empty()) *error = "delta_out_of_order";
        continue;
      }
      sum.calls[delta.index].arguments += delta.arguments;
    }
  };
  for (const auto& chunk : chunks) add(stream.feed(chunk));
  add(stream.finish());
  return sum;
}

inline ReasoningResult stream_reasoning(const std::shared_ptr<const ReasoningFormat>& format,
                                        const std::vector<std::string>& chunks,
                                        std::string* error) {
  ReasoningStream stream(format);
  ReasoningResult sum;
  auto add = [&](const Result<ReasoningResult>& delta) {
    if (!delta.ok()) {
      if (error->empty()) *error = delta.status().reason();
      return;
    }
    sum.normal_text += delta->normal_text;
    sum.reasoning_text += delta->reasoning_text;
  };
  for (const auto& chunk : chunks) add(stream.feed(chunk));
  add(stream.finish());
  return sum;
}

}  // namespace smg::parsers::testing
