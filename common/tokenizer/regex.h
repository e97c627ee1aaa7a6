// Regex: a PCRE2 pattern (UTF, Unicode properties, JIT) that matches the way Hugging Face's
// `tokenizers` regexes (Oniguruma) do. Before compiling, the Perl classes whose Unicode meaning
// differs between the two engines are spelled out: \s and \S (Oniguruma: \t-\r, U+0085 and the
// Z categories), \w and \W (letters, marks, decimal digits, connector punctuation). A pattern
// PCRE2 cannot compile is a load error that names it, never a silently different split.
// Thread-safety: a compiled Regex is immutable; find_all may run on many threads at once.
//
//   auto re = smg::tokenizer::Regex::compile(R"(\p{L}+|\s+)");
//   std::vector<smg::tokenizer::Span> spans;
//   smg::Status st = re->find_all("hi there", spans);  // {0,2} {2,3} {3,8}
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::tokenizer {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

class Regex {
 public:
  // Fails with reason "tokenizer_bad_regex" naming the pattern and PCRE2's message.
  static Result<std::shared_ptr<const Regex>> compile(std::string_view pattern);
  // A pattern matching `literal` exactly.
  static Result<std::shared_ptr<const Regex>> literal(std::string_view literal);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Every non-overlapping match, left to right (an empty match advances one character).
  // REQUIRES: `text` is valid UTF-8. Fails only when PCRE2 gives up (match or depth limits).
  Status find_all(std::string_view text, std::vector<Span>& matches) const;
  const std::string& pattern() const { return pattern_; }

 private:
  Regex() = default;
  std::string pattern_;
  void* code_ = nullptr;  // pcre2_code_8
};

// The Oniguruma-compatible spelling of `pattern` (exposed for tests).
std::string translate_pattern(std::string_view pattern);

}  // namespace smg::tokenizer
