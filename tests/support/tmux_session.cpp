#include "tests/support/tmux_session.h"

#include <fstream>
#include <stdexcept>

#include "tests/support/eventually.h"

namespace smg::test {

TmuxSession::TmuxSession(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env)
    : socket_(dir_.file("tmux.sock")) {
  std::vector<std::string> args = {"new-session", "-d", "-s", "test", "-x", "160", "-y", "48"};
  for (const auto& [name, value] : env) {
    args.insert(args.end(), {"-e", name + "=" + value});
  }
  // tmux 3.3 sometimes marks a pane dead without its exit status (when the pty's EOF wins the
  // race with SIGCHLD), so a wrapping sh writes the status to a file instead. It traps SIGINT
  // (not ignores: the program starts with the default action) so Ctrl-C cannot kill it.
  args.insert(args.end(),
              {"sh", "-c", "trap : INT; \"$@\"; echo $? > " + dir_.file("status"), "sh"});
  args.insert(args.end(), argv.begin(), argv.end());
  // remain-on-exit keeps the pane (and its last screen) after the program ends.
  args.insert(args.end(), {";", "set-option", "-t", "test", "remain-on-exit", "on"});
  // The tmux client's own PATH wins over -e PATH=... for the new pane, so it gets `env` too.
  ProcessResult started = tmux(args, env);
  if (started.exit_code != 0) {
    tmux({"kill-server"});  // the destructor will not run
    throw std::runtime_error("tmux new-session failed: " + started.err);
  }
}

TmuxSession::~TmuxSession() { tmux({"kill-server"}); }

ProcessResult TmuxSession::tmux(std::vector<std::string> args,
                                const std::map<std::string, std::string>& env) const {
  args.insert(args.begin(), {"tmux", "-S", socket_, "-f", "/dev/null"});
  return run_process(args, "", env, std::chrono::seconds(10));
}

void TmuxSession::type(const std::string& text) { tmux({"send-keys", "-t", "test", "-l", text}); }

void TmuxSession::keys(const std::vector<std::string>& names) {
  std::vector<std::string> args = {"send-keys", "-t", "test"};
  args.insert(args.end(), names.begin(), names.end());
  tmux(args);
}

std::string TmuxSession::screen() const { return tmux({"capture-pane", "-p", "-t", "test"}).out; }

std::string TmuxSession::screen_with_colors() const {
  return tmux({"capture-pane", "-p", "-e", "-t", "test"}).out;
}

bool TmuxSession::wait_for(const std::function<bool(const std::string&)>& done,
                           std::chrono::milliseconds deadline) const {
  return eventually([&] { return done(screen()); }, deadline, std::chrono::milliseconds(50));
}

bool TmuxSession::wait_for_text(const std::string& text, std::chrono::milliseconds deadline) const {
  return wait_for([&text](const std::string& s) { return s.find(text) != std::string::npos; },
                  deadline);
}

bool TmuxSession::wait_for_exit(std::chrono::milliseconds deadline) const {
  return eventually([this] { return exit_status() >= 0; }, deadline,
                    std::chrono::milliseconds(50));
}

int TmuxSession::exit_status() const {
  std::ifstream file(dir_.file("status"));
  int status = -1;
  file >> status;  // absent or not yet written: stays -1
  return file ? status : -1;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace smg::test
