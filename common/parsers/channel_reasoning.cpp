// Reasoning formats built from channel tokens rather than think tags: Kimi-K3
// (<|open|>think<|sep|> ... <|close|>think<|sep|>, then response/message/tools channels) and
// Inkling (<|content_thinking|> / <|content_text|> blocks in model messages). Both follow SMG's
// crates/reasoning_parser/src/parsers/{kimi_k3,inkling}.rs.
#include <array>
#include <optional>

#include "common/parsers/internal/reasoning_formats.h"
#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {
namespace {

// SMG's regex <\|open\|>\s*WORD\s*<\|sep\|> (or close) found from `from` on: [begin, end).
struct Span {
  std::size_t begin = kNpos;
  std::size_t end = kNpos;
};
Span find_channel(std::string_view text, std::string_view opener, std::string_view word,
                  std::size_t from) {
  constexpr std::string_view kSep = "<|sep|>";
  for (std::size_t at = text.find(opener, from); at != kNpos; at = text.find(opener, at + 1)) {
    std::string_view rest = trim_start(text.substr(at + opener.size()));
    if (rest.substr(0, word.size()) != word) continue;
    rest = trim_start(rest.substr(word.size()));
    if (rest.substr(0, kSep.size()) != kSep) continue;
    return {at, text.size() - rest.size() + kSep.size()};
  }
  return {};
}

constexpr std::string_view kOpen = "<|open|>";
constexpr std::string_view kClose = "<|close|>";

std::string remove_channel(std::string_view text, std::string_view opener, std::string_view word) {
  std::string out;
  std::size_t at = 0;
  for (Span span = find_channel(text, opener, word, 0); span.begin != kNpos;
       span = find_channel(text, opener, word, at)) {
    out.append(text.substr(at, span.begin - at));
    at = span.end;
  }
  out.append(text.substr(at));
  return out;
}

std::string strip_content_wrapper(std::string_view text) {
  std::string out = remove_channel(text, kOpen, "response");
  out = remove_channel(out, kClose, "response");
  out = remove_channel(out, kOpen, "message");
  return remove_channel(out, kClose, "message");
}

class KimiK3Reasoning : public ReasoningFormat {
 protected:
  ReasoningResult split(std::string_view text) const override {
    Span open = find_channel(text, kOpen, "think", 0);
    bool think_observed = open.begin != kNpos;
    std::size_t start = think_observed ? open.end : 0;
    if (!think_observed && find_channel(text, kClose, "think", 0).begin == kNpos) {
      return {strip_content_wrapper(text), ""};
    }
    auto end = channel_end(text, start, think_observed);
    if (!end) return {"", std::string(text.substr(start))};
    return {strip_content_wrapper(text.substr(end->second)),
            std::string(text.substr(start, end->first - start))};
  }

 private:
  // (reasoning end, content start): the think close, else a response/tools channel opening,
  // else (with no think opening seen) a response/message close, whichever comes first.
  static std::optional<std::pair<std::size_t, std::size_t>> channel_end(std::string_view text,
                                                                        std::size_t from,
                                                                        bool think_observed) {
    std::optional<std::pair<std::size_t, std::pair<std::size_t, std::size_t>>> best;
    auto consider = [&](std::size_t marker, std::pair<std::size_t, std::size_t> span) {
      if (marker != kNpos && (!best || marker < best->first)) best = {{marker, span}};
    };
    Span close = find_channel(text, kClose, "think", from);
    consider(close.begin, {close.begin, close.end});
    std::size_t sibling = std::min(find_channel(text, kOpen, "response", from).begin,
                                   find_channel(text, kOpen, "tools", from).begin);
    consider(sibling, {sibling, sibling});
    if (!think_observed) {
      std::size_t closing = std::min(find_channel(text, kClose, "response", from).begin,
                                     find_channel(text, kClose, "message", from).begin);
      consider(closing, {from, from});
    }
    if (!best) return std::nullopt;
    return best->second;
  }
};

constexpr std::string_view kMessageModel = "<|message_model|>";
constexpr std::string_view kContentText = "<|content_text|>";
constexpr std::string_view kContentThinking = "<|content_thinking|>";
constexpr std::string_view kInvokeToolJson = "<|content_invoke_tool_json|>";
constexpr std::string_view kInvokeToolText = "<|content_invoke_tool_text|>";
constexpr std::string_view kEndSampling = "<|content_model_end_sampling|>";
constexpr std::string_view kEndMessage = "<|end_message|>";
constexpr std::array<std::string_view, 16> kInklingControls = {
    "<|endoftext|>",         "<|message_user|>",   kMessageModel,        "<|message_system|>",
    "<|message_tool|>",      kContentText,         "<|content_image|>",  kEndSampling,
    kContentThinking,        "<|content_audio_input|>", "<|content_tool_error|>",
    "<|content_xml|>",       kInvokeToolJson,      kInvokeToolText,      kEndMessage,
    "<|audio_end|>"};

// Inkling's block state machine; `finalize` false keeps a partial control token unemitted.
class InklingMachine {
 public:
  ReasoningResult run(std::string_view text, bool finalize) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::string_view rest = text.substr(pos);
      std::string_view token;
      std::size_t at = find_control(rest, &token);
      if (at == kNpos) {
        emit(rest);
        break;
      }
      emit(rest.substr(0, at));
      if (token.empty()) {  // a partial control token at the end
        if (finalize) emit(rest.substr(at));
        break;
      }
      control(token);
      pos += at + token.size();
    }
    return std::move(result_);
  }

 private:
  enum class Block { kNone, kHeader, kReasoning, kContent, kTool, kUnsupportedTool };

  static std::size_t find_control(std::string_view text, std::string_view* token) {
    for (std::size_t at = text.find('<'); at != kNpos; at = text.find('<', at + 1)) {
      std::string_view suffix = text.substr(at);
      for (auto control : kInklingControls) {
        if (suffix.substr(0, control.size()) == control) {
          *token = control;
          return at;
        }
      }
      for (auto control : kInklingControls) {
        if (control.substr(0, suffix.size()) == suffix) {
          *token = {};
          return at;
        }
      }
    }
    return kNpos;
  }

  static bool is_end(std::string_view token) {
    return token == kEndMessage || token == kEndSampling;
  }

  void emit(std::string_view text) {
    if (block_ == Block::kReasoning) {
      result_.reasoning_text.append(text);
    } else if (block_ != Block::kHeader && block_ != Block::kUnsupportedTool) {
      result_.normal_text.append(text);
    }
  }

  void control(std::string_view token) {
    if (token == kMessageModel) {
      block_ = Block::kHeader;
    } else if (token == kInvokeToolJson) {
      block_ = Block::kTool;
      result_.normal_text.append(token);
    } else if (token == kInvokeToolText) {
      block_ = Block::kUnsupportedTool;
    } else if (block_ == Block::kTool) {
      result_.normal_text.append(token);
      if (is_end(token)) block_ = Block::kNone;
    } else if (block_ == Block::kUnsupportedTool) {
      if (is_end(token)) block_ = Block::kNone;
    } else if (token == kContentThinking) {
      block_ = Block::kReasoning;
    } else if (token == kContentText) {
      block_ = Block::kContent;
    } else if (is_end(token)) {
      block_ = Block::kNone;
    }
  }

  Block block_ = Block::kNone;
  ReasoningResult result_;
};

class InklingReasoning : public ReasoningFormat {
 public:
  ReasoningResult settled(std::string_view prefix) const override {
    return InklingMachine().run(prefix, false);
  }

 protected:
  ReasoningResult split(std::string_view text) const override {
    return InklingMachine().run(text, true);
  }
};

}  // namespace

std::shared_ptr<const ReasoningFormat> make_kimi_k3_reasoning() {
  return std::make_shared<KimiK3Reasoning>();
}

std::shared_ptr<const ReasoningFormat> make_inkling_reasoning() {
  return std::make_shared<InklingReasoning>();
}

}  // namespace smg::parsers::internal
