// Helpers for the browser-admin integration tests: a free loopback port, starting
// `smgctl serve --config` with a YAML written by the test, and Set-Cookie / Cookie plumbing.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>

#include "tests/support/background_process.h"
#include "tests/support/peers.h"

namespace smg::test::admin {

// A port that was free a moment ago (the OP must know the gateway's callback URL up front).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t size = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct Gateway {
  std::unique_ptr<BackgroundProcess> process;
  int port = 0;
};

inline Gateway start_gateway(const std::string& config_path, const std::string& data_dir,
                             const std::map<std::string, std::string>& env, int port = 0) {
  Gateway gateway;
  gateway.process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{SMGCTL_PATH, "serve", "--config", config_path, "--port",
                               std::to_string(port), "--data-dir", data_dir},
      env);
  auto line = gateway.process->wait_for_line("smg listening on http://", std::chrono::seconds(30));
  INFO(gateway.process->err());
  REQUIRE(line);
  gateway.port = trailing_port(*line);
  return gateway;
}

inline std::vector<std::string> set_cookies(const httplib::Result& result) {
  std::vector<std::string> values;
  auto [begin, end] = result->headers.equal_range("Set-Cookie");
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

// "name=value" of the first Set-Cookie whose name starts with `prefix` and is not an expiry.
inline std::string cookie_pair(const httplib::Result& result, const std::string& prefix) {
  for (const auto& value : set_cookies(result)) {
    std::string pair = value.substr(0, value.find(';'));
    if (pair.rfind(prefix, 0) == 0 && pair.back() != '=') return pair;
  }
  return "";
}

inline nlohmann::json body_json(const httplib::Result& result) {
  return nlohmann::json::parse(result->body, nullptr, false);
}

inline void check_admin_error(const httplib::Result& result, int status, const std::string& type) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  CHECK(body_json(result) ==
        nlohmann::json({{"error", {{"type", type}, {"message", type}}}}));
  CHECK(result->get_header_value("Cache-Control") == "no-store");
  CHECK(result->get_header_value("Pragma") == "no-cache");
  CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
}

}  // namespace smg::test::admin
