#include "tests/support/redis_server.h"

#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "tests/support/loopback_socket.h"

namespace smg::test {

RedisServer::RedisServer(std::string password) : password_(std::move(password)) {
  // The OS picks a free port; the socket closes before redis-server binds it (SO_REUSEADDR).
  int fd = bind_loopback(port_, 0);
  if (fd < 0) throw std::runtime_error("no free loopback port for redis-server");
  ::close(fd);
  start();
}

RedisServer::~RedisServer() { kill(); }

void RedisServer::start() {
  std::vector<std::string> argv = {"redis-server", "--save", "", "--appendonly", "no",
                                   "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", "/tmp", "--loglevel", "notice"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  process_ = std::make_unique<BackgroundProcess>(argv);
  if (!process_->wait_for_line("Ready to accept connections", std::chrono::seconds(10))) {
    std::string err = process_->out() + process_->err();
    process_.reset();
    throw std::runtime_error("redis-server did not start: " + err);
  }
}

void RedisServer::kill() {
  if (process_ == nullptr) return;
  process_->stop(9);
  process_.reset();
}

std::string RedisServer::url() const {
  std::string credentials = password_.empty() ? "" : ":" + password_ + "@";
  return "redis://" + credentials + "127.0.0.1:" + std::to_string(port_) + "/0";
}

}  // namespace smg::test
