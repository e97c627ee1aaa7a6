#include "common/tokenizer/pre_tokenizer.h"

#include <functional>
#include <string>

#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/replace_pattern.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

using nlohmann::json;

struct Piece {
  std::size_t begin;
  std::size_t end;
  bool is_match;
};

// The whole text as alternating pieces, as the `tokenizers` Pattern trait yields them.
std::vector<Piece> cover(std::size_t size, const std::vector<Span>& matches, bool invert) {
  std::vector<Piece> pieces;
  if (size == 0) return {{0, 0, false}};
  std::size_t previous = 0;
  for (const Span& match : matches) {
    if (previous != match.begin) pieces.push_back({previous, match.begin, invert});
    pieces.push_back({match.begin, match.end, !invert});
    previous = match.end;
  }
  if (previous != size) pieces.push_back({previous, size, invert});
  return pieces;
}

std::vector<Piece> apply_behavior(std::vector<Piece> pieces, SplitBehavior behavior) {
  std::vector<Piece> out;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (Piece& p : pieces) out.push_back({p.begin, p.end, false});
      return out;
    case SplitBehavior::kRemoved:
      for (Piece& p : pieces) {
        if (!p.is_match) out.push_back(p);
      }
      return out;
    case SplitBehavior::kMergedWithPrevious:
      for (Piece& p : pieces) {
        if (p.is_match && !previous_match && !out.empty()) {
          out.back().end = p.end;
        } else {
          out.push_back({p.begin, p.end, false});
        }
        previous_match = p.is_match;
      }
      return out;
    case SplitBehavior::kMergedWithNext:
      for (auto p = pieces.rbegin(); p != pieces.rend(); ++p) {
        if (p->is_match && !previous_match && !out.empty()) {
          out.back().begin = p->begin;
        } else {
          out.push_back({p->begin, p->end, false});
        }
        previous_match = p->is_match;
      }
      return {out.rbegin(), out.rend()};
    case SplitBehavior::kContiguous:
      for (Piece& p : pieces) {
        if (p.is_match == previous_match && !out.empty()) {
          out.back().end = p.end;
        } else {
          out.push_back({p.begin, p.end, false});
        }
        previous_match = p.is_match;
      }
      return out;
  }
  return out;
}

// Runs `cut` on every piece that is not an added token; the others pass through.
Status split_each(Splits& splits, const std::function<Status(const Split&, Splits&)>& cut) {
  Splits out;
  out.reserve(splits.size());
  for (Split& split : splits) {
    if (split.token_id) {
      out.push_back(std::move(split));
      continue;
    }
    Status status = cut(split, out);
    if (!status.ok()) return status;
  }
  splits = std::move(out);
  return Status();
}

std::vector<Span> char_matches(std::string_view text, const std::function<bool(char32_t)>& pred) {
  std::vector<Span> matches;
  for_each_char(text, [&](char32_t c, std::size_t at, std::size_t length) {
    if (pred(c)) matches.push_back({at, at + length});
  });
  return matches;
}

class CharSplitPreTokenizer : public PreTokenizer {
 public:
  CharSplitPreTokenizer(std::function<bool(char32_t)> pred, SplitBehavior behavior)
      : pred_(std::move(pred)), behavior_(behavior) {}
  Status pre_tokenize(Splits& splits) const override {
    return split_each(splits, [&](const Split& split, Splits& out) {
      split_at_matches(split, char_matches(split.text, pred_), false, behavior_, out);
      return Status();
    });
  }

 private:
  std::function<bool(char32_t)> pred_;
  SplitBehavior behavior_;
};

class RegexSplitPreTokenizer : public PreTokenizer {
 public:
  RegexSplitPreTokenizer(std::shared_ptr<const Regex> regex, SplitBehavior behavior, bool invert)
      : regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}
  Status pre_tokenize(Splits& splits) const override {
    std::vector<Span> matches;
    return split_each(splits, [&](const Split& split, Splits& out) {
      matches.clear();
      Status status = regex_->find_all(split.text, matches);
      if (status.ok()) split_at_matches(split, matches, invert_, behavior_, out);
      return status;
    });
  }

 private:
  std::shared_ptr<const Regex> regex_;
  SplitBehavior behavior_;
  bool invert_;
};

constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, std::shared_ptr<const Regex> regex)
      : add_prefix_space_(add_prefix_space), regex_(std::move(regex)) {}
  Status pre_tokenize(Splits& splits) const override {
    std::vector<Span> matches;
    return split_each(splits, [&](const Split& split, Splits& out) {
      Split prefixed = split;
      if (add_prefix_space_ && !prefixed.text.empty() && prefixed.text[0] != ' ') {
        prefixed.text.insert(prefixed.text.begin(), ' ');
      }
      std::size_t first = out.size();
      if (regex_) {
        matches.clear();
        Status status = regex_->find_all(prefixed.text, matches);
        if (!status.ok()) return status;
        split_at_matches(prefixed, matches, false, SplitBehavior::kIsolated, out);
      } else if (!prefixed.text.empty()) {
        out.push_back(std::move(prefixed));
      }
      for (std::size_t i = first; i < out.size(); ++i) out[i].text = bytes_to_chars(out[i].text);
      return Status();
    });
  }

 private:
  bool add_prefix_space_;
  std::shared_ptr<const Regex> regex_;  // null when use_regex is false
};

enum class PrependScheme { kAlways, kNever, kFirst };

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  Status pre_tokenize(Splits& splits) const override {
    return split_each(splits, [&](const Split& split, Splits& out) {
      Split replaced{replace_spaces(split.text), split.at_origin, std::nullopt};
      bool starts = replaced.text.compare(0, replacement_.size(), replacement_) == 0;
      bool prepend = scheme_ == PrependScheme::kAlways ||
                     (scheme_ == PrependScheme::kFirst && split.at_origin);
      if (prepend && !starts && !replaced.text.empty()) replaced.text.insert(0, replacement_);
      if (!split_) {
        if (!replaced.text.empty()) out.push_back(std::move(replaced));
        return Status();
      }
      std::vector<Span> matches;
      for (std::size_t at = replaced.text.find(replacement_); at != std::string::npos;
           at = replaced.text.find(replacement_, at + replacement_.size())) {
        matches.push_back({at, at + replacement_.size()});
      }
      split_at_matches(replaced, matches, false, SplitBehavior::kMergedWithNext, out);
      return Status();
    });
  }

 private:
  std::string replace_spaces(const std::string& text) const {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
      if (c == ' ') {
        out += replacement_;
      } else {
        out.push_back(c);
      }
    }
    return out;
  }
  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
};

class FixedLengthPreTokenizer : public PreTokenizer {
 public:
  explicit FixedLengthPreTokenizer(std::size_t length) : length_(length) {}
  Status pre_tokenize(Splits& splits) const override {
    return split_each(splits, [&](const Split& split, Splits& out) {
      std::size_t chars = 0;
      std::size_t begin = 0;
      for_each_char(split.text, [&](char32_t, std::size_t at, std::size_t length) {
        if (++chars == length_) {
          out.push_back({split.text.substr(begin, at + length - begin),
                         split.at_origin && begin == 0, std::nullopt});
          begin = at + length;
          chars = 0;
        }
      });
      if (begin < split.text.size()) {
        out.push_back({split.text.substr(begin), split.at_origin && begin == 0, std::nullopt});
      }
      return Status();
    });
  }

 private:
  std::size_t length_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  Status pre_tokenize(Splits& splits) const override {
    for (const auto& step : steps_) {
      Status status = step->pre_tokenize(splits);
      if (!status.ok()) return status;
    }
    return Status();
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

bool is_bert_punctuation(char32_t c) {
  bool ascii_punct = c < 0x80 && ((c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
                                  (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E));
  return ascii_punct || is_punctuation(c);
}

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_pre_tokenizer", "pre_tokenizer: " + message);
}

Result<SplitBehavior> parse_behavior(const json& config, SplitBehavior fallback) {
  auto found = config.find("behavior");
  if (found == config.end() || found->is_null()) return fallback;
  std::string name = found->get<std::string>();
  if (name == "Removed") return SplitBehavior::kRemoved;
  if (name == "Isolated") return SplitBehavior::kIsolated;
  if (name == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (name == "Contiguous") return SplitBehavior::kContiguous;
  return bad("unknown split behavior '" + name + "'");
}

bool bool_or(const json& config, const char* name, bool fallback) {
  auto found = config.find(name);
  if (found == config.end() || found->is_null()) return fallback;
  return found->get<bool>();
}

using Made = Result<std::unique_ptr<PreTokenizer>>;
Made made(PreTokenizer* p) { return Made(std::unique_ptr<PreTokenizer>(p)); }

Made make_metaspace(const json& config) {
  std::string replacement = config.value("replacement", std::string("\xE2\x96\x81"));
  if (replacement.empty() || count_chars(replacement) != 1) return bad("Metaspace replacement must be one character");
  PrependScheme scheme = bool_or(config, "add_prefix_space", true) ? PrependScheme::kAlways
                                                                   : PrependScheme::kNever;
  auto found = config.find("prepend_scheme");
  if (found != config.end() && !found->is_null()) {
    std::string name = found->get<std::string>();
    if (name == "always") {
      scheme = PrependScheme::kAlways;
    } else if (name == "never") {
      scheme = PrependScheme::kNever;
    } else if (name == "first") {
      scheme = PrependScheme::kFirst;
    } else {
      return bad("unknown Metaspace prepend_scheme '" + name + "'");
    }
  }
  return made(new MetaspacePreTokenizer(replacement, scheme, bool_or(config, "split", true)));
}

Made make_split(const json& config) {
  auto regex = compile_pattern(config.at("pattern"));
  if (!regex.ok()) return regex.status();
  auto behavior = parse_behavior(config, SplitBehavior::kIsolated);
  if (!behavior.ok()) return behavior.status();
  if (!config.contains("behavior")) return bad("Split without a behavior");
  return made(new RegexSplitPreTokenizer(*regex, *behavior, bool_or(config, "invert", false)));
}

Made make_sequence(const json& config) {
  const json& list = config.at("pretokenizers");
  if (!list.is_array()) return bad("Sequence.pretokenizers is not a list");
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  for (const json& item : list) {
    auto step = make_pre_tokenizer(item);
    if (!step.ok()) return step.status();
    steps.push_back(std::move(*step));
  }
  return made(new SequencePreTokenizer(std::move(steps)));
}

Made make_char_split(const std::string& type, const json& config) {
  if (type == "WhitespaceSplit") {
    return made(new CharSplitPreTokenizer(is_whitespace, SplitBehavior::kRemoved));
  }
  if (type == "Punctuation") {
    auto behavior = parse_behavior(config, SplitBehavior::kIsolated);
    if (!behavior.ok()) return behavior.status();
    return made(new CharSplitPreTokenizer(is_bert_punctuation, *behavior));
  }
  if (type == "Digits") {
    bool individual = bool_or(config, "individual_digits", false);
    return made(new CharSplitPreTokenizer(
        is_numeric, individual ? SplitBehavior::kIsolated : SplitBehavior::kContiguous));
  }
  std::string delimiter = config.at("delimiter").get<std::string>();
  if (delimiter.empty() || count_chars(delimiter) != 1) return bad("CharDelimiterSplit delimiter must be one character");
  std::size_t length = 0;
  char32_t wanted = decode_char(delimiter, 0, length);
  return made(new CharSplitPreTokenizer([wanted](char32_t c) { return c == wanted; },
                                        SplitBehavior::kRemoved));
}

}  // namespace

void split_at_matches(const Split& parent, const std::vector<Span>& matches, bool invert,
                      SplitBehavior behavior, Splits& out) {
  for (const Piece& piece : apply_behavior(cover(parent.text.size(), matches, invert), behavior)) {
    if (piece.end == piece.begin) continue;
    out.push_back({parent.text.substr(piece.begin, piece.end - piece.begin),
                   parent.at_origin && piece.begin == 0, std::nullopt});
  }
}

Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const json& config) {
  if (!config.is_object() || !config.contains("type")) return bad("not an object with a type");
  std::string type = config.at("type").get<std::string>();
  if (type == "Sequence") return make_sequence(config);
  if (type == "Split") return make_split(config);
  if (type == "Metaspace") return make_metaspace(config);
  if (type == "ByteLevel") {
    std::shared_ptr<const Regex> regex;
    if (bool_or(config, "use_regex", true)) {
      auto compiled = Regex::compile(kGpt2Pattern);
      if (!compiled.ok()) return compiled.status();
      regex = *compiled;
    }
    return made(new ByteLevelPreTokenizer(bool_or(config, "add_prefix_space", true), regex));
  }
  if (type == "Whitespace") {
    auto regex = Regex::compile(R"(\w+|[^\w\s]+)");
    if (!regex.ok()) return regex.status();
    return made(new RegexSplitPreTokenizer(*regex, SplitBehavior::kRemoved, true));
  }
  if (type == "BertPreTokenizer") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.emplace_back(new CharSplitPreTokenizer(is_whitespace, SplitBehavior::kRemoved));
    steps.emplace_back(new CharSplitPreTokenizer(is_bert_punctuation, SplitBehavior::kIsolated));
    return made(new SequencePreTokenizer(std::move(steps)));
  }
  if (type == "WhitespaceSplit" || type == "Punctuation" || type == "Digits" ||
      type == "CharDelimiterSplit") {
    return make_char_split(type, config);
  }
  if (type == "FixedLength") {
    std::size_t length = config.value("length", std::size_t{5});
    if (length == 0) return bad("FixedLength length must be positive");
    return made(new FixedLengthPreTokenizer(length));
  }
  if (type == "UnicodeScripts") return bad("UnicodeScripts is not supported");
  return bad("unknown type '" + type + "'");
}

}  // namespace smg::tokenizer
