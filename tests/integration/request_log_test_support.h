// A real `smgctl serve --config` with caller tokens, Basic browser admins, a report policy,
// admin reports and content capture on, in front of `smgctl dev-worker` processes; plus helpers
// to read its metrics and wait until the request log has written every data-plane request.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/bcrypt/bcrypt.h"
#include "common/crypto/crypto.h"
#include "tests/support/eventually.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"

namespace smg::test::reports {

// Caller tokens: app (example/prod), other (other/prod), cleaner (content_admin and
// metrics_admin in example/prod). Browser admins: admin (reports read|export|drilldown and
// content delete|purge), viewer (read only), security (security reports only), nobody (no grant).
inline const std::map<std::string, std::string> kTokens = {
    {"app", "app-token-value-1"}, {"other", "other-token-value-1"},
    {"cleaner", "cleaner-token-value-1"}};
inline const std::vector<std::string> kAdmins = {"admin", "viewer", "security", "nobody"};

inline std::string config_yaml() {
  std::string users;
  for (const auto& name : kAdmins) {
    users += "        - { username: " + name + ", password_hash_env: HASH_" + name +
             ", subject: 'basic:" + name + "', domain: example/prod }\n";
  }
  return R"(server:
  control_plane: { api_keys_env: CP_KEYS }
  callers:
    - { token_id: app, token_env: TOKEN_app, domain: example/prod }
    - { token_id: other, token_env: TOKEN_other, domain: other/prod }
    - { token_id: cleaner, token_env: TOKEN_cleaner, domain: example/prod, content_admin: true,
        metrics_admin: true }
  admin_auth:
    basic:
      enabled: true
      realm: smg admin
      allow_insecure_http: true
      users:
)" + users + R"(    authorization:
      enabled: true
      policy:
        - g, basic:admin, reports_admin, example/prod
        - p, reports_admin, example/prod, admin:reports, read|export|drilldown
        - g, basic:admin, capture_cleaner, example/prod
        - p, capture_cleaner, example/prod, content:capture, delete|purge
        - g, basic:viewer, reports_viewer, example/prod
        - p, reports_viewer, example/prod, admin:reports, read
        - g, basic:security, security_admin, example/prod
        - p, security_admin, example/prod, admin:security_reports, read
  admin_reports: { enabled: true }
  content_capture: { enabled: true, retention: 30d, max_body_bytes: 4096 }
)";
}

inline std::string password(const std::string& user) { return user + "-password"; }

// `extra_yaml` goes under `server:` (two-space indent), e.g. a request_log section; `extra_env`
// is added to the gateway's environment.
class ReportsGateway {
 public:
  explicit ReportsGateway(std::vector<std::string> extra_args = {}, std::string extra_yaml = "",
                          std::map<std::string, std::string> extra_env = {}) {
    write_file(dir_.file("smg.yaml"), config_yaml() + extra_yaml);
    std::map<std::string, std::string> env = std::move(extra_env);
    for (const auto& [name, token] : kTokens) env["TOKEN_" + name] = token;
    env["CP_KEYS"] = "ops:Ops:admin:cp-admin-key-value-1";
    for (const auto& name : kAdmins) env["HASH_" + name] = *bcrypt::hash_password(password(name), 4);
    std::vector<std::string> args = {"--config", dir_.file("smg.yaml")};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    GatewayFixtureOptions options = fixture_options(1, args, {"m1"});
    options.gateway_env = env;
    fixture_ = std::make_unique<GatewayFixture>(options);
    REQUIRE(fixture_->wait_until_healthy(1));
  }
  GatewayFixture& fixture() { return *fixture_; }
  httplib::Client client() { return fixture_->gateway().client(); }
  std::string base_url() { return fixture_->gateway().base_url(); }

 private:
  TempDir dir_;
  std::unique_ptr<GatewayFixture> fixture_;
};

inline httplib::Headers token(const std::string& caller, httplib::Headers extra = {}) {
  extra.emplace("Authorization", "Bearer " + kTokens.at(caller));
  return extra;
}

inline httplib::Headers as_admin(const std::string& user, httplib::Headers extra = {}) {
  extra.emplace("Authorization", "Basic " + crypto::base64_encode(user + ":" + password(user)));
  return extra;
}

// Sum of every series of `name` whose labels contain `label_filter` (e.g. class="data_plane").
inline double metric_sum(const std::string& text, const std::string& name,
                         const std::string& label_filter = "") {
  double sum = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0) continue;
    char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != ' ' && next != '{') continue;
    if (!label_filter.empty() && line.find(label_filter) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// Polls /metrics until the request log has written as many records as the gateway answered
// data-plane requests; returns that number (REQUIREs that they meet).
inline int wait_for_records(httplib::Client& client, int at_least) {
  double requests = 0;
  double written = 0;
  bool met = eventually(
      [&] {
        auto metrics = client.Get("/metrics", token("cleaner"));
        if (!metrics || metrics->status != 200) return false;
        requests = metric_sum(metrics->body, "smg_http_requests_total", "class=\"data_plane\"");
        written = metric_sum(metrics->body, "smg_request_log_written_total");
        return requests >= at_least && written == requests;
      },
      std::chrono::seconds(15));
  INFO("data-plane requests " << requests << ", records written " << written);
  REQUIRE(met);
  return static_cast<int>(requests);
}

inline nlohmann::json json_of(const httplib::Result& result) {
  REQUIRE(result);
  return nlohmann::json::parse(result->body, nullptr, false);
}

}  // namespace smg::test::reports
