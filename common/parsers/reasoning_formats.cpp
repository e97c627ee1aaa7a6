// The reasoning parser names of SMG's crates/reasoning_parser/src/factory.rs and their formats.
#include <algorithm>
#include <functional>
#include <map>

#include "common/parsers/internal/reasoning_formats.h"
#include "common/parsers/reasoning_parser.h"

namespace smg::parsers {
namespace {

using internal::ThinkTags;
using Factory = std::function<std::shared_ptr<const ReasoningFormat>()>;

Factory think(bool always_in_reasoning, std::string start = "<think>",
              std::string end = "</think>") {
  return [=] {
    return internal::make_think_tag_format(ThinkTags{start, end, always_in_reasoning});
  };
}

const std::map<std::string, Factory, std::less<>>& factories() {
  static const auto* table = new std::map<std::string, Factory, std::less<>>{
      {"base", think(false)},
      {"passthrough", internal::make_passthrough_reasoning},
      {"deepseek_r1", think(true)},
      {"qwen3", think(false)},
      {"qwen3_thinking", think(true)},
      {"kimi", think(false, "◁think▷", "◁/think▷")},
      {"glm45", think(false)},
      {"step3", think(true)},
      {"minimax", think(true)},
      {"cohere_cmd", think(false, "<|START_THINKING|>", "<|END_THINKING|>")},
      {"nano_v3", think(false)},
      {"inkling", internal::make_inkling_reasoning},
      {"deepseek_v31", think(false)},
      // SMG arms deepseek_v4 with mark_reasoning_started when the request asks for thinking;
      // /parse/reasoning never does, so it reads as the default config.
      {"deepseek_v4", think(false)},
      {"kimi_k25", think(false)},
      {"kimi_thinking", think(true)},
      {"kimi_k3", internal::make_kimi_k3_reasoning},
  };
  return *table;
}

}  // namespace

const std::vector<std::string>& reasoning_format_names() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>();
    for (const auto& entry : factories()) list->push_back(entry.first);
    return list;
  }();
  return *names;
}

std::shared_ptr<const ReasoningFormat> make_reasoning_format(std::string_view name) {
  auto found = factories().find(name);
  if (found == factories().end()) return nullptr;
  return found->second();
}

}  // namespace smg::parsers
