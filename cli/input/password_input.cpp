#include "cli/input/password_input.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <istream>
#include <string>

namespace smg::cli {
namespace {

// Lines longer than this are kept only up to here: already far past bcrypt's 72 bytes, and the
// buffer never reallocates, so no stray copy of the password is left in freed memory.
constexpr std::size_t kMaxLineBytes = 1024;

// The terminal state to put back if the user presses Ctrl-C with echo off.
struct termios g_saved_terminal;

extern "C" void restore_terminal_and_exit(int /*signal*/) {
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);  // async-signal-safe
  const char newline = '\n';
  (void)!write(STDERR_FILENO, &newline, 1);
  _exit(130);
}

// Turns terminal echo off for its lifetime.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) {
      return;
    }
    struct sigaction action = {};
    action.sa_handler = restore_terminal_and_exit;
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
    struct termios quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) {
      tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
      sigaction(SIGINT, &previous_int_, nullptr);
      sigaction(SIGTERM, &previous_term_, nullptr);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  bool active_ = false;
  struct sigaction previous_int_ = {};
  struct sigaction previous_term_ = {};
};

// Reads one line into `line` (without "\n" / "\r\n"); false at end of input before any byte.
bool read_line(std::istream& in, std::string& line) {
  line.reserve(kMaxLineBytes + 1);
  bool any = false;
  char c = 0;
  while (in.get(c)) {
    any = true;
    if (c == '\n') {
      break;
    }
    if (line.size() <= kMaxLineBytes) {
      line.push_back(c);
    }
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return any;
}

crypto::Secret prompt_once(CliContext& context, const char* prompt) {
  *context.err << prompt << std::flush;
  std::string line;
  bool got = false;
  {
    EchoOff echo_off;
    got = read_line(*context.in, line);
  }
  *context.err << "\n";  // the user's Enter was not echoed
  if (!got) {
    throw UsageError("no password entered");
  }
  return crypto::Secret(std::move(line));
}

bool stdin_is_terminal(const CliContext& context) {
  return context.in == &std::cin && isatty(STDIN_FILENO) == 1;
}

}  // namespace

crypto::Secret read_password(CliContext& context, const PasswordRequest& request) {
  crypto::Secret password;
  if (stdin_is_terminal(context)) {
    password = prompt_once(context, request.prompt);
    if (request.confirm && !password.empty()) {
      crypto::Secret again = prompt_once(context, "Confirm password: ");
      if (!crypto::constant_time_equal(password.reveal(), again.reveal())) {
        throw UsageError("passwords do not match");
      }
    }
  } else {
    std::string line;
    if (!read_line(*context.in, line)) {
      throw UsageError("no password on stdin (expected one line)");
    }
    password = crypto::Secret(std::move(line));
  }
  if (password.empty()) {
    throw UsageError("empty password");
  }
  return password;
}

}  // namespace smg::cli
