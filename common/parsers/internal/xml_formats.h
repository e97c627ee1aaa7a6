// Factories of the XML-style tool-call formats (xml_formats.cpp). Their parameter values are
// text, turned into JSON by the tool's JSON-schema type where SMG does so (PR #1841).
#pragma once

#include <memory>
#include <string>

#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

std::shared_ptr<const ToolCallFormat> make_qwen_xml_format();
std::shared_ptr<const ToolCallFormat> make_glm_format(bool glm47);
std::shared_ptr<const ToolCallFormat> make_step3_format();
std::shared_ptr<const ToolCallFormat> make_minimax_m2_format();
// DeepSeek V3.2 ("function_calls") and V4 ("tool_calls") DSML.
std::shared_ptr<const ToolCallFormat> make_dsml_format(const std::string& block_name);

}  // namespace smg::parsers::internal
