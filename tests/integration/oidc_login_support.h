// The browser side of an OIDC login for integration tests: a real OpenID Provider (npm
// oidc-provider, tests/peers) that knows the gateways' callback URLs, the gateway's
// /admin/auth/login redirect, and the OP's login form driven like a browser (cookie jar).
//
//   Op op = start_op({gateway_port});
//   Begun begun = begin_login(gateway, "smg_admin_session");
//   std::string callback = login_at_op(op.port, begun.authorize_url, "alice");
//   auto done = gateway.Get(callback, {{"Cookie", begun.prelogin}});   // 302, session cookie
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/admin_test_support.h"

namespace smg::test::admin {

struct Op {
  std::unique_ptr<BackgroundProcess> process;
  int port = 0;
};

inline Op start_op(const std::vector<int>& gateway_ports) {
  std::string redirects;
  for (int port : gateway_ports) {
    if (!redirects.empty()) redirects += ",";
    redirects += "http://127.0.0.1:" + std::to_string(port) + "/admin/auth/callback";
  }
  Op op;
  op.process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"node", smg::test::peers_dir() + "/oidc-provider.mjs"},
      std::map<std::string, std::string>{{"PORT", "0"}, {"GATEWAY_REDIRECT", redirects}});
  auto line = op.process->wait_for_line("\"issuer\"", std::chrono::seconds(30));
  INFO(op.process->err());
  REQUIRE(line);
  op.port = nlohmann::json::parse(*line)["port"].get<int>();
  return op;
}

struct Begun {
  std::string authorize_url;
  std::string prelogin;  // "name=value"
};

inline Begun begin_login(httplib::Client& gateway, const std::string& cookie_name) {
  auto login = gateway.Get("/admin/auth/login");
  REQUIRE(login);
  REQUIRE(login->status == 302);
  Begun begun{login->get_header_value("Location"), cookie_pair(login, cookie_name + "_login_")};
  REQUIRE_FALSE(begun.prelogin.empty());
  return begun;
}

// Drives the OP like a browser (cookie jar, redirects, the JSON login form) until it redirects to
// the gateway's callback; returns that callback's path and query.
inline std::string login_at_op(int op_port, const std::string& authorize_url, const std::string& user) {
  httplib::Client op("127.0.0.1", op_port);
  std::map<std::string, std::string> jar;
  auto cookie_header = [&] {
    std::string header;
    for (const auto& [name, value] : jar) header += name + "=" + value + "; ";
    return header;
  };
  std::string origin = "http://127.0.0.1:" + std::to_string(op_port);
  std::string next = authorize_url.substr(origin.size());
  for (int step = 0; step < 20; ++step) {
    auto result = op.Get(next, {{"Cookie", cookie_header()}});
    REQUIRE(result);
    for (const auto& value : set_cookies(result)) {
      std::string pair = value.substr(0, value.find(';'));
      jar[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
    }
    if (result->status == 200) {
      auto page = body_json(result);
      REQUIRE(page["prompt"] == "login");
      std::string uid = page["uid"];
      auto posted = op.Post("/interaction/" + uid + "/login", {{"Cookie", cookie_header()}},
                            "login=" + user + "&password=" + user + "-pw",
                            "application/x-www-form-urlencoded");
      REQUIRE(posted);
      REQUIRE(posted->status / 100 == 3);
      next = posted->get_header_value("Location");
    } else {
      INFO(result->body);
      REQUIRE(result->status / 100 == 3);
      next = result->get_header_value("Location");
    }
    if (next.find("/admin/auth/callback") != std::string::npos) {
      return next.substr(next.find("/admin/auth/callback"));
    }
    if (next.rfind(origin, 0) == 0) next = next.substr(origin.size());
  }
  FAIL("the OP never redirected to the callback");
  return "";
}

}  // namespace smg::test::admin
