#include "cli/shell/tokenizer.h"

namespace smg::cli::shell {
namespace {

constexpr std::string_view kSpecial = " \t\n'\"\\#";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One pass over the line; `open_quote`/`pending_backslash` tell the callers how it ended.
struct Scan {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;  // distinguishes an empty quoted word ('') from no word at all
  char open_quote = 0;
  bool pending_backslash = false;
};

void finish_word(Scan& scan) {
  if (scan.in_word) {
    scan.words.push_back(std::move(scan.current));
  }
  scan.current.clear();
  scan.in_word = false;
}

// One character inside quotes: the closing quote ends the quoted part, not the word.
void scan_quoted(Scan& scan, char c) {
  if (scan.pending_backslash) {
    // In double quotes a backslash escapes only " and \ (as in sh); elsewhere it stays.
    if (c != '"' && c != '\\') {
      scan.current += '\\';
    }
    scan.current += c;
    scan.pending_backslash = false;
  } else if (c == scan.open_quote) {
    scan.open_quote = 0;
  } else if (c == '\\' && scan.open_quote == '"') {
    scan.pending_backslash = true;
  } else {
    scan.current += c;
  }
}

// Returns false at a comment: the rest of the line is ignored.
bool scan_unquoted(Scan& scan, char c) {
  if (scan.pending_backslash) {
    scan.current += c;
    scan.pending_backslash = false;
  } else if (is_blank(c)) {
    finish_word(scan);
  } else if (c == '#' && !scan.in_word) {
    return false;
  } else if (c == '\\') {
    scan.pending_backslash = true;
    scan.in_word = true;
  } else {
    if (c == '\'' || c == '"') {
      scan.open_quote = c;
    } else {
      scan.current += c;
    }
    scan.in_word = true;
  }
  return true;
}

Scan scan_line(std::string_view line) {
  Scan scan;
  for (char c : line) {
    if (scan.open_quote != 0) {
      scan_quoted(scan, c);
    } else if (!scan_unquoted(scan, c)) {
      break;
    }
  }
  return scan;
}

}  // namespace

Result<std::vector<std::string>> split_words(std::string_view line) {
  Scan scan = scan_line(line);
  if (scan.open_quote != 0) {
    return invalid_argument("unterminated_quote",
                            std::string("unterminated ") + scan.open_quote + " quote");
  }
  if (scan.pending_backslash) {
    return invalid_argument("trailing_backslash", "the line ends with a lone backslash");
  }
  finish_word(scan);
  return std::move(scan.words);
}

PartialLine split_partial(std::string_view line_before_cursor) {
  Scan scan = scan_line(line_before_cursor);
  PartialLine partial;
  partial.words = std::move(scan.words);
  partial.current = std::move(scan.current);
  partial.open_quote = scan.open_quote;
  return partial;
}

std::string quote_word(std::string_view word) {
  if (word.empty()) {
    return "''";
  }
  std::string quoted;
  for (char c : word) {
    if (kSpecial.find(c) != std::string_view::npos) {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted;
}

}  // namespace smg::cli::shell
