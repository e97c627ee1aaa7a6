// Factories of the tool-call formats with a grammar of their own (special_formats.cpp):
// pythonic and sarashina (Python literals), cohere (actions), inkling and kimi_k3 (TML).
#pragma once

#include <memory>

#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

std::shared_ptr<const ToolCallFormat> make_pythonic_format();
std::shared_ptr<const ToolCallFormat> make_sarashina_format();
std::shared_ptr<const ToolCallFormat> make_cohere_format();
std::shared_ptr<const ToolCallFormat> make_inkling_format();
std::shared_ptr<const ToolCallFormat> make_kimi_k3_format();

}  // namespace smg::parsers::internal
