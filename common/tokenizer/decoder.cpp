#include "common/tokenizer/decoder.h"

#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/replace_pattern.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

using nlohmann::json;

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty() || text.find(from) == std::string::npos) return;
  std::string out;
  std::size_t at = 0;
  for (std::size_t found = text.find(from); found != std::string::npos; found = text.find(from, at)) {
    out.append(text, at, found - at);
    out += to;
    at = found + from.size();
  }
  out.append(text, at);
  text = std::move(out);
}

void wordpiece_cleanup(std::string& text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."},     {" ?", "?"},         {" !", "!"},     {" ,", ","},
      {" ' ", "'"},    {" n't", "n't"},     {" 'm", "'m"},   {" do not", " don't"},
      {" 's", "'s"},   {" 've", "'ve"},     {" 're", "'re"}};
  for (const auto& [from, to] : kRules) replace_all(text, from, to);
}

class ByteLevelDecoder : public Decoder {
 public:
  Status decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& token : tokens) {
      auto raw = chars_to_bytes(token);
      bytes += raw ? *raw : token;
    }
    tokens.assign(1, utf8_lossy(bytes));
    return Status();
  }
};

class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(char32_t replacement, bool strip_first)
      : replacement_(replacement), strip_first_(strip_first) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      for_each_char(tokens[i], [&](char32_t c, std::size_t at, std::size_t length) {
        if (c != replacement_) {
          out.append(tokens[i], at, length);
        } else if (i != 0 || !strip_first_) {
          out.push_back(' ');
        }
      });
      tokens[i] = std::move(out);
    }
    return Status();
  }

 private:
  char32_t replacement_;
  bool strip_first_;
};

class WordPieceDecoder : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& token = tokens[i];
      if (i != 0) {
        if (token.compare(0, prefix_.size(), prefix_) == 0) {
          token.erase(0, prefix_.size());
        } else {
          token.insert(token.begin(), ' ');
        }
      }
      if (cleanup_) wordpiece_cleanup(token);
    }
    return Status();
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class BpeDecoder : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      replace_all(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    return Status();
  }

 private:
  std::string suffix_;
};

class CtcDecoder : public Decoder {
 public:
  CtcDecoder(std::string pad, std::string delimiter, bool cleanup)
      : pad_(std::move(pad)), delimiter_(std::move(delimiter)), cleanup_(cleanup) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0 && tokens[i] == tokens[i - 1]) continue;
      std::string token = tokens[i];
      replace_all(token, pad_, "");
      if (cleanup_) {
        wordpiece_cleanup(token);
        replace_all(token, delimiter_, " ");
      }
      if (!token.empty()) out.push_back(std::move(token));
    }
    tokens = std::move(out);
    return Status();
  }

 private:
  std::string pad_;
  std::string delimiter_;
  bool cleanup_;
};

std::optional<unsigned char> byte_token(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return std::nullopt;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = hex(token[3]);
  int low = hex(token[4]);
  if (token[3] == '+' && low >= 0) return static_cast<unsigned char>(low);  // from_str_radix("+A")
  if (high < 0 || low < 0) return std::nullopt;
  return static_cast<unsigned char>(high * 16 + low);
}

class ByteFallbackDecoder : public Decoder {
 public:
  Status decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (is_valid_utf8(pending)) {
        out.push_back(pending);
      } else {
        for (std::size_t i = 0; i < pending.size(); ++i) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
    };
    for (std::string& token : tokens) {
      if (auto byte = byte_token(token)) {
        pending.push_back(static_cast<char>(*byte));
        continue;
      }
      flush();
      out.push_back(std::move(token));
    }
    flush();
    tokens = std::move(out);
    return Status();
  }
};

class FuseDecoder : public Decoder {
 public:
  Status decode_chain(std::vector<std::string>& tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined += token;
    tokens.assign(1, std::move(joined));
    return Status();
  }
};

class StripDecoder : public Decoder {
 public:
  StripDecoder(char32_t content, std::size_t start, std::size_t stop)
      : content_(content), start_(start), stop_(stop) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& token : tokens) {
      std::vector<std::pair<std::size_t, std::size_t>> chars;  // (offset, length)
      std::vector<char32_t> values;
      for_each_char(token, [&](char32_t c, std::size_t at, std::size_t length) {
        chars.emplace_back(at, length);
        values.push_back(c);
      });
      std::size_t start_cut = 0;
      for (std::size_t i = 0; i < std::min(start_, values.size()) && values[i] == content_; ++i) {
        start_cut = i + 1;
      }
      std::size_t stop_cut = values.size();
      for (std::size_t i = 0; i < std::min(stop_, values.size()); ++i) {
        std::size_t index = values.size() - i - 1;
        if (values[index] != content_) break;
        stop_cut = index;
      }
      if (stop_cut <= start_cut) {
        token.clear();
        continue;
      }
      std::size_t begin = start_cut < chars.size() ? chars[start_cut].first : token.size();
      std::size_t end = stop_cut < chars.size() ? chars[stop_cut].first : token.size();
      token = token.substr(begin, end - begin);
    }
    return Status();
  }

 private:
  char32_t content_;
  std::size_t start_;
  std::size_t stop_;
};

class ReplaceDecoder : public Decoder {
 public:
  explicit ReplaceDecoder(ReplacePattern pattern) : pattern_(std::move(pattern)) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& token : tokens) {
      Status status = pattern_.replace_all(token);
      if (!status.ok()) return status;
    }
    return Status();
  }

 private:
  ReplacePattern pattern_;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  Status decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) {
      Status status = step->decode_chain(tokens);
      if (!status.ok()) return status;
    }
    return Status();
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_decoder", "decoder: " + message);
}

std::string string_or(const json& config, const char* name, const std::string& fallback) {
  auto found = config.find(name);
  if (found == config.end() || found->is_null()) return fallback;
  return found->get<std::string>();
}

Result<char32_t> one_char(const std::string& text, const char* what) {
  if (text.empty() || count_chars(text) != 1) return bad(std::string(what) + " must be one character");
  std::size_t length = 0;
  return decode_char(text, 0, length);
}

using Made = Result<std::unique_ptr<Decoder>>;
Made made(Decoder* d) { return Made(std::unique_ptr<Decoder>(d)); }

Made make_metaspace(const json& config) {
  auto replacement = one_char(string_or(config, "replacement", "\xE2\x96\x81"), "Metaspace replacement");
  if (!replacement.ok()) return replacement.status();
  bool strip_first = config.value("add_prefix_space", true);
  auto scheme = config.find("prepend_scheme");
  if (scheme != config.end() && !scheme->is_null()) strip_first = scheme->get<std::string>() != "never";
  return made(new MetaspaceDecoder(*replacement, strip_first));
}

Made make_sequence(const json& config) {
  const json& list = config.at("decoders");
  if (!list.is_array()) return bad("Sequence.decoders is not a list");
  std::vector<std::unique_ptr<Decoder>> steps;
  for (const json& item : list) {
    auto step = make_decoder(item);
    if (!step.ok()) return step.status();
    steps.push_back(std::move(*step));
  }
  return made(new SequenceDecoder(std::move(steps)));
}

}  // namespace

Result<std::unique_ptr<Decoder>> make_decoder(const json& config) {
  if (!config.is_object() || !config.contains("type")) return bad("not an object with a type");
  std::string type = config.at("type").get<std::string>();
  if (type == "ByteLevel") return made(new ByteLevelDecoder());
  if (type == "ByteFallback") return made(new ByteFallbackDecoder());
  if (type == "Fuse") return made(new FuseDecoder());
  if (type == "Metaspace") return make_metaspace(config);
  if (type == "Sequence") return make_sequence(config);
  if (type == "WordPiece") {
    return made(new WordPieceDecoder(string_or(config, "prefix", "##"), config.value("cleanup", true)));
  }
  if (type == "BPEDecoder") return made(new BpeDecoder(string_or(config, "suffix", "</w>")));
  if (type == "CTC") {
    return made(new CtcDecoder(string_or(config, "pad_token", "<pad>"),
                               string_or(config, "word_delimiter_token", "|"),
                               config.value("cleanup", true)));
  }
  if (type == "Strip") {
    auto content = one_char(string_or(config, "content", " "), "Strip content");
    if (!content.ok()) return content.status();
    return made(new StripDecoder(*content, config.value("start", std::size_t{0}),
                                 config.value("stop", std::size_t{0})));
  }
  if (type == "Replace") {
    auto pattern = ReplacePattern::from_json(config);
    if (!pattern.ok()) return pattern.status();
    return made(new ReplaceDecoder(std::move(*pattern)));
  }
  return bad("unknown type '" + type + "'");
}

}  // namespace smg::tokenizer
