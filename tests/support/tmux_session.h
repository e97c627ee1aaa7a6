// A program running in a pseudo-terminal owned by a private tmux server (its own socket in a temp
// folder, no user config), for tests of interactive programs: keys go in with send-keys, the
// rendered screen comes back with capture-pane, so assertions see what a person would see.
// The destructor kills that tmux server (and only it).
//
//   TmuxSession tmux({SMGCTL_PATH, "shell"}, {{"XDG_STATE_HOME", dir.path()}});
//   REQUIRE(tmux.wait_for_text("smg> "));
//   tmux.type("ver");
//   tmux.keys({"Tab"});
//   REQUIRE(tmux.wait_for_text("smg> version "));
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace smg::test {

class TmuxSession {
 public:
  // Starts argv in an 160x48 pane with the test's environment plus `env`.
  TmuxSession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~TmuxSession();
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  void type(const std::string& text);                 // literal text
  void keys(const std::vector<std::string>& names);   // tmux key names: Enter, Tab, C-c, C-d, Up
  std::string screen() const;                         // the visible pane, one line per row
  std::string screen_with_colors() const;             // the same with SGR escapes (colours)
  bool wait_for(const std::function<bool(const std::string& screen)>& done,
                std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;
  bool wait_for_text(const std::string& text,
                     std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;
  // The program ended; its exit status (the pane stays so its last screen can be read).
  bool wait_for_exit(std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;
  int exit_status() const;  // -1 while the program runs

 private:
  ProcessResult tmux(std::vector<std::string> args,
                    const std::map<std::string, std::string>& env = {}) const;

  TempDir dir_;
  std::string socket_;
};

// Occurrences of `needle` in `text`.
std::size_t count_of(const std::string& text, const std::string& needle);

}  // namespace smg::test
