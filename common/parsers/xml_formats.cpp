// XML-style tool-call formats: qwen_xml (= qwen_coder, nemotron), glm45_moe, glm47_moe, step3,
// minimax_m2 and DeepSeek's DSML (deepseek32, deepseek_v4), after SMG's parsers of those names.
// Parameter values are coerced by the declared schema type first (PR #1841), then guessed.
#include "common/parsers/internal/xml_formats.h"

#include "common/parsers/internal/block_format.h"
#include "common/parsers/internal/json_values.h"
#include "common/parsers/internal/text_scan.h"
#include "common/parsers/internal/xml_scan.h"

namespace smg::parsers::internal {
namespace {

ToolCall call_of(std::string_view name, const Json& arguments) {
  return ToolCall{std::string(name), dump_json(arguments)};
}

// qwen_xml's safe_val: JSON, then Python's True/False/None, else the trimmed text.
Json safe_value(std::string_view raw) {
  std::string_view trimmed = trim(raw);
  if (auto value = parse_json(trimmed)) return *value;
  if (trimmed == "True") return true;
  if (trimmed == "False") return false;
  if (trimmed == "None") return nullptr;
  return std::string(trimmed);
}

// <parameter=KEY> with KEY = [^>]+
std::optional<std::size_t> qwen_parameter_head(std::string_view text, std::size_t at,
                                               std::vector<std::string_view>* attributes) {
  std::size_t close = text.find('>', at);
  if (close == kNpos || close == at) return std::nullopt;
  attributes->push_back(text.substr(at, close - at));
  return close + 1;
}

std::vector<ToolCall> qwen_xml_block(std::string_view, std::string_view inner,
                                     const ToolSpecs& tools) {
  std::string_view content = trim(inner);
  std::vector<std::string_view> function;
  std::size_t at = content.find("<function=");
  while (at != kNpos && !qwen_parameter_head(content, at + 10, &function)) {
    at = content.find("<function=", at + 1);
  }
  if (function.empty()) return {};
  std::string_view name = trim(function.front());
  if (name.empty()) return {};
  auto types = param_types(tools, name);
  Json arguments = Json::object();
  for (const auto& parameter :
       all_elements(content, "<parameter=", qwen_parameter_head, "</parameter>")) {
    std::string key(trim(parameter.attributes.front()));
    auto coerced = coerce_by_schema_type(trim(parameter.body), declared_type(types, key));
    arguments[key] = coerced ? *coerced : safe_value(parameter.body);
  }
  return {call_of(name, arguments)};
}

// <arg_key>K</arg_key>\s*<arg_value>V</arg_value>, the key as lazy as the regex makes it.
Json glm_arguments(std::string_view text, const std::map<std::string, std::string>& types) {
  constexpr std::string_view kKey = "<arg_key>", kKeyEnd = "</arg_key>";
  constexpr std::string_view kValue = "<arg_value>", kValueEnd = "</arg_value>";
  Json arguments = Json::object();
  std::size_t from = 0;
  for (std::size_t at = text.find(kKey, from); at != kNpos; at = text.find(kKey, from)) {
    std::size_t key_at = at + kKey.size();
    bool matched = false;
    for (std::size_t key_end = text.find(kKeyEnd, key_at); key_end != kNpos && !matched;
         key_end = text.find(kKeyEnd, key_end + 1)) {
      auto value_at = read_literal(text, *read_spaces(text, key_end + kKeyEnd.size(), false),
                                   kValue);
      std::size_t value_end = value_at ? text.find(kValueEnd, *value_at) : kNpos;
      if (value_end == kNpos) continue;
      std::string key(trim(text.substr(key_at, key_end - key_at)));
      std::string_view value = trim(text.substr(*value_at, value_end - *value_at));
      auto coerced = coerce_by_schema_type(value, declared_type(types, key));
      arguments[key] = coerced ? *coerced : infer_value(value);
      from = value_end + kValueEnd.size();
      matched = true;
    }
    if (!matched) from = at + 1;
  }
  return arguments;
}

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::vector<ToolCall> glm_block(bool glm47, std::string_view inner, const ToolSpecs& tools) {
  std::string_view name;
  std::string_view args;
  if (glm47) {  // <tool_call>\s*([^<\s]+)\s*(.*?)</tool_call>
    std::string_view rest = trim_start(inner);
    std::size_t length = 0;
    while (length < rest.size() && rest[length] != '<' && !is_ascii_space(rest[length])) {
      ++length;
    }
    if (length == 0) return {};
    name = rest.substr(0, length);
    args = trim_start(rest.substr(length));
  } else {  // <tool_call>([^\n]*)\n(.*)</tool_call>
    std::size_t newline = inner.find('\n');
    if (newline == kNpos) return {};
    name = inner.substr(0, newline);
    args = inner.substr(newline + 1);
  }
  name = trim(name);
  return {call_of(name, glm_arguments(args, param_types(tools, name)))};
}

std::optional<std::size_t> step3_invoke_head(std::string_view text, std::size_t at,
                                             std::vector<std::string_view>* attributes) {
  std::string_view name;
  auto pos = read_attribute(text, at, "name", &name);
  if (pos) pos = read_literal(text, *pos, ">");
  if (pos) attributes->push_back(name);
  return pos;
}

std::vector<ToolCall> step3_block(std::string_view block, std::string_view, const ToolSpecs&) {
  constexpr std::string_view kSep = "<｜tool_sep｜>";
  std::size_t sep = block.find(kSep);
  if (block.find("function") == kNpos || sep == kNpos ||
      block.find(kSep, sep + kSep.size()) != kNpos ||
      block.substr(0, sep).find("function") == kNpos) {
    return {};
  }
  std::string_view invoke_part = block.substr(sep + kSep.size());
  auto invoke = find_element(invoke_part, 0, "<steptml:invoke ", step3_invoke_head,
                             "</steptml:invoke>", 1);
  if (!invoke) return {};
  std::string_view name = trim(invoke->attributes.front());
  if (name.empty()) return {};
  Json arguments = Json::object();
  for (const auto& parameter : all_elements(invoke->body, "<steptml:parameter ",
                                            step3_invoke_head, "</steptml:parameter>", 1)) {
    arguments[std::string(trim(parameter.attributes.front()))] =
        infer_value(trim(parameter.body));
  }
  return {call_of(name, arguments)};
}

// <TAG\s+name="([^"]+)">
std::optional<std::size_t> minimax_head(std::string_view text, std::size_t at,
                                        std::vector<std::string_view>* attributes) {
  std::string_view name;
  auto pos = read_spaces(text, at, true);
  if (pos) pos = read_attribute(text, *pos, "name", &name);
  if (pos) pos = read_literal(text, *pos, ">");
  if (pos) attributes->push_back(name);
  return pos;
}

std::string decode_xml_entities(std::string_view text) {
  std::string out = replace_all(text, "&lt;", "<");
  out = replace_all(out, "&gt;", ">");
  out = replace_all(out, "&amp;", "&");
  out = replace_all(out, "&quot;", "\"");
  return replace_all(out, "&apos;", "'");
}

// MinimaxM2Parser::parse_value: Python/JSON words, i64, f64, else the text as it is.
Json minimax_value(std::string_view text) {
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text == "null" || text == "None") return nullptr;
  if (auto number = parse_i64(text)) return *number;
  if (auto number = parse_f64(text)) return *number;
  return std::string(text);
}

std::vector<ToolCall> minimax_block(std::string_view block, std::string_view,
                                    const ToolSpecs& tools) {
  std::vector<ToolCall> calls;
  for (const auto& invoke : all_elements(block, "<invoke", minimax_head, "</invoke>")) {
    std::string_view name = trim(invoke.attributes.front());
    auto types = param_types(tools, name);
    Json arguments = Json::object();
    for (const auto& parameter :
         all_elements(invoke.body, "<parameter", minimax_head, "</parameter>")) {
      std::string key(trim(parameter.attributes.front()));
      std::string value = decode_xml_entities(parameter.body);
      auto coerced = coerce_by_schema_type(value, declared_type(types, key));
      arguments[key] = coerced ? *coerced : minimax_value(value);
    }
    calls.push_back(call_of(name, arguments));
  }
  return calls;
}

constexpr std::string_view kDsmlEos = "<｜end▁of▁sentence｜>";

// <｜DSML｜invoke\s+name="([^"]+)"\s*>
std::optional<std::size_t> dsml_invoke_head(std::string_view text, std::size_t at,
                                            std::vector<std::string_view>* attributes) {
  std::string_view name;
  auto pos = read_spaces(text, at, true);
  if (pos) pos = read_attribute(text, *pos, "name", &name);
  if (pos) pos = read_spaces(text, *pos, false);
  if (pos) pos = read_literal(text, *pos, ">");
  if (pos) attributes->push_back(name);
  return pos;
}

// <｜DSML｜parameter\s+name="([^"]+)"\s+string="(true|false)"\s*>
std::optional<std::size_t> dsml_parameter_head(std::string_view text, std::size_t at,
                                               std::vector<std::string_view>* attributes) {
  std::string_view name;
  std::string_view is_string;
  auto pos = read_spaces(text, at, true);
  if (pos) pos = read_attribute(text, *pos, "name", &name);
  if (pos) pos = read_spaces(text, *pos, true);
  if (pos) pos = read_attribute(text, *pos, "string", &is_string);
  if (pos && is_string != "true" && is_string != "false") pos.reset();
  if (pos) pos = read_spaces(text, *pos, false);
  if (pos) pos = read_literal(text, *pos, ">");
  if (pos) {
    attributes->push_back(name);
    attributes->push_back(is_string);
  }
  return pos;
}

std::string dsml_arguments(std::string_view content) {
  std::string_view trimmed = trim(content);
  if (!trimmed.empty() && trimmed.front() == '{' && trimmed.back() == '}') {
    return std::string(trimmed);
  }
  Json arguments = Json::object();
  for (const auto& parameter : all_elements(content, "<｜DSML｜parameter", dsml_parameter_head,
                                            "</｜DSML｜parameter>")) {
    std::string value = replace_all(parameter.body, kDsmlEos, "");
    Json parsed;
    if (parameter.attributes[1] == "true") {
      parsed = value;
    } else {
      auto json = parse_json(trim(value));
      parsed = json ? *json : Json(value);
    }
    arguments[std::string(parameter.attributes[0])] = parsed;
  }
  return dump_json(arguments);
}

std::vector<ToolCall> dsml_block(std::string_view, std::string_view inner, const ToolSpecs&) {
  std::vector<ToolCall> calls;
  for (const auto& invoke :
       all_elements(inner, "<｜DSML｜invoke", dsml_invoke_head, "</｜DSML｜invoke>")) {
    calls.push_back(
        ToolCall{std::string(trim(invoke.attributes.front())), dsml_arguments(invoke.body)});
  }
  return calls;
}

}  // namespace

std::shared_ptr<const ToolCallFormat> make_qwen_xml_format() {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<tool_call>",
      .open = "<tool_call>",
      .close = "</tool_call>",
      .parse_block = qwen_xml_block,
  });
}

std::shared_ptr<const ToolCallFormat> make_glm_format(bool glm47) {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<tool_call>",
      .open = "<tool_call>",
      .close = "</tool_call>",
      .parse_block = [glm47](std::string_view, std::string_view inner,
                             const ToolSpecs& tools) { return glm_block(glm47, inner, tools); },
  });
}

std::shared_ptr<const ToolCallFormat> make_step3_format() {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<｜tool_calls_begin｜>",
      .open = "<｜tool_call_begin｜>",
      .close = "<｜tool_call_end｜>",
      .parse_block = step3_block,
  });
}

std::shared_ptr<const ToolCallFormat> make_minimax_m2_format() {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<minimax:tool_call>",
      .open = "<minimax:tool_call>",
      .close = "</minimax:tool_call>",
      .parse_block = minimax_block,
      .normal_until_first_call = true,
  });
}

std::shared_ptr<const ToolCallFormat> make_dsml_format(const std::string& block_name) {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<｜DSML｜" + block_name + ">",
      .open = "<｜DSML｜" + block_name + ">",
      .close = "</｜DSML｜" + block_name + ">",
      .parse_block = dsml_block,
      .trim_normal_end = true,
      .all_text_without_calls = false,
  });
}

}  // namespace smg::parsers::internal
