// LocalHttpServer: a cpp-httplib server on 127.0.0.1 and an OS-chosen port, listening on its own
// thread for the life of the object, that counts the TCP connections it has seen (by the peer's
// port). Also Signal, a one-shot event with a timed wait, for handlers and tests to meet without
// sleeps. Header-only: only integration tests link cpp-httplib.
// Thread-safety: connections() may be called from any thread; register routes before start().
//
//   smg::test::LocalHttpServer server;
//   server.http().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
//     res.set_content("hello", "text/plain");
//   });
//   server.start();
//   std::string url = server.url("/ok");
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace smg::test {

class Signal {
 public:
  void set() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      set_ = true;
    }
    cv_.notify_all();
  }
  bool is_set() {
    std::lock_guard<std::mutex> guard(mutex_);
    return set_;
  }
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

class LocalHttpServer {
 public:
  explicit LocalHttpServer(std::size_t threads = 96) {
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_keep_alive_max_count(100000);  // httplib's default (5) would defeat reuse tests
    server_.set_keep_alive_timeout(30);
    server_.set_tcp_nodelay(true);  // else Nagle + delayed ACKs add ~40 ms to every response
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard<std::mutex> guard(mutex_);
      peer_ports_.insert(req.remote_port);
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  ~LocalHttpServer() {
    server_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  httplib::Server& http() { return server_; }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      throw std::runtime_error("LocalHttpServer: bind failed");
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Distinct TCP connections that carried at least one request.
  std::size_t connections() {
    std::lock_guard<std::mutex> guard(mutex_);
    return peer_ports_.size();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::set<int> peer_ports_;
};

}  // namespace smg::test
