// Tool-call formats whose calls are JSON: json, mistral, llama (whole-output JSON) and qwen,
// deepseek, deepseek31, kimik2 (JSON inside marked blocks), plus passthrough. Each follows the
// parse_complete of SMG's crates/tool_parser/src/parsers/<name>.rs.
#include "common/parsers/internal/json_formats.h"

#include <algorithm>
#include <cctype>

#include "common/parsers/internal/block_format.h"
#include "common/parsers/internal/json_values.h"
#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {
namespace {

std::vector<ToolCall> calls_of_value(const Json& value, std::initializer_list<const char*> names,
                                     std::initializer_list<const char*> arguments) {
  std::vector<ToolCall> calls;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (auto call = call_from_object(item, names, arguments)) calls.push_back(*call);
    }
  } else if (auto call = call_from_object(value, names, arguments)) {
    calls.push_back(*call);
  }
  return calls;
}

// The first balanced {...} or [...] that is valid JSON, scanning as SMG's
// JsonParser::extract_json_from_text does (quotes toggle string state everywhere).
struct JsonSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::optional<JsonSpan> first_json(std::string_view text) {
  bool in_string = false;
  bool escape = false;
  std::string stack;
  std::size_t start = kNpos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (escape) {
      escape = false;
    } else if (c == '\\' && in_string) {
      escape = true;
    } else if (c == '"') {
      in_string = !in_string;
    } else if (in_string) {
    } else if (c == '{' || c == '[') {
      if (start == kNpos) start = i;
      stack.push_back(c);
    } else if (c == '}' || c == ']') {
      if (stack.empty()) {
        start = kNpos;
        continue;
      }
      char open = stack.back();
      stack.pop_back();
      if ((open == '{') != (c == '}')) {
        start = kNpos;
        stack.clear();
        continue;
      }
      if (!stack.empty() || start == kNpos) continue;
      if (parse_json(text.substr(start, i + 1 - start))) return JsonSpan{start, i + 1};
      start = kNpos;
    }
  }
  return std::nullopt;
}

class JsonFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    auto span = first_json(text);
    if (!span) return {std::string(text), {}};
    return split(text, *span);
  }
  ToolCallResult settled(std::string_view prefix, const ToolSpecs&) const override {
    if (auto span = first_json(prefix)) return split(prefix, *span);
    return {std::string(prefix.substr(0, std::min(prefix.find('{'), prefix.find('[')))), {}};
  }

 private:
  static ToolCallResult split(std::string_view text, JsonSpan span) {
    auto value = parse_json(text.substr(span.begin, span.end - span.begin));
    std::string normal(text.substr(0, span.begin));
    normal.append(text.substr(span.end));
    return {std::move(normal),
            calls_of_value(*value, {"name", "function"}, {"arguments", "parameters"})};
  }
};

constexpr std::string_view kMistralMarker = "[TOOL_CALLS]";
constexpr std::string_view kMistralStart = "[TOOL_CALLS] [";

class MistralFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    if (text.find(kMistralMarker) == kNpos) return {std::string(text), {}};
    return array_result(text).value_or(ToolCallResult{std::string(text), {}});
  }
  ToolCallResult settled(std::string_view prefix, const ToolSpecs&) const override {
    ToolCallResult known{std::string(text_before_marker(prefix, kMistralMarker)), {}};
    if (auto whole = array_result(prefix); whole && !whole->calls.empty()) {
      known.calls = whole->calls;
    }
    return known;
  }

 private:
  // The bracket-balanced array after "[TOOL_CALLS] [", when it is complete and valid JSON.
  static std::optional<ToolCallResult> array_result(std::string_view text) {
    std::size_t start = text.find(kMistralStart);
    if (start == kNpos) return std::nullopt;
    std::size_t json_start = start + kMistralStart.size() - 1;
    int depth = 0;
    bool in_string = false;
    bool escape = false;
    for (std::size_t i = json_start; i < text.size(); ++i) {
      char c = text[i];
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = !in_string;
      } else if (!in_string && c == '[') {
        ++depth;
      } else if (!in_string && c == ']' && --depth == 0) {
        auto value = parse_json(text.substr(json_start, i + 1 - json_start));
        if (!value) return ToolCallResult{std::string(text), {}};
        return ToolCallResult{std::string(text.substr(0, start)),
                              calls_of_value(*value, {"name"}, {"arguments"})};
      }
    }
    return std::nullopt;
  }
};

constexpr std::string_view kPythonTag = "<|python_tag|>";

class LlamaFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    std::string_view normal;
    std::string_view content;
    if (std::size_t tag = text.find(kPythonTag); tag != kNpos) {
      normal = text.substr(0, tag);
      content = text.substr(tag + kPythonTag.size());
    } else if (!trim_start(text).empty() && trim_start(text).front() == '{') {
      content = text;
    } else {
      return {std::string(text), {}};
    }
    std::vector<ToolCall> calls;
    if (content.find(';') != kNpos) {
      std::size_t from = 0;
      while (from <= content.size()) {
        std::size_t semicolon = std::min(content.find(';', from), content.size());
        add_call(trim(content.substr(from, semicolon - from)), &calls);
        from = semicolon + 1;
      }
    } else {
      add_call(trim(content), &calls);
    }
    if (calls.empty()) return {std::string(text), {}};
    return {std::string(normal), std::move(calls)};
  }
  ToolCallResult settled(std::string_view prefix, const ToolSpecs&) const override {
    bool tag_seen = false;
    std::string_view before = text_before_marker(prefix, kPythonTag, &tag_seen);
    std::string_view start = trim_start(prefix);
    if (!tag_seen && (start.empty() || start.front() == '{')) return {};
    return {std::string(before), {}};
  }

 private:
  static void add_call(std::string_view part, std::vector<ToolCall>* calls) {
    if (part.empty()) return;
    auto value = parse_json(part);
    if (!value) return;
    if (auto call = call_from_object(*value, {"name"}, {"parameters"})) calls->push_back(*call);
  }
};

class PassthroughFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    return {std::string(text), {}};
  }
  ToolCallResult settled(std::string_view prefix, const ToolSpecs&) const override {
    return {std::string(prefix), {}};
  }
};

std::vector<ToolCall> qwen_block(std::string_view, std::string_view inner, const ToolSpecs&) {
  auto value = parse_json(trim(inner));
  if (!value) return {};
  auto call = call_from_object(*value, {"name"}, {"arguments"});
  if (!call) return {};
  return {*call};
}

// DeepSeek V3/V3.1 arguments: a JSON object as it is, any other JSON value as {"value": v}.
std::optional<ToolCall> deepseek_call(std::string_view name, std::string_view arguments) {
  name = trim(name);
  if (name.empty()) return std::nullopt;
  auto value = parse_json(trim(arguments));
  if (!value) return std::nullopt;
  if (!value->is_object()) value = Json{{"value", *value}};
  return ToolCall{std::string(name), dump_json(*value)};
}

constexpr std::string_view kDeepSeekSep = "<｜tool▁sep｜>";

// <｜tool▁call▁begin｜>TYPE<｜tool▁sep｜>NAME\n```json\nARGS\n```<｜tool▁call▁end｜>
std::vector<ToolCall> deepseek_v3_block(std::string_view, std::string_view inner,
                                        const ToolSpecs&) {
  constexpr std::string_view kFence = "\n```json\n";
  constexpr std::string_view kClose = "\n```";
  std::size_t sep = inner.find(kDeepSeekSep);
  if (sep == kNpos || inner.substr(0, sep) != "function") return {};
  std::string_view rest = inner.substr(sep + kDeepSeekSep.size());
  std::size_t fence = rest.find(kFence);
  if (fence == kNpos || rest.size() < fence + kFence.size() + kClose.size() ||
      rest.substr(rest.size() - kClose.size()) != kClose) {
    return {};
  }
  std::size_t args_at = fence + kFence.size();
  auto call = deepseek_call(rest.substr(0, fence),
                            rest.substr(args_at, rest.size() - kClose.size() - args_at));
  if (!call) return {};
  return {*call};
}

std::vector<ToolCall> deepseek_v31_block(std::string_view, std::string_view inner,
                                         const ToolSpecs&) {
  std::size_t sep = inner.find(kDeepSeekSep);
  if (sep == kNpos) return {};
  auto call = deepseek_call(inner.substr(0, sep), inner.substr(sep + kDeepSeekSep.size()));
  if (!call) return {};
  return {*call};
}

constexpr std::string_view kKimiCallBegin = "<|tool_call_begin|>";
constexpr std::string_view kKimiArgBegin = "<|tool_call_argument_begin|>";
constexpr std::string_view kKimiCallEnd = "<|tool_call_end|>";

bool is_word_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) != 0 || c == '_' || byte >= 0x80;
}

std::size_t skip_space(std::string_view text, std::size_t at) {
  return text.size() - trim_start(text.substr(at)).size();
}

// SMG's regex <|tool_call_begin|>\s*([\w.]+:\d+)\s*<|tool_call_argument_begin|>\s*(\{.*?\})\s*
// <|tool_call_end|> tried at `at`; inner = the id, then the arguments, separated by a NUL.
struct KimiMatch {
  std::string_view id;
  std::string_view arguments;
  std::size_t end = 0;
};
std::optional<KimiMatch> kimi_match_at(std::string_view text, std::size_t at) {
  std::size_t id_at = skip_space(text, at + kKimiCallBegin.size());
  std::size_t pos = id_at;
  while (pos < text.size() && (is_word_byte(text[pos]) || text[pos] == '.')) ++pos;
  if (pos == id_at || pos >= text.size() || text[pos] != ':') return std::nullopt;
  std::size_t digits = ++pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) ++pos;
  if (pos == digits) return std::nullopt;
  std::string_view id = text.substr(id_at, pos - id_at);
  pos = skip_space(text, pos);
  if (text.substr(pos, kKimiArgBegin.size()) != kKimiArgBegin) return std::nullopt;
  std::size_t args_at = skip_space(text, pos + kKimiArgBegin.size());
  if (args_at >= text.size() || text[args_at] != '{') return std::nullopt;
  // The lazy (\{.*?\})\s*<|tool_call_end|>: the first end marker preceded (past spaces) by a
  // brace closes the arguments.
  for (std::size_t end_at = text.find(kKimiCallEnd, args_at); end_at != kNpos;
       end_at = text.find(kKimiCallEnd, end_at + 1)) {
    std::string_view before = trim_end(text.substr(args_at, end_at - args_at));
    if (before.size() >= 2 && before.back() == '}') {
      return KimiMatch{id, before, end_at + kKimiCallEnd.size()};
    }
  }
  return std::nullopt;
}

std::optional<Block> kimi_find_next(std::string_view text, std::size_t from) {
  for (std::size_t at = text.find(kKimiCallBegin, from); at != kNpos;
       at = text.find(kKimiCallBegin, at + 1)) {
    if (auto match = kimi_match_at(text, at)) return Block{at, at, match->end, match->end};
  }
  return std::nullopt;
}

std::vector<ToolCall> kimi_block(std::string_view block, std::string_view, const ToolSpecs&) {
  auto match = kimi_match_at(block, 0);
  if (!match || !parse_json(match->arguments)) return {};
  std::string_view id = match->id;
  std::size_t colon = id.rfind(':');
  std::string_view name = id.substr(0, colon);
  if (name.substr(0, 10) == "functions." && name.size() > 10) name.remove_prefix(10);
  std::string_view index = id.substr(colon + 1);
  index.remove_prefix(std::min(index.size() - 1, index.find_first_not_of('0')));
  if (index.size() > 20 || (index.size() == 20 && index > "18446744073709551615")) {
    return {};  // SMG's usize parse of the index fails
  }
  return {ToolCall{std::string(name), std::string(match->arguments)}};
}

}  // namespace

std::shared_ptr<const ToolCallFormat> make_json_format() { return std::make_shared<JsonFormat>(); }
std::shared_ptr<const ToolCallFormat> make_mistral_format() {
  return std::make_shared<MistralFormat>();
}
std::shared_ptr<const ToolCallFormat> make_llama_format() {
  return std::make_shared<LlamaFormat>();
}
std::shared_ptr<const ToolCallFormat> make_passthrough_format() {
  return std::make_shared<PassthroughFormat>();
}

std::shared_ptr<const ToolCallFormat> make_qwen_format() {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<tool_call>",
      .open = "<tool_call>\n",
      .close = "\n</tool_call>",
      .parse_block = qwen_block,
  });
}

std::shared_ptr<const ToolCallFormat> make_deepseek_format(bool v31) {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<｜tool▁calls▁begin｜>",
      .open = "<｜tool▁call▁begin｜>",
      .close = "<｜tool▁call▁end｜>",
      .parse_block = v31 ? deepseek_v31_block : deepseek_v3_block,
  });
}

std::shared_ptr<const ToolCallFormat> make_kimik2_format() {
  return std::make_shared<BlockFormat>(BlockFormatSpec{
      .section_marker = "<|tool_calls_section_begin|>",
      .parse_block = kimi_block,
      .find_next = kimi_find_next,
  });
}

}  // namespace smg::parsers::internal
