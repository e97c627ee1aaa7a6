// Who may call what, end to end: real `smgctl serve` processes on port 0,
// every control-plane route against admin / user / missing / wrong credentials, with API keys and
// with JWTs minted by npm `jose` against a local IdP, and the data plane through a dev worker.
#include <httplib.h>

#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/local_idp.h"
#include "tests/support/background_process.h"
#include "tests/support/peers.h"

using nlohmann::json;
using smg::test::BackgroundProcess;

namespace {

constexpr const char* kAdminKey = "matrix-admin-key-0123456789";
constexpr const char* kUserKey = "matrix-user-key-0123456789";
constexpr const char* kWrongKey = "matrix-wrong-key-0123456789";
constexpr const char* kSharedKey = "matrix-shared-key-0123456789";
constexpr const char* kTenantKey = "matrix-tenant-key-0123456789";
constexpr const char* kJwtShapedKey = "aaaa.bbbb.cccc";
constexpr const char* kUnknownUuid = "123e4567-e89b-42d3-a456-426614174000";
constexpr const char* kAdminRequired = "Admin role required for control plane access";
constexpr const char* kMissingHeader = "Missing or invalid Authorization header";
constexpr const char* kInvalidToken = "Invalid authentication token";

std::vector<std::string> control_plane_keys() {
  return {"--control-plane-api-keys", std::string("admin1:Matrix Admin:admin:") + kAdminKey,
          std::string("user1:Matrix User:user:") + kUserKey};
}

// One `smgctl serve --port 0` and a client for it.
class Gateway {
 public:
  explicit Gateway(const std::vector<std::string>& flags) {
    std::vector<std::string> argv{SMGCTL_PATH, "serve", "--port", "0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    process_ = std::make_unique<BackgroundProcess>(argv);
    auto line = process_->wait_for_line("smg listening on http://", std::chrono::seconds(30));
    INFO(process_->err());
    REQUIRE(line);
    port_ = smg::test::trailing_port(*line);
    REQUIRE(port_ > 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(30, 0);
  }
  ~Gateway() { process_->stop(); }

  httplib::Result call(const std::string& method, const std::string& path,
                       const std::string& authorization, const std::string& body = "",
                       httplib::Headers headers = {}) {
    httplib::Request request;
    request.method = method;
    request.path = path;
    request.headers = std::move(headers);
    if (!authorization.empty()) request.headers.emplace("Authorization", authorization);
    if (!body.empty()) {
      request.body = body;
      request.headers.emplace("Content-Type", "application/json");
    }
    return client_->send(request);
  }
  std::string err() const { return process_->err(); }

 private:
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

struct Route {
  std::string method;
  std::string path;
  std::string body;
  std::set<int> admin_statuses;  // what the handler answers an admin
};

std::vector<Route> control_plane_routes() {
  const std::string worker = std::string("/workers/") + kUnknownUuid;
  const std::string wasm = std::string("/wasm/") + kUnknownUuid;
  return {
      {"GET", "/workers", "", {200}},
      {"POST", "/workers", R"({"url":"http://127.0.0.1:9"})", {202, 409}},
      {"GET", worker, "", {404}},
      {"PUT", worker, R"({"priority":10})", {404}},
      {"PATCH", worker, R"({"priority":10})", {404}},
      {"DELETE", worker, "", {404}},
      {"GET", "/v1/tokenizers", "", {200}},
      {"POST", "/v1/tokenizers", R"({"name":"t"})", {422}},  // no source
      {"GET", "/v1/tokenizers/tok-1", "", {404}},
      {"GET", "/v1/tokenizers/tok-1/status", "", {404}},
      {"DELETE", "/v1/tokenizers/tok-1", "", {404}},
      {"POST", "/parse/function_call", R"({"text":"x"})", {422}},  // no tool_call_parser
      {"POST", "/parse/reasoning", R"({"text":"x"})", {422}},      // no reasoning_parser
      // The gateway runs without --enable-wasm.
      {"GET", "/wasm", "", {400}},
      {"POST", "/wasm", R"({"name":"m"})", {400}},
      {"GET", wasm, "", {400}},
      {"DELETE", wasm, "", {400}},
      {"POST", "/flush_cache", "", {200, 206}},
      {"GET", "/get_loads", "", {200}},
      {"GET", "/admin/audit", "", {200}},
  };
}

json error_of(const httplib::Result& result) {
  json body = json::parse(result->body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  REQUIRE(body.contains("error"));
  CHECK(body["error"]["type"].is_string());
  CHECK(body["error"]["message"].is_string());
  CHECK(result->get_header_value("Cache-Control") == "no-store");
  return body["error"];
}

std::string message_of(const httplib::Result& result) {
  return error_of(result)["message"].get<std::string>();
}

void check_admitted(const httplib::Result& result, const Route& route) {
  REQUIRE(result);
  INFO(result->status << " " << result->body);
  CHECK(route.admin_statuses.count(result->status) == 1);
  CHECK(result->status != 501);
  if (result->status == 404 && route.path.rfind("/workers/", 0) == 0) {
    CHECK(error_of(result)["code"] == "WORKER_NOT_FOUND");
  }
  if (route.path.rfind("/wasm", 0) == 0) CHECK(error_of(result)["type"] == "wasm_disabled");
}

void check_forbidden(const httplib::Result& result, const std::string& presented) {
  REQUIRE(result);
  CHECK(result->status == 403);
  CHECK(message_of(result) == kAdminRequired);
  CHECK(result->body.find(presented) == std::string::npos);
}

void check_control_plane_401(const httplib::Result& result, const std::string& message,
                             const std::string& presented = "") {
  REQUIRE(result);
  CHECK(result->status == 401);
  CHECK(result->get_header_value("WWW-Authenticate") == "Bearer realm=\"control-plane\"");
  CHECK(message_of(result) == message);
  if (!presented.empty()) CHECK(result->body.find(presented) == std::string::npos);
}

void check_invalid_jwt(const httplib::Result& result, const std::string& token) {
  REQUIRE(result);
  CHECK(result->status == 401);
  CHECK(result->get_header_value("WWW-Authenticate") == "Bearer realm=\"control-plane\"");
  std::string message = message_of(result);
  CHECK(message.rfind("Invalid JWT: ", 0) == 0);
  CHECK(result->body.find(token) == std::string::npos);
}

// Every route: the admin credential reaches the handler, the user one is forbidden, no and wrong
// credentials are unauthenticated.
void check_control_plane_matrix(Gateway& gateway, const std::string& admin,
                                const std::string& user) {
  for (const Route& route : control_plane_routes()) {
    INFO(route.method << " " << route.path);
    check_admitted(gateway.call(route.method, route.path, "Bearer " + admin, route.body), route);
    check_forbidden(gateway.call(route.method, route.path, "Bearer " + user, route.body), user);
    check_control_plane_401(gateway.call(route.method, route.path, "", route.body),
                            kMissingHeader);
    check_control_plane_401(gateway.call(route.method, route.path, "Basic YTpi", route.body),
                            kMissingHeader);
    check_control_plane_401(gateway.call(route.method, route.path, std::string("Bearer ") + kWrongKey,
                                         route.body),
                            kInvalidToken, kWrongKey);
  }
}

// The IdP and the jose-minted tokens for it.
struct JoseIdp {
  smg::test::LocalIdp idp{R"({"keys":[]})"};
  smg::test::TempDir dir;
  json tokens;
  JoseIdp() {
    auto minted = smg::test::run_peer("mint-gateway-jwts.mjs", {dir.path(), idp.base_url()});
    INFO(minted.err);
    REQUIRE(minted.exit_code == 0);
    idp.set_jwks(smg::test::read_file(dir.file("jwks.json")));
    tokens = json::parse(smg::test::read_file(dir.file("tokens.json")));
  }
  std::string token(const std::string& name) const { return tokens.at(name).get<std::string>(); }
  std::vector<std::string> flags() const {
    return {"--jwt-issuer", idp.base_url(), "--jwt-audience", "smg"};
  }
};

using smg::test::eventually;

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("gateway auth matrix: control-plane API keys on every route",
          "[integration][gateway][auth]") {
  Gateway gateway(control_plane_keys());
  check_control_plane_matrix(gateway, kAdminKey, kUserKey);
  SECTION("the scheme is case-insensitive") {
    auto result = gateway.call("GET", "/workers", std::string("bearer ") + kAdminKey);
    REQUIRE(result);
    CHECK(result->status == 200);
  }
  SECTION("the audit ring saw admitted, denied and unauthenticated calls") {
    auto result = gateway.call("GET", "/admin/audit", std::string("Bearer ") + kAdminKey);
    REQUIRE(result);
    REQUIRE(result->status == 200);
    std::set<std::string> outcomes;
    const json events = json::parse(result->body)["events"];
    REQUIRE(events.is_array());
    for (const auto& event : events) {
      outcomes.insert(event["outcome"].get<std::string>());
      CHECK(event.dump().find(kWrongKey) == std::string::npos);
      CHECK(event.dump().find(kUserKey) == std::string::npos);
    }
    CHECK(outcomes == std::set<std::string>{"success", "denied", "unauthenticated"});
  }
}

TEST_CASE("gateway auth matrix: only --api-key guards the control plane",
          "[integration][gateway][auth]") {
  Gateway gateway({"--api-key", kSharedKey});
  auto admitted = gateway.call("GET", "/workers", std::string("Bearer ") + kSharedKey);
  REQUIRE(admitted);
  CHECK(admitted->status == 200);
  check_control_plane_401(gateway.call("GET", "/workers", ""), kMissingHeader);
  check_control_plane_401(gateway.call("GET", "/workers", std::string("Bearer ") + kWrongKey),
                          kInvalidToken, kWrongKey);
}

TEST_CASE("gateway auth matrix: nothing configured leaves the control plane open",
          "[integration][gateway][auth]") {
  Gateway gateway({});
  auto result = gateway.call("GET", "/workers", "");
  REQUIRE(result);
  CHECK(result->status == 200);
}

TEST_CASE("gateway auth matrix: jose JWTs on every route", "[integration][gateway][auth][jwt]") {
  JoseIdp jose;
  Gateway gateway(concat(jose.flags(), {"--control-plane-api-keys",
                                        std::string("admin1:Matrix Admin:admin:") + kAdminKey,
                                        std::string("shaped:Shaped:admin:") + kJwtShapedKey}));
  check_control_plane_matrix(gateway, jose.token("admin"), jose.token("user"));

  SECTION("expired, wrong audience, wrong issuer and foreign signature: Invalid JWT") {
    for (const char* name : {"expired", "wrong_aud", "wrong_iss", "other_key"}) {
      INFO(name);
      for (const Route& route : control_plane_routes()) {
        INFO(route.method << " " << route.path);
        check_invalid_jwt(gateway.call(route.method, route.path, "Bearer " + jose.token(name),
                                       route.body),
                          jose.token(name));
      }
    }
  }
  SECTION("without a role mapping, IdP groups and custom claims give role user") {
    check_forbidden(gateway.call("GET", "/workers", "Bearer " + jose.token("group_admin")),
                    jose.token("group_admin"));
    check_forbidden(gateway.call("GET", "/workers", "Bearer " + jose.token("custom_admin")),
                    jose.token("custom_admin"));
  }
  SECTION("a JWT-shaped control-plane API key is validated as a JWT: no fallback") {
    check_invalid_jwt(gateway.call("GET", "/workers", std::string("Bearer ") + kJwtShapedKey),
                      kJwtShapedKey);
  }
  SECTION("API keys keep working beside JWT") {
    auto result = gateway.call("GET", "/workers", std::string("Bearer ") + kAdminKey);
    REQUIRE(result);
    CHECK(result->status == 200);
  }
}

TEST_CASE("gateway auth matrix: a JWT-shaped API key works when JWT auth is off",
          "[integration][gateway][auth][jwt]") {
  Gateway gateway({"--control-plane-api-keys", std::string("shaped:Shaped:admin:") + kJwtShapedKey});
  auto result = gateway.call("GET", "/workers", std::string("Bearer ") + kJwtShapedKey);
  REQUIRE(result);
  CHECK(result->status == 200);
}

TEST_CASE("gateway auth matrix: JWT role mapping and a custom role claim",
          "[integration][gateway][auth][jwt]") {
  JoseIdp jose;
  SECTION("--jwt-role-mapping Gateway.Admin=admin") {
    Gateway gateway(concat(jose.flags(), {"--jwt-role-mapping", "Gateway.Admin=admin"}));
    check_control_plane_matrix(gateway, jose.token("group_admin"), jose.token("user"));
  }
  SECTION("--jwt-role-claim https://smg.example.com/roles --jwt-role-mapping smg-admin=admin") {
    Gateway gateway(concat(jose.flags(), {"--jwt-role-claim", "https://smg.example.com/roles",
                                          "--jwt-role-mapping", "smg-admin=admin"}));
    check_control_plane_matrix(gateway, jose.token("custom_admin"), jose.token("user"));
    check_forbidden(gateway.call("GET", "/workers", "Bearer " + jose.token("group_admin")),
                    jose.token("group_admin"));
  }
}

TEST_CASE("gateway auth matrix: an unreachable IdP fails closed, API keys still work",
          "[integration][gateway][auth][jwt]") {
  JoseIdp jose;
  std::vector<std::string> flags = jose.flags();
  jose.idp.stop();  // nothing listens on the issuer's port any more
  Gateway gateway(concat(flags, control_plane_keys()));
  for (const Route& route : control_plane_routes()) {
    INFO(route.method << " " << route.path);
    check_invalid_jwt(gateway.call(route.method, route.path, "Bearer " + jose.token("admin"),
                                   route.body),
                      jose.token("admin"));
  }
  auto by_key = gateway.call("GET", "/workers", std::string("Bearer ") + kAdminKey);
  REQUIRE(by_key);
  CHECK(by_key->status == 200);
  check_forbidden(gateway.call("GET", "/get_loads", std::string("Bearer ") + kUserKey), kUserKey);
}

TEST_CASE("gateway auth matrix: data plane through a dev worker",
          "[integration][gateway][auth][data_plane]") {
  JoseIdp jose;
  BackgroundProcess worker({SMGCTL_PATH, "dev-worker", "--port", "0", "--api-key-env", "WORKER_KEY"},
                           {{"WORKER_KEY", kSharedKey}});
  auto line = worker.wait_for_line("listening on http://", std::chrono::seconds(30));
  INFO(worker.err());
  REQUIRE(line);
  const std::string worker_url = "http://127.0.0.1:" + std::to_string(smg::test::trailing_port(*line));
  Gateway gateway(concat(concat(jose.flags(), control_plane_keys()),
                         {"--worker-urls", worker_url, "--api-key", kSharedKey, "--tenant-api-key",
                          std::string("acme:") + kTenantKey, "--health-check-interval-secs", "1"}));
  REQUIRE(eventually(
      [&] {
        auto ready = gateway.call("GET", "/readiness", "");
        return ready && ready->status == 200;
      },
      std::chrono::seconds(30)));
  const std::string chat =
      R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"hello matrix"}]})";

  const std::map<std::string, std::string> accepted = {
      {"user key", kUserKey},          {"admin key", kAdminKey},
      {"JWT user", jose.token("user")}, {"JWT admin", jose.token("admin")},
      {"--api-key", kSharedKey},        {"--tenant-api-key", kTenantKey}};
  for (const auto& [name, credential] : accepted) {
    INFO(name);
    auto result = gateway.call("POST", "/v1/chat/completions", "Bearer " + credential, chat);
    REQUIRE(result);
    INFO(result->body);
    CHECK(result->status == 200);
    CHECK(result->body.find("hello matrix") != std::string::npos);
    auto models = gateway.call("GET", "/v1/models", "Bearer " + credential);
    REQUIRE(models);
    CHECK(models->status == 200);
  }
  SECTION("the tenant key by X-API-Key") {
    auto result = gateway.call("POST", "/v1/chat/completions", "", chat,
                               {{"X-API-Key", kTenantKey}});
    REQUIRE(result);
    CHECK(result->status == 200);
  }
  SECTION("none, wrong, malformed and bad JWT: 401 realm smg") {
    for (const std::string& authorization :
         {std::string(), std::string("Bearer ") + kWrongKey, std::string("Basic YTpi"),
          "Bearer " + jose.token("expired"), "Bearer " + jose.token("other_key")}) {
      INFO(authorization);
      auto result = gateway.call("POST", "/v1/chat/completions", authorization, chat);
      REQUIRE(result);
      CHECK(result->status == 401);
      CHECK(result->get_header_value("WWW-Authenticate") == "Bearer realm=\"smg\"");
      error_of(result);
      CHECK(result->body.find(kWrongKey) == std::string::npos);
      auto models = gateway.call("GET", "/v1/models", authorization);
      REQUIRE(models);
      CHECK(models->status == 401);
    }
  }
}
