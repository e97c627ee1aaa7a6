#include "tests/support/background_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace smg::test {
namespace {

// Everything exec needs, built before fork(): the child of a multi-threaded test process may
// only call async-signal-safe functions, so no allocation after fork.
struct ExecPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecPlan make_plan(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& extra_env) {
  ExecPlan plan;
  plan.argv_storage = argv;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    if (extra_env.count(text.substr(0, text.find('='))) == 0) {
      plan.env_storage.push_back(std::move(text));
    }
  }
  for (const auto& [name, value] : extra_env) {
    plan.env_storage.push_back(name + "=" + value);
  }
  for (auto& arg : plan.argv_storage) {
    plan.argv.push_back(arg.data());
  }
  for (auto& entry : plan.env_storage) {
    plan.envp.push_back(entry.data());
  }
  plan.argv.push_back(nullptr);
  plan.envp.push_back(nullptr);
  return plan;
}

[[noreturn]] void exec_child(ExecPlan& plan, int out_fd, int err_fd) {
  setpgid(0, 0);  // its own group, so stop() reaches any children it starts
  int null_fd = open("/dev/null", O_RDONLY);
  dup2(null_fd, 0);
  dup2(out_fd, 1);  // dup2 clears O_CLOEXEC on the copies
  dup2(err_fd, 2);
  execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
  _exit(127);
}

}  // namespace

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& extra_env) {
  if (argv.empty()) {
    throw std::invalid_argument("BackgroundProcess needs a program");
  }
  ExecPlan plan = make_plan(argv, extra_env);
  // O_CLOEXEC: other children spawned concurrently must not inherit (and hold open) our pipes.
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ == 0) {
    exec_child(plan, out_pipe[1], err_pipe[1]);
  }
  if (pid_ > 0) {
    setpgid(pid_, pid_);  // also here: a stop() right away must not race the child's own call
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid_ < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("fork failed");
  }
  reader_ = std::thread(
      [this, out_fd = out_pipe[0], err_fd = err_pipe[0]] { read_output(out_fd, err_fd); });
}

BackgroundProcess::~BackgroundProcess() {
  stop();
  if (reader_.joinable()) {
    reader_.join();  // the pipes close when the child (and any child of its own) is gone
  }
}

void BackgroundProcess::read_output(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  char buffer[8192];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (n > 0) {
        (i == 0 ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        out_closed_ = out_closed_ || i == 0;
      }
      output_changed_.notify_all();
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) {
      close(fd.fd);
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  out_closed_ = true;
  all_closed_ = true;
  output_changed_.notify_all();
}

bool BackgroundProcess::wait_for_output_closed(std::chrono::milliseconds deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return output_changed_.wait_for(lock, deadline, [this] { return all_closed_; });
}

std::optional<std::string> BackgroundProcess::wait_for_line(const std::string& needle,
                                                            std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::unique_lock<std::mutex> lock(mutex_);
  std::size_t line_start = 0;
  for (;;) {
    for (auto end = out_.find('\n', line_start); end != std::string::npos;
         end = out_.find('\n', line_start)) {
      std::string line = out_.substr(line_start, end - line_start);
      line_start = end + 1;
      if (line.find(needle) != std::string::npos) {
        return line;
      }
    }
    if (out_closed_ || output_changed_.wait_until(lock, until) == std::cv_status::timeout) {
      if (out_closed_ || std::chrono::steady_clock::now() >= until) {
        return std::nullopt;
      }
    }
  }
}

bool BackgroundProcess::reap(bool block) {
  if (exit_code_) {
    return true;
  }
  int status = 0;
  pid_t done = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (done != pid_) {
    return false;
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
}

int BackgroundProcess::stop(int signal, std::chrono::milliseconds deadline) {
  if (!reap(false)) {
    kill(-pid_, signal);
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!reap(false) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exit_code_) {
      kill(-pid_, SIGKILL);
      reap(true);
    }
  }
  return *exit_code_;
}

bool BackgroundProcess::running() { return !reap(false); }

std::string BackgroundProcess::out() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return out_;
}

std::string BackgroundProcess::err() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return err_;
}

int trailing_port(const std::string& line) {
  std::size_t end = line.find_last_not_of(" \r\t");
  if (end == std::string::npos) {
    return -1;
  }
  std::size_t start = line.find_last_not_of("0123456789", end);
  start = start == std::string::npos ? 0 : start + 1;
  if (start > end || end - start > 5) {
    return -1;
  }
  int port = std::atoi(line.substr(start, end - start + 1).c_str());
  return port > 0 && port <= 65535 ? port : -1;
}

}  // namespace smg::test
