// Line editing for `smgctl shell` on libedit (histedit.h): emacs keys, history (up/down, ^R via
// ~/.editrc if the user binds it), TAB completion through a callback, Ctrl-C cancelling the line
// being edited and Ctrl-D on an empty line ending the session. Not thread-safe: one per shell.
//
//   LineEditor editor([](std::string_view before_cursor) { return complete_somehow(...); });
//   editor.load_history(path);
//   std::string line;
//   while (editor.read_line("smg> ", line) != LineEditor::Read::kEnd) { ... }
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct editline;
struct history;

namespace smg::cli::shell {

// What TAB may insert: the candidates for the word at the cursor, each a full replacement for it
// (`current` is that word as typed, unquoted).
struct Completions {
  std::string current;
  std::vector<std::string> candidates;
  bool in_quotes = false;  // the word has an open quote: insert text unescaped, no closing space
};

class LineEditor {
 public:
  using CompleteFn = std::function<Completions(std::string_view line_before_cursor)>;
  enum class Read { kLine, kCancelled, kEnd };

  explicit LineEditor(CompleteFn complete);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // kLine: `line` holds the entered text without its newline. kCancelled: Ctrl-C dropped the
  // line. kEnd: Ctrl-D on an empty line, or end of input.
  Read read_line(const std::string& prompt, std::string& line);

  void add_history(const std::string& line);
  Status load_history(const std::string& path);
  // Writes through an 0600 descriptor, so the file never exists with looser rights.
  Status save_history(const std::string& path);

 private:
  static unsigned char on_tab(editline* el, int key);
  static char* prompt_of(editline* el);
  unsigned char complete_at_cursor();

  CompleteFn complete_;
  editline* el_ = nullptr;
  history* history_ = nullptr;
  std::string prompt_;
};

}  // namespace smg::cli::shell
