#include "common/tokenizer/replace_pattern.h"

namespace smg::tokenizer {

Result<std::shared_ptr<const Regex>> compile_pattern(const nlohmann::json& pattern) {
  if (pattern.is_object() && pattern.contains("String") && pattern.at("String").is_string()) {
    return Regex::literal(pattern.at("String").get<std::string>());
  }
  if (pattern.is_object() && pattern.contains("Regex") && pattern.at("Regex").is_string()) {
    return Regex::compile(pattern.at("Regex").get<std::string>());
  }
  return invalid_argument("tokenizer_bad_pattern", "pattern is neither {String} nor {Regex}");
}

Result<ReplacePattern> ReplacePattern::from_json(const nlohmann::json& config) {
  ReplacePattern out;
  const nlohmann::json& pattern = config.at("pattern");
  auto regex = compile_pattern(pattern);
  if (!regex.ok()) return regex.status();
  out.regex_ = *regex;
  if (pattern.contains("String")) out.literal_ = pattern.at("String").get<std::string>();
  out.content_ = config.at("content").get<std::string>();
  return out;
}

Status ReplacePattern::replace_all(std::string& text) const {
  if (!literal_.empty()) {
    if (text.find(literal_) == std::string::npos) return Status();
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    for (std::size_t found = text.find(literal_); found != std::string::npos;
         found = text.find(literal_, at)) {
      out.append(text, at, found - at);
      out += content_;
      at = found + literal_.size();
    }
    out.append(text, at);
    text = std::move(out);
    return Status();
  }
  std::vector<Span> matches;
  Status status = regex_->find_all(text, matches);
  if (!status.ok() || matches.empty()) return status;
  std::string out;
  std::size_t at = 0;
  for (const Span& match : matches) {
    out.append(text, at, match.begin - at);
    out += content_;
    at = match.end;
  }
  out.append(text, at);
  text = std::move(out);
  return Status();
}

}  // namespace smg::tokenizer
