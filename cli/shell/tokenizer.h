// Splits a shell line into words the way a POSIX shell would for plain commands, so what works on
// the command line works in `smgctl shell`: whitespace separates words; '...' is literal; "..."
// keeps spaces and lets a backslash escape " and \; a backslash outside quotes escapes any
// character; '' or "" gives an empty word; a # at the start of a word begins a comment. No
// variables, globs or operators: the words go to the CLI11 tree unchanged.
//
//   Result<std::vector<std::string>> words = split_words(R"(jwt decode 'a b' "c\"d")");
//   // {"jwt", "decode", "a b", "c\"d"}
//   PartialLine partial = split_partial("workers get 'ab");   // words {workers, get}, current "ab"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::cli::shell {

// Fails with reason "unterminated_quote" or "trailing_backslash" (the line is incomplete).
Result<std::vector<std::string>> split_words(std::string_view line);

// A line cut at the cursor, for completion: the finished words and the word being typed (empty
// after a trailing space). An open quote is not an error here: its text is the current word.
struct PartialLine {
  std::vector<std::string> words;
  std::string current;
  char open_quote = 0;  // '\'' or '"' when the current word is inside quotes, else 0
};
PartialLine split_partial(std::string_view line_before_cursor);

// `word` written so split_words() gives it back: unchanged when it has no special characters,
// else with each special character backslash-escaped.
std::string quote_word(std::string_view word);

}  // namespace smg::cli::shell
