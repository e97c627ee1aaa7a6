// Tool-call formats with grammars of their own, after SMG's parsers of the same names:
// pythonic ([f(a=1), g()]), sarashina (<|tool_calls|> + a Python list of dicts), cohere
// (<|START_ACTION|>json<|END_ACTION|>), inkling (TML <|content_invoke_tool_json|>) and kimi_k3
// (XTML <|open|>tools<|sep|> sections).
#include "common/parsers/internal/special_formats.h"

#include <set>
#include <unordered_set>

#include "common/parsers/internal/json_values.h"
#include "common/parsers/internal/python_literal.h"
#include "common/parsers/internal/text_scan.h"
#include "common/parsers/internal/xml_scan.h"

namespace smg::parsers::internal {
namespace {

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  return at >= text.size() ? text.size() : text.size() - trim_start(text.substr(at)).size();
}

bool is_word_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) != 0 || c == '_' || byte >= 0x80;
}

// ---- pythonic ---------------------------------------------------------------------------

// Position of "(" after `[A-Za-z_]\w*\s*` at `at`, or kNpos.
std::size_t call_open(std::string_view text, std::size_t at) {
  if (at >= text.size() || !(std::isalpha(static_cast<unsigned char>(text[at])) != 0 ||
                             text[at] == '_')) {
    return kNpos;
  }
  std::size_t pos = at + 1;
  while (pos < text.size() && is_word_byte(text[pos])) ++pos;
  pos = skip_spaces(text, pos);
  return pos < text.size() && text[pos] == '(' ? pos : kNpos;
}

// SMG's block regex \[\s*NAME\s*\(.*?\)\s*(?:,\s*NAME\s*\(.*?\)\s*)*\] from the item at
// `first`: the end of the match, preferring (as the regex does) the shortest argument text and
// another item over the closing bracket. Iterative, and each item start is tried once.
std::size_t match_call_items(std::string_view text, std::size_t first) {
  struct Frame {
    std::size_t cursor;
    std::size_t bracket_at = kNpos;  // a "]" to try once the item pushed above has failed
  };
  if (call_open(text, first) == kNpos) return kNpos;
  std::unordered_set<std::size_t> tried{first};
  std::vector<Frame> stack{{call_open(text, first) + 1}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.bracket_at != kNpos) {
      if (text[frame.bracket_at] == ']') return frame.bracket_at + 1;
      frame.bracket_at = kNpos;
    }
    std::size_t close = text.find(')', frame.cursor);
    if (close == kNpos) {
      stack.pop_back();
      continue;
    }
    frame.cursor = close + 1;
    std::size_t after = skip_spaces(text, close + 1);
    if (after >= text.size()) continue;
    if (text[after] == ',') {
      std::size_t next = skip_spaces(text, after + 1);
      std::size_t open = call_open(text, next);
      if (open != kNpos && tried.insert(next).second) {
        frame.bracket_at = after;
        stack.push_back({open + 1});
        continue;
      }
    }
    if (text[after] == ']') return after + 1;
  }
  return kNpos;
}

struct Span {
  std::size_t begin;
  std::size_t end;
};
std::optional<Span> pythonic_block(std::string_view text) {
  for (std::size_t at = text.find('['); at != kNpos; at = text.find('[', at + 1)) {
    std::size_t end = match_call_items(text, skip_spaces(text, at + 1));
    if (end != kNpos) return Span{at, end};
  }
  return std::nullopt;
}

class PythonicFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    std::string cleaned = replace_all(replace_all(text, "<|python_start|>", ""),
                                      "<|python_end|>", "");
    auto block = pythonic_block(cleaned);
    if (!block) return {std::string(text), {}};
    auto calls = python_calls(std::string_view(cleaned).substr(block->begin,
                                                               block->end - block->begin));
    if (!calls || calls->empty()) return {std::string(text), {}};
    return {cleaned.substr(0, block->begin) + cleaned.substr(block->end), std::move(*calls)};
  }
};

// ---- sarashina --------------------------------------------------------------------------

constexpr std::string_view kSarashinaMarker = "<|tool_calls|>";

std::size_t balanced_end(std::string_view text, std::size_t open_at) {
  char open = text[open_at];
  char close = open == '[' ? ']' : '}';
  std::size_t depth = 0;
  char quote = 0;
  bool escaped = false;
  for (std::size_t i = open_at; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return i + 1;
    }
  }
  return kNpos;
}

std::vector<ToolCall> sarashina_calls(std::string_view payload) {
  auto value = python_value(payload);
  if (!value) return {};
  Json items = value->is_array() ? *value : Json::array();
  if (value->is_object()) items.push_back(*value);
  std::vector<ToolCall> calls;
  for (const auto& item : items) {
    if (auto call = call_from_object(item, {"name"}, {"arguments"})) calls.push_back(*call);
  }
  return calls;
}

class SarashinaFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    std::size_t marker = text.find(kSarashinaMarker);
    bool had_marker = marker != kNpos;
    std::string_view prefix = had_marker ? text.substr(0, marker) : std::string_view();
    std::string_view rest = had_marker ? text.substr(marker + kSarashinaMarker.size()) : text;
    auto no_call = [&] {
      if (!had_marker) return ToolCallResult{std::string(trim(text)), {}};
      return ToolCallResult{std::string(trim(std::string(prefix) + std::string(rest))), {}};
    };
    std::size_t open = rest.find_first_of("[{");
    if (open == kNpos) return no_call();
    if (!had_marker && !trim(rest.substr(0, open)).empty()) return no_call();
    std::size_t end = balanced_end(rest, open);
    if (end == kNpos) return no_call();
    auto calls = sarashina_calls(rest.substr(open, end - open));
    if (calls.empty()) return no_call();
    std::string normal = std::string(prefix) + std::string(rest.substr(end));
    return {std::string(trim(normal)), std::move(calls)};
  }
};

// ---- cohere -----------------------------------------------------------------------------

constexpr std::string_view kStartAction = "<|START_ACTION|>";
constexpr std::string_view kEndAction = "<|END_ACTION|>";

std::string cohere_clean(std::string_view text) {
  std::string out = replace_all(text, "<|START_RESPONSE|>", "");
  out = replace_all(out, "<|END_RESPONSE|>", "");
  out = replace_all(out, "<|START_TEXT|>", "");
  return replace_all(out, "<|END_TEXT|>", "");
}

// END_ACTION outside JSON strings, from `from` on.
std::size_t end_action(std::string_view text, std::size_t from) {
  bool in_string = false;
  bool escape = false;
  for (std::size_t i = from; i + kEndAction.size() <= text.size(); ++i) {
    char c = text[i];
    if (escape) {
      escape = false;
    } else if (in_string) {
      if (c == '\\') escape = true;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (text.substr(i, kEndAction.size()) == kEndAction) {
      return i;
    }
  }
  return kNpos;
}

void cohere_calls(std::string_view json_text, std::vector<ToolCall>* calls) {
  auto value = parse_json(trim(json_text));
  if (!value) return;
  Json items = value->is_array() ? *value : Json::array({*value});
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    const Json* name = nullptr;
    for (const char* key : {"tool_name", "name"}) {
      auto found = item.find(key);
      if (found != item.end() && found->is_string()) {
        name = &*found;
        break;
      }
    }
    if (name == nullptr) continue;
    std::string arguments = "{}";
    for (const char* key : {"parameters", "arguments"}) {
      if (auto found = item.find(key); found != item.end()) {
        arguments = dump_json(*found);
        break;
      }
    }
    calls->push_back({name->get<std::string>(), std::move(arguments)});
  }
}

class CohereFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    std::string normal;
    std::vector<ToolCall> calls;
    std::size_t end = actions(text, &normal, &calls);
    if (text.find(kStartAction) == kNpos && text.find(kEndAction) == kNpos) {
      return {std::string(trim(cohere_clean(text))), {}};
    }
    normal.append(text.substr(end));
    return {std::string(trim(cohere_clean(normal))), std::move(calls)};
  }
  ToolCallResult settled(std::string_view prefix, const ToolSpecs&) const override {
    std::string normal;
    ToolCallResult known;
    actions(prefix, &normal, &known.calls);
    return known;
  }

 private:
  // Complete actions from the start: their calls, the text between them; returns where the
  // unconsumed rest begins.
  static std::size_t actions(std::string_view text, std::string* normal,
                             std::vector<ToolCall>* calls) {
    std::size_t at = 0;
    while (true) {
      std::size_t start = text.find(kStartAction, at);
      if (start == kNpos) return at;
      std::size_t json_at = start + kStartAction.size();
      std::size_t stop = end_action(text, json_at);
      if (stop == kNpos) return at;
      normal->append(text.substr(at, start - at));
      cohere_calls(text.substr(json_at, stop - json_at), calls);
      at = stop + kEndAction.size();
    }
  }
};

// ---- inkling ----------------------------------------------------------------------------

constexpr std::string_view kInvokeJson = "<|content_invoke_tool_json|>";
constexpr std::string_view kInvokeText = "<|content_invoke_tool_text|>";
constexpr std::string_view kEndMessage = "<|end_message|>";
constexpr std::string_view kMessageModel = "<|message_model|>";
constexpr std::string_view kEndSampling = "<|content_model_end_sampling|>";

std::pair<std::size_t, std::string_view> earliest(std::string_view text,
                                                  std::initializer_list<std::string_view> tokens) {
  std::pair<std::size_t, std::string_view> best{kNpos, {}};
  for (auto token : tokens) {
    std::size_t at = text.find(token);
    if (at < best.first) best = {at, token};
  }
  return best;
}

std::string inkling_clean(std::string_view text) {
  std::string out;
  bool in_header = false;
  std::size_t cursor = 0;
  while (cursor < text.size()) {
    auto [start, token] = earliest(text.substr(cursor), {kMessageModel, "<|content_text|>",
                                                         "<|content_thinking|>", kEndMessage,
                                                         kEndSampling});
    if (start == kNpos) {
      if (!in_header) out.append(text.substr(cursor));
      break;
    }
    if (!in_header) out.append(text.substr(cursor, start));
    cursor += start + token.size();
    in_header = token == kMessageModel;
  }
  return out;
}

std::size_t after_discarded_frame(std::string_view text, std::size_t from) {
  auto [end, token] = earliest(text.substr(from), {kEndMessage, kEndSampling});
  return end == kNpos ? text.size() : from + end + token.size();
}

std::size_t json_object_length(std::string_view text) {
  if (text.empty() || text.front() != '{') return kNpos;
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth == 0) return kNpos;
      if (--depth == 0) return i + 1;
    }
  }
  return kNpos;
}

std::optional<ToolCall> inkling_call(std::string_view json_text, const ToolSpecs& tools) {
  auto value = parse_json(json_text);
  if (!value || !value->is_object()) return std::nullopt;
  auto name = value->find("name");
  auto args = value->find("args");
  if (name == value->end() || !name->is_string() || args == value->end() ||
      !args->is_object()) {
    return std::nullopt;
  }
  std::string function = name->get<std::string>();
  bool declared = false;
  for (const auto& tool : tools) declared = declared || tool.name == function;
  if (!declared) return std::nullopt;
  return ToolCall{function, dump_json(*args)};
}

class InklingFormat : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs& tools) const override {
    ToolCallResult result;
    std::size_t cursor = 0;
    while (true) {
      auto [relative, marker] = earliest(text.substr(cursor), {kInvokeJson, kInvokeText});
      if (relative == kNpos) break;
      std::size_t marker_at = cursor + relative;
      result.remaining_text.append(inkling_clean(text.substr(cursor, relative)));
      std::size_t payload_at = marker_at + marker.size();
      if (marker == kInvokeText) {
        cursor = after_discarded_frame(text, payload_at);
        continue;
      }
      cursor = next_after_call(text, payload_at, tools, &result.calls);
    }
    result.remaining_text.append(inkling_clean(text.substr(cursor)));
    return result;
  }

 private:
  static std::size_t next_after_call(std::string_view text, std::size_t payload_at,
                                     const ToolSpecs& tools, std::vector<ToolCall>* calls) {
    std::size_t json_at = skip_spaces(text, payload_at);
    std::size_t length = json_object_length(text.substr(json_at));
    if (length == kNpos) return after_discarded_frame(text, payload_at);
    std::size_t json_end = json_at + length;
    auto call = inkling_call(text.substr(json_at, length), tools);
    if (!call) return after_discarded_frame(text, json_end);
    calls->push_back(std::move(*call));
    std::size_t end_at = skip_spaces(text, json_end);
    for (auto token : {kEndMessage, kEndSampling}) {
      if (text.substr(end_at, token.size()) == token) return end_at + token.size();
    }
    return end_at;
  }
};

// ---- kimi_k3 ----------------------------------------------------------------------------

constexpr std::string_view kOpen = "<|open|>";
constexpr std::string_view kClose = "<|close|>";
constexpr std::string_view kSep = "<|sep|>";

// <|open|>\s*WORD\s*<|sep|> (or <|close|>...) from `from` on.
Span channel(std::string_view text, std::string_view opener, std::string_view word,
             std::size_t from = 0) {
  for (std::size_t at = text.find(opener, from); at != kNpos; at = text.find(opener, at + 1)) {
    std::size_t pos = skip_spaces(text, at + opener.size());
    if (text.substr(pos, word.size()) != word) continue;
    pos = skip_spaces(text, pos + word.size());
    if (text.substr(pos, kSep.size()) != kSep) continue;
    return {at, pos + kSep.size()};
  }
  return {kNpos, kNpos};
}

std::string remove_channels(std::string_view text, std::string_view opener,
                            std::string_view word) {
  std::string out;
  std::size_t at = 0;
  for (Span span = channel(text, opener, word); span.begin != kNpos;
       span = channel(text, opener, word, at)) {
    out.append(text.substr(at, span.begin - at));
    at = span.end;
  }
  out.append(text.substr(at));
  return out;
}

// <|open|>\s*WORD\s+(ATTRS.*?)<|sep|>(BODY.*?)<|close|>\s*WORD\s*<|sep|>, all of them.
struct Tagged {
  std::string_view attributes;
  std::string_view body;
};
std::vector<Tagged> tagged(std::string_view text, std::string_view word) {
  std::vector<Tagged> found;
  std::size_t from = 0;
  for (std::size_t at = text.find(kOpen, from); at != kNpos; at = text.find(kOpen, at + 1)) {
    if (at < from) continue;
    std::size_t pos = skip_spaces(text, at + kOpen.size());
    if (text.substr(pos, word.size()) != word) continue;
    std::size_t attrs_at = skip_spaces(text, pos + word.size());
    if (attrs_at == pos + word.size()) continue;
    std::size_t sep = text.find(kSep, attrs_at);
    if (sep == kNpos) break;  // nor after any later start
    Span close = channel(text, kClose, word, sep + kSep.size());
    if (close.begin == kNpos) break;
    found.push_back({text.substr(attrs_at, sep - attrs_at),
                     text.substr(sep + kSep.size(), close.begin - sep - kSep.size())});
    from = close.end;
    at = close.end - 1;
  }
  return found;
}

// (\w+)="([^"]*)" pairs, entity-decoded; a later key wins.
std::map<std::string, std::string> attributes_of(std::string_view text) {
  std::map<std::string, std::string> attributes;
  std::size_t at = 0;
  while (at < text.size()) {
    if (!is_word_byte(text[at])) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && is_word_byte(text[end])) ++end;
    std::string_view value;
    auto after = read_attribute(text, at, text.substr(at, end - at), &value, true);
    if (!after) {
      at = end;
      continue;
    }
    attributes[std::string(text.substr(at, end - at))] =
        replace_all(replace_all(value, "&quot;", "\""), "&amp;", "&");
    at = *after;
  }
  return attributes;
}

std::optional<ToolCall> kimi_k3_call(const Tagged& call) {
  auto attributes = attributes_of(call.attributes);
  std::string name = attributes["tool"];
  if (name.empty()) return std::nullopt;
  Json arguments = Json::object();
  for (const auto& argument : tagged(call.body, "argument")) {
    auto argument_attributes = attributes_of(argument.attributes);
    auto type = argument_attributes.find("type");
    bool is_string = type == argument_attributes.end() || type->second == "string";
    std::optional<Json> value = is_string ? std::nullopt : parse_json(argument.body);
    arguments[argument_attributes["key"]] = value ? *value : Json(std::string(argument.body));
  }
  return ToolCall{std::move(name), dump_json(arguments)};
}

class KimiK3Format : public ToolCallFormat {
 public:
  ToolCallResult parse(std::string_view text, const ToolSpecs&) const override {
    Span open = channel(text, kOpen, "tools");
    if (open.begin == kNpos) return {content(text, text), {}};
    Span close = channel(text, kClose, "tools", open.end);
    std::string_view section =
        text.substr(open.end, (close.begin == kNpos ? text.size() : close.begin) - open.end);
    ToolCallResult result{content(text, text.substr(0, open.begin)), {}};
    for (const auto& call : tagged(section, "call")) {
      if (auto decoded = kimi_k3_call(call)) result.calls.push_back(std::move(*decoded));
    }
    return result;
  }

 private:
  static std::string content(std::string_view output, std::string_view before) {
    Span open = channel(output, kOpen, "response");
    if (open.begin != kNpos) {
      Span close = channel(output, kClose, "response", open.end);
      if (close.begin != kNpos) {
        return std::string(output.substr(open.end, close.begin - open.end));
      }
    }
    std::string stripped;
    Span before_open = channel(before, kOpen, "response");
    if (before_open.begin != kNpos) {
      Span before_close = channel(before, kClose, "response", before_open.end);
      std::size_t end = before_close.begin == kNpos ? before.size() : before_close.begin;
      stripped = before.substr(before_open.end, end - before_open.end);
    } else {
      stripped = remove_channels(before, kClose, "response");
    }
    return remove_channels(stripped, kClose, "message");
  }
};

}  // namespace

std::shared_ptr<const ToolCallFormat> make_pythonic_format() {
  return std::make_shared<PythonicFormat>();
}
std::shared_ptr<const ToolCallFormat> make_sarashina_format() {
  return std::make_shared<SarashinaFormat>();
}
std::shared_ptr<const ToolCallFormat> make_cohere_format() {
  return std::make_shared<CohereFormat>();
}
std::shared_ptr<const ToolCallFormat> make_inkling_format() {
  return std::make_shared<InklingFormat>();
}
std::shared_ptr<const ToolCallFormat> make_kimi_k3_format() {
  return std::make_shared<KimiK3Format>();
}

}  // namespace smg::parsers::internal
