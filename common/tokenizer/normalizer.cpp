#include "common/tokenizer/normalizer.h"

#include <vector>

#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/regex.h"
#include "common/tokenizer/replace_pattern.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

using nlohmann::json;

template <typename Fn>
std::string map_chars(const std::string& text, Fn&& fn) {
  std::string out;
  out.reserve(text.size());
  for_each_char(text, [&](char32_t c, std::size_t at, std::size_t length) {
    fn(out, c, std::string_view(text).substr(at, length));
  });
  return out;
}

class FormNormalizer : public Normalizer {
 public:
  explicit FormNormalizer(NormalForm form) : form_(form) {}
  Status normalize(std::string& text) const override {
    text = normalize_form(text, form_);
    return Status();
  }

 private:
  NormalForm form_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  Status normalize(std::string& text) const override {
    text = map_chars(text, [](std::string& out, char32_t c, std::string_view) {
      append_lowercase(out, c);
    });
    return Status();
  }
};

class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  Status normalize(std::string& text) const override {
    std::size_t begin = 0;
    std::size_t end = text.size();
    bool leading = true;
    std::size_t last_kept_end = 0;
    for_each_char(text, [&](char32_t c, std::size_t at, std::size_t length) {
      if (leading && is_whitespace(c)) {
        begin = at + length;
        return;
      }
      leading = false;
      if (!is_whitespace(c)) last_kept_end = at + length;
    });
    if (!left_) begin = 0;
    if (right_) end = std::max(begin, last_kept_end);
    text = text.substr(begin, end - begin);
    return Status();
  }

 private:
  bool left_;
  bool right_;
};

class StripAccentsNormalizer : public Normalizer {
 public:
  Status normalize(std::string& text) const override {
    text = map_chars(text, [](std::string& out, char32_t c, std::string_view bytes) {
      if (!is_mark(c)) out.append(bytes);
    });
    return Status();
  }
};

class ReplaceNormalizer : public Normalizer {
 public:
  explicit ReplaceNormalizer(ReplacePattern pattern) : pattern_(std::move(pattern)) {}
  Status normalize(std::string& text) const override { return pattern_.replace_all(text); }

 private:
  ReplacePattern pattern_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prepend) : prepend_(std::move(prepend)) {}
  Status normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prepend_);
    return Status();
  }

 private:
  std::string prepend_;
};

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

struct BertOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

class BertNormalizer : public Normalizer {
 public:
  explicit BertNormalizer(BertOptions options) : options_(options) {}
  Status normalize(std::string& text) const override {
    if (options_.clean_text) {
      text = map_chars(text, [](std::string& out, char32_t c, std::string_view bytes) {
        // Controls go first (U+0085 is both a control and whitespace: it is dropped).
        bool kept_control = c == '\t' || c == '\n' || c == '\r';
        if (c == 0 || c == 0xFFFD || (is_other(c) && !kept_control)) return;
        if (kept_control || is_whitespace(c)) {
          out.push_back(' ');
        } else {
          out.append(bytes);
        }
      });
    }
    if (options_.handle_chinese_chars) {
      text = map_chars(text, [](std::string& out, char32_t c, std::string_view bytes) {
        bool chinese = is_chinese_char(c);
        if (chinese) out.push_back(' ');
        out.append(bytes);
        if (chinese) out.push_back(' ');
      });
    }
    if (options_.strip_accents) {
      text = map_chars(normalize_form(text, NormalForm::kNfd),
                       [](std::string& out, char32_t c, std::string_view bytes) {
                         if (!is_nonspacing_mark(c)) out.append(bytes);
                       });
    }
    if (options_.lowercase) return LowercaseNormalizer().normalize(text);
    return Status();
  }

 private:
  BertOptions options_;
};

class ByteLevelNormalizer : public Normalizer {
 public:
  Status normalize(std::string& text) const override {
    text = bytes_to_chars(text);
    return Status();
  }
};

class NmtNormalizer : public Normalizer {
 public:
  Status normalize(std::string& text) const override {
    text = map_chars(text, [](std::string& out, char32_t c, std::string_view bytes) {
      bool dropped = (c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) ||
                     c == 0x7F || c == 0x8F || c == 0x9F;
      bool spaced = c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1680 ||
                    (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 ||
                    c == 0x2581 || c == 0xFEFF || c == 0xFFFD;
      if (dropped) return;
      if (spaced) {
        out.push_back(' ');
      } else {
        out.append(bytes);
      }
    });
    return Status();
  }
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : steps_(std::move(steps)) {}
  Status normalize(std::string& text) const override {
    for (const auto& step : steps_) {
      Status status = step->normalize(text);
      if (!status.ok()) return status;
    }
    return Status();
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_normalizer", "normalizer: " + message);
}

Result<std::unique_ptr<Normalizer>> make_sequence(const json& config) {
  const json& list = config.at("normalizers");
  if (!list.is_array()) return bad("Sequence.normalizers is not a list");
  std::vector<std::unique_ptr<Normalizer>> steps;
  for (const json& item : list) {
    auto step = make_normalizer(item);
    if (!step.ok()) return step.status();
    steps.push_back(std::move(*step));
  }
  return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(steps)));
}

bool bool_or(const json& config, const char* name, bool fallback) {
  auto found = config.find(name);
  if (found == config.end() || found->is_null()) return fallback;
  return found->get<bool>();
}

}  // namespace

Result<std::unique_ptr<Normalizer>> make_normalizer(const json& config) {
  if (!config.is_object() || !config.contains("type")) return bad("not an object with a type");
  std::string type = config.at("type").get<std::string>();
  auto make = [](Normalizer* n) { return Result<std::unique_ptr<Normalizer>>(std::unique_ptr<Normalizer>(n)); };
  if (type == "NFC") return make(new FormNormalizer(NormalForm::kNfc));
  if (type == "NFD") return make(new FormNormalizer(NormalForm::kNfd));
  if (type == "NFKC") return make(new FormNormalizer(NormalForm::kNfkc));
  if (type == "NFKD") return make(new FormNormalizer(NormalForm::kNfkd));
  if (type == "Lowercase") return make(new LowercaseNormalizer());
  if (type == "StripAccents") return make(new StripAccentsNormalizer());
  if (type == "ByteLevel") return make(new ByteLevelNormalizer());
  if (type == "Nmt") return make(new NmtNormalizer());
  if (type == "Sequence") return make_sequence(config);
  if (type == "Strip") {
    return make(new StripNormalizer(bool_or(config, "strip_left", true),
                                    bool_or(config, "strip_right", true)));
  }
  if (type == "Prepend") return make(new PrependNormalizer(config.at("prepend").get<std::string>()));
  if (type == "Replace") {
    auto pattern = ReplacePattern::from_json(config);
    if (!pattern.ok()) return pattern.status();
    return make(new ReplaceNormalizer(std::move(*pattern)));
  }
  if (type == "BertNormalizer") {
    BertOptions options;
    options.clean_text = bool_or(config, "clean_text", true);
    options.handle_chinese_chars = bool_or(config, "handle_chinese_chars", true);
    options.lowercase = bool_or(config, "lowercase", true);
    options.strip_accents = bool_or(config, "strip_accents", options.lowercase);
    return make(new BertNormalizer(options));
  }
  if (type == "Precompiled") return bad("Precompiled (SentencePiece charsmap) is not supported");
  return bad("unknown type '" + type + "'");
}

}  // namespace smg::tokenizer
