// Factories of the JSON-family tool-call formats (json_formats.cpp).
#pragma once

#include <memory>

#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

std::shared_ptr<const ToolCallFormat> make_json_format();
std::shared_ptr<const ToolCallFormat> make_mistral_format();
std::shared_ptr<const ToolCallFormat> make_llama_format();
std::shared_ptr<const ToolCallFormat> make_passthrough_format();
std::shared_ptr<const ToolCallFormat> make_qwen_format();
std::shared_ptr<const ToolCallFormat> make_deepseek_format(bool v31);
std::shared_ptr<const ToolCallFormat> make_kimik2_format();

}  // namespace smg::parsers::internal
