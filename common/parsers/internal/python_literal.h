// The Python expressions SMG's pythonic and sarashina parsers accept (they parse with a Python
// AST and convert): literals (str, bytes, int, float, True/False/None), lists, tuples, dicts,
// unary +/- on numbers, bare names (as strings), and for pythonic a list of keyword-only calls.
// Anything else - and anything Python would not parse - is nullopt. Nesting deeper than
// kMaxPythonDepth is refused rather than recursed into.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/parsers/internal/json_values.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

inline constexpr int kMaxPythonDepth = 100;

// One expression as JSON (sarashina's expression_to_json of the parsed payload).
std::optional<Json> python_value(std::string_view source);
// `[f(a=1), g()]` as calls (pythonic's parse_tool_call_block).
std::optional<std::vector<ToolCall>> python_calls(std::string_view source);

}  // namespace smg::parsers::internal
