// JSON values as SMG's parsers read and write them (serde_json with preserve_order): key order
// kept, compact output, and the value coercions the XML-style formats apply to parameter text.
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

using Json = nlohmann::ordered_json;

// The whole of `text` as one JSON value (surrounding whitespace allowed), as serde's from_str.
std::optional<Json> parse_json(std::string_view text);
// Compact text, as serde_json::to_string; invalid UTF-8 in strings is replaced, never thrown.
std::string dump_json(const Json& value);

// Rust's str::parse::<i64>() and ::<f64>() (finite only, as serde's Number::from_f64).
std::optional<long long> parse_i64(std::string_view text);
std::optional<double> parse_f64(std::string_view text);

// Parameter name → JSON-schema "type" string of the named tool's properties.
std::map<std::string, std::string> param_types(const ToolSpecs& tools, std::string_view function);
const std::string* declared_type(const std::map<std::string, std::string>& types,
                                 std::string_view key);

// helpers::coerce_by_schema_type: the value by the declared type, or nullopt to fall back.
std::optional<Json> coerce_by_schema_type(std::string_view text, const std::string* type);

// Untyped value text (GLM, Step3): JSON, then true/True/false/False/null/None, i64, f64, string.
Json infer_value(std::string_view text);

// {"name": ..., "arguments": ...} objects: the call, with arguments taken from the first key of
// `argument_keys` present (default {}). nullopt unless `name_keys` finds a string name.
std::optional<ToolCall> call_from_object(const Json& object,
                                         std::initializer_list<const char*> name_keys,
                                         std::initializer_list<const char*> argument_keys);

}  // namespace smg::parsers::internal
