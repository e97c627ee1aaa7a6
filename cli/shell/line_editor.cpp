#include "cli/shell/line_editor.h"

#include <fcntl.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "cli/shell/tokenizer.h"

namespace smg::cli::shell {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
struct sigaction g_previous_sigint {};

void on_sigint(int) { g_interrupted = 1; }

// Without SA_RESTART the read libedit is blocked in fails with EINTR, so Ctrl-C ends el_gets
// at once; libedit's own handler (EL_SIGNAL) restores the terminal and forwards to this one.
void install_sigint_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_sigint);
}

std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& word : words) {
    auto mismatch = std::mismatch(prefix.begin(), prefix.end(), word.begin(), word.end());
    prefix.erase(mismatch.first, prefix.end());
  }
  return prefix;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

// Candidates in columns below the line, as bash and zsh list ambiguous completions.
void list_candidates(const std::vector<std::string>& candidates) {
  std::size_t width = 0;
  for (const auto& word : candidates) {
    width = std::max(width, word.size());
  }
  width += 2;
  std::size_t per_row = std::max<std::size_t>(1, terminal_columns() / width);
  std::fputs("\n", stdout);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if ((i + 1) % per_row == 0 || i + 1 == candidates.size()) {
      std::fprintf(stdout, "%s\n", candidates[i].c_str());
    } else {
      std::fprintf(stdout, "%-*s", static_cast<int>(width), candidates[i].c_str());
    }
  }
}

LineEditor* editor_of(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor*>(data);
}

}  // namespace

LineEditor::LineEditor(CompleteFn complete) : complete_(std::move(complete)) {
  install_sigint_handler();
  el_ = el_init("smgctl", stdin, stdout, stderr);
  history_ = history_init();
  HistEvent event;
  history(history_, &event, H_SETSIZE, 1000);
  history(history_, &event, H_SETUNIQUE, 1);
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_SIGNAL, 1);
  el_set(el_, EL_HIST, history, history_);
  el_set(el_, EL_PROMPT, &LineEditor::prompt_of);
  el_set(el_, EL_ADDFN, "smg-complete", "Complete a command, option or worker id",
         &LineEditor::on_tab);
  el_set(el_, EL_BIND, "^I", "smg-complete", nullptr);
  el_source(el_, nullptr);  // the user's ~/.editrc, as every libedit program reads it
}

LineEditor::~LineEditor() {
  el_end(el_);
  history_end(history_);
  sigaction(SIGINT, &g_previous_sigint, nullptr);
}

LineEditor::Read LineEditor::read_line(const std::string& prompt, std::string& line) {
  prompt_ = prompt;
  g_interrupted = 0;
  int count = 0;
  const char* text = el_gets(el_, &count);
  if (g_interrupted != 0 || (text == nullptr && count < 0 && errno == EINTR)) {
    std::fputs("^C\n", stdout);
    el_reset(el_);
    return Read::kCancelled;
  }
  if (text == nullptr || count <= 0) {
    std::fputs("\n", stdout);
    return Read::kEnd;
  }
  line.assign(text, static_cast<std::size_t>(count));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  return Read::kLine;
}

void LineEditor::add_history(const std::string& line) {
  HistEvent event;
  history(history_, &event, H_ENTER, line.c_str());
}

Status LineEditor::load_history(const std::string& path) {
  HistEvent event;
  if (history(history_, &event, H_LOAD, path.c_str()) < 0) {
    return internal_error("history_unreadable", "cannot read shell history " + path);
  }
  return Status();
}

Status LineEditor::save_history(const std::string& path) {
  // A temporary file renamed over the old one: a crash never leaves half a history.
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "w");
  if (file == nullptr) {
    if (fd >= 0) {
      ::close(fd);
    }
    return internal_error("history_unwritable", "cannot write shell history " + temporary);
  }
  HistEvent event;
  bool written = history(history_, &event, H_SAVE_FP, file) >= 0;
  written = std::fclose(file) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return internal_error("history_unwritable", "cannot write shell history " + path);
  }
  return Status();
}

char* LineEditor::prompt_of(EditLine* el) { return editor_of(el)->prompt_.data(); }

unsigned char LineEditor::on_tab(EditLine* el, int) { return editor_of(el)->complete_at_cursor(); }

// One candidate: insert the rest of it and a space. Several: insert what they share, else list
// them. None: beep.
unsigned char LineEditor::complete_at_cursor() {
  const LineInfo* info = el_line(el_);
  std::string_view before(info->buffer, static_cast<std::size_t>(info->cursor - info->buffer));
  Completions found = complete_(before);
  if (found.candidates.empty()) {
    return CC_REFRESH_BEEP;
  }
  std::string shared = common_prefix(found.candidates);
  std::string insert;
  if (shared.size() > found.current.size() && shared.starts_with(found.current)) {
    insert = found.in_quotes ? shared.substr(found.current.size())
                             : quote_word(shared.substr(found.current.size()));
  }
  if (found.candidates.size() == 1) {
    insert += found.in_quotes ? "" : " ";
  }
  if (!insert.empty()) {
    el_insertstr(el_, insert.c_str());
    return CC_REFRESH;
  }
  list_candidates(found.candidates);
  return CC_REDISPLAY;
}

}  // namespace smg::cli::shell
