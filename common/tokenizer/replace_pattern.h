// ReplacePattern: the {"pattern": {"String"|"Regex": ...}, "content": ...} pair shared by the
// Replace normalizer and the Replace decoder. Every non-overlapping match becomes `content`.
// Thread-safety: immutable after construction.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/tokenizer/regex.h"

namespace smg::tokenizer {

class ReplacePattern {
 public:
  // Fails with "tokenizer_bad_regex" or "tokenizer_bad_pattern".
  static Result<ReplacePattern> from_json(const nlohmann::json& config);
  Status replace_all(std::string& text) const;

 private:
  std::shared_ptr<const Regex> regex_;
  std::string literal_;  // set when the pattern is a plain string (the fast path)
  std::string content_;
};

// Compiles {"String": s} (a literal) or {"Regex": r}.
Result<std::shared_ptr<const Regex>> compile_pattern(const nlohmann::json& pattern);

}  // namespace smg::tokenizer
