#include "common/parsers/internal/json_values.h"

#include <charconv>
#include <cmath>

#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {

std::optional<Json> parse_json(std::string_view text) {
  Json value = Json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<long long> parse_i64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_f64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  for (char c : text) {  // from_chars also reads "inf"/"nan", which are not finite anyway
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
    if (!ok) return std::nullopt;
  }
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::map<std::string, std::string> param_types(const ToolSpecs& tools,
                                               std::string_view function) {
  std::map<std::string, std::string> types;
  for (const auto& tool : tools) {
    if (tool.name != function) continue;
    if (!tool.parameters.is_object()) return types;
    auto properties = tool.parameters.find("properties");
    if (properties == tool.parameters.end() || !properties->is_object()) return types;
    for (const auto& [key, schema] : properties->items()) {
      if (!schema.is_object()) continue;
      auto type = schema.find("type");
      if (type != schema.end() && type->is_string()) types[key] = type->get<std::string>();
    }
    return types;
  }
  return types;
}

const std::string* declared_type(const std::map<std::string, std::string>& types,
                                 std::string_view key) {
  auto found = types.find(std::string(key));
  return found == types.end() ? nullptr : &found->second;
}

std::optional<Json> coerce_by_schema_type(std::string_view text, const std::string* type) {
  if (type == nullptr) return std::nullopt;
  if (*type == "string") {
    auto quoted = parse_json(text);
    if (quoted && quoted->is_string()) return *quoted;
    return Json(std::string(text));
  }
  if (*type == "integer") {
    auto number = parse_i64(trim(text));
    if (number) return Json(*number);
    return std::nullopt;
  }
  if (*type == "number") {
    auto number = parse_json(trim(text));
    if (number && number->is_number()) return number;
    return std::nullopt;
  }
  if (*type == "boolean") {
    std::string_view word = trim(text);
    if (word == "true" || word == "True") return Json(true);
    if (word == "false" || word == "False") return Json(false);
    return std::nullopt;
  }
  if (*type == "object" || *type == "array") return parse_json(text);
  return std::nullopt;
}

Json infer_value(std::string_view text) {
  if (auto value = parse_json(text)) return *value;
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text == "null" || text == "None") return nullptr;
  if (auto number = parse_i64(text)) return *number;
  if (auto number = parse_f64(text)) return *number;
  return std::string(text);
}

std::optional<ToolCall> call_from_object(const Json& object,
                                         std::initializer_list<const char*> name_keys,
                                         std::initializer_list<const char*> argument_keys) {
  if (!object.is_object()) return std::nullopt;
  const Json* name = nullptr;
  for (const char* key : name_keys) {
    auto found = object.find(key);
    if (found != object.end()) {
      name = &*found;
      break;
    }
  }
  if (name == nullptr || !name->is_string()) return std::nullopt;
  std::string arguments = "{}";
  for (const char* key : argument_keys) {
    auto found = object.find(key);
    if (found != object.end()) {
      arguments = dump_json(*found);
      break;
    }
  }
  return ToolCall{name->get<std::string>(), std::move(arguments)};
}

}  // namespace smg::parsers::internal
