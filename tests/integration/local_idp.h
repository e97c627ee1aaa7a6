// LocalIdp: a real HTTP identity provider on 127.0.0.1 (cpp-httplib, port chosen by the OS) that
// serves OIDC discovery and a swappable JWKS, counts requests, and offers two hostile routes:
// /big (a JWKS over 1 MiB) and /redirect (302 to /jwks). For integration tests only.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace smg::test {

class LocalIdp {
 public:
  explicit LocalIdp(std::string jwks) : jwks_(std::move(jwks)) {
    server_.Get("/.well-known/openid-configuration", [this](const auto&, httplib::Response& res) {
      ++discovery_hits_;
      nlohmann::json doc{{"issuer", base_url()}, {"jwks_uri", base_url() + "/jwks"}};
      res.set_content(doc.dump(), "application/json");
    });
    server_.Get("/jwks", [this](const auto&, httplib::Response& res) {
      ++jwks_hits_;
      std::lock_guard lock(mutex_);
      res.set_header("Cache-Control", "max-age=300");
      res.set_content(jwks_, "application/json");
    });
    server_.Get("/big", [](const auto&, httplib::Response& res) {
      res.set_content(R"({"keys":[],"pad":")" + std::string((1 << 20) + 16, 'a') + "\"}",
                      "application/json");
    });
    server_.Get("/redirect", [this](const auto&, httplib::Response& res) {
      res.set_redirect(base_url() + "/jwks");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      throw std::runtime_error("LocalIdp: bind failed");
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~LocalIdp() { stop(); }
  LocalIdp(const LocalIdp&) = delete;
  LocalIdp& operator=(const LocalIdp&) = delete;

  void stop() {
    server_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  void set_jwks(std::string jwks) {
    std::lock_guard lock(mutex_);
    jwks_ = std::move(jwks);
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int jwks_hits() const { return jwks_hits_.load(); }
  int discovery_hits() const { return discovery_hits_.load(); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::string jwks_;
  std::atomic<int> jwks_hits_{0};
  std::atomic<int> discovery_hits_{0};
};

}  // namespace smg::test
