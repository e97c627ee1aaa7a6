// Factories of the reasoning formats (think_tag_reasoning.cpp, channel_reasoning.cpp).
#pragma once

#include <memory>
#include <string>

#include "common/parsers/reasoning_parser.h"

namespace smg::parsers::internal {

struct ThinkTags {
  std::string start = "<think>";
  std::string end = "</think>";
  bool always_in_reasoning = false;
};

std::shared_ptr<const ReasoningFormat> make_think_tag_format(ThinkTags tags);
std::shared_ptr<const ReasoningFormat> make_passthrough_reasoning();
// Kimi-K3's <|open|>think<|sep|> ... channels and Inkling's <|content_thinking|> blocks.
std::shared_ptr<const ReasoningFormat> make_kimi_k3_reasoning();
std::shared_ptr<const ReasoningFormat> make_inkling_reasoning();

}  // namespace smg::parsers::internal
