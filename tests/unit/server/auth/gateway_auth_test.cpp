#include "server/auth/gateway_auth.h"

#include <catch2/catch.hpp>

#include "common/apikey/api_key_spec.h"
#include "common/crypto/crypto.h"
#include "tests/support/fake_http_client.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::AuthMethod;
using smg::Role;
using smg::server::AuthOutcome;
using smg::server::AuthResult;
using smg::server::CredentialSources;
using smg::server::GatewayAuth;
using smg::server::Request;
using smg::server::Response;

namespace {

constexpr int64_t kNow = 1700000000;
constexpr const char* kIssuer = "https://idp.test";
constexpr const char* kJwksUri = "https://idp.test/jwks";
constexpr const char* kAdminKey = "admin-key-0123456789";
constexpr const char* kUserKey = "user-key-0123456789";
constexpr const char* kSharedKey = "shared-key-0123456789";
constexpr const char* kTenantKey = "tenant-key-0123456789";
constexpr const char* kJwtShapedKey = "aaaa.bbbb.cccc";

std::shared_ptr<const smg::apikey::ApiKeyStore> key_store(const std::vector<std::string>& specs) {
  auto entries = smg::apikey::parse_api_key_flags(specs);
  REQUIRE(entries.ok());
  auto store = smg::apikey::ApiKeyStore::build(std::move(*entries));
  REQUIRE(store.ok());
  return std::make_shared<const smg::apikey::ApiKeyStore>(std::move(*store));
}

std::shared_ptr<const smg::apikey::ApiKeyStore> admin_and_user_keys() {
  return key_store({std::string("admin1:Platform Admin:admin:") + kAdminKey,
                    std::string("user1:Some User:user:") + kUserKey});
}

std::string jwt(json extra = json::object()) {
  json claims = {{"iss", kIssuer}, {"aud", "smg"}, {"sub", "alice"}, {"exp", kNow + 600}};
  claims.update(extra);
  return smg::test::mint_token(smg::test::test_key("p256"), "ES256",
                               {{"alg", "ES256"}, {"kid", "k1"}, {"typ", "JWT"}}, claims);
}

// An admin token whose signature belongs to another token: a forged payload.
std::string forged_jwt() {
  std::string genuine = jwt({{"roles", {"user"}}});
  std::string forged = jwt({{"roles", {"admin"}}, {"sub", "mallory"}});
  return forged.substr(0, forged.rfind('.')) + genuine.substr(genuine.rfind('.'));
}

// A JWT authenticator whose IdP is a fake serving one P-256 key.
struct JwtSetup {
  smg::test::FakeHttpClient http;
  smg::FixedClock clock{kNow};
  std::shared_ptr<smg::jwt::JwtAuthenticator> authenticator;
  JwtSetup() {
    http.set(kJwksUri, 200,
             json{{"keys", {smg::test::public_jwk(smg::test::test_key("p256"), "k1", "ES256")}}}
                 .dump());
    smg::jwt::JwtAuthConfig config;
    config.issuer = kIssuer;
    config.audience = "smg";
    config.jwks_uri = kJwksUri;
    authenticator = std::make_shared<smg::jwt::JwtAuthenticator>(config, http, clock);
  }
};

// The control-plane keys of admin_and_user_keys() and JWTs from `idp`.
GatewayAuth keys_and_jwt(JwtSetup& idp, smg::metrics::Registry& registry) {
  CredentialSources sources;
  sources.control_plane_keys = admin_and_user_keys();
  sources.jwt = idp.authenticator;
  return GatewayAuth(std::move(sources), registry);
}

Request request_with(const std::string& authorization, const std::string& path = "/workers") {
  Request request;
  request.method = "GET";
  request.path = path;
  if (!authorization.empty()) request.headers.emplace("Authorization", authorization);
  return request;
}

Request bearer(const std::string& token, const std::string& path = "/workers") {
  return request_with("Bearer " + token, path);
}

// Every rejection: an OpenAI-style JSON error, no-store, and never the presented token.
void check_rejection(const AuthResult& result, int status, const std::string& message,
                     const std::string& presented = "") {
  REQUIRE(result.outcome != AuthOutcome::kAllowed);
  const Response& response = result.rejection;
  CHECK(response.status == status);
  CHECK(response.header("Cache-Control") == "no-store");
  json body = json::parse(response.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  REQUIRE(body["error"].is_object());
  CHECK(body["error"]["type"].is_string());
  CHECK(body["error"]["message"] == message);
  if (!presented.empty()) {
    CHECK(response.body.find(presented) == std::string::npos);
    CHECK(result.details.find(presented) == std::string::npos);
  }
}

void check_control_plane_401(const AuthResult& result, const std::string& message,
                             const std::string& presented = "") {
  CHECK(result.outcome == AuthOutcome::kUnauthenticated);
  check_rejection(result, 401, message, presented);
  CHECK(result.rejection.header("WWW-Authenticate") == "Bearer realm=\"control-plane\"");
}

void check_data_plane_401(const AuthResult& result, const std::string& presented = "") {
  REQUIRE(result.outcome == AuthOutcome::kUnauthenticated);
  CHECK(result.rejection.status == 401);
  CHECK(result.rejection.header("WWW-Authenticate") == "Bearer realm=\"smg\"");
  CHECK(result.rejection.header("Cache-Control") == "no-store");
  json body = json::parse(result.rejection.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["error"]["type"].is_string());
  CHECK(body["error"]["message"].is_string());
  if (!presented.empty()) {
    CHECK(result.rejection.body.find(presented) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("gateway auth: nothing configured leaves both planes open", "[auth][gateway_auth]") {
  smg::metrics::Registry registry;
  GatewayAuth auth(CredentialSources{}, registry);
  CHECK_FALSE(auth.any_configured());
  CHECK_FALSE(auth.control_plane_configured());
  for (const Request& request : {request_with(""), bearer("anything"), request_with("Basic x")}) {
    AuthResult control = auth.control_plane(request);
    CHECK(control.outcome == AuthOutcome::kAllowed);
    CHECK(control.principal.auth_method == AuthMethod::kNone);
    CHECK(auth.data_plane(request).outcome == AuthOutcome::kAllowed);
  }
}

TEST_CASE("gateway auth: with only --api-key, the shared key guards the control plane",
          "[auth][gateway_auth]") {
  smg::metrics::Registry registry;
  CredentialSources sources;
  sources.shared_api_key_sha256 = smg::crypto::sha256(kSharedKey);
  GatewayAuth auth(std::move(sources), registry);
  CHECK(auth.any_configured());
  CHECK_FALSE(auth.control_plane_configured());

  AuthResult ok = auth.control_plane(bearer(kSharedKey));
  CHECK(ok.outcome == AuthOutcome::kAllowed);
  CHECK(ok.principal.role == Role::kAdmin);
  CHECK(ok.principal.auth_method == AuthMethod::kApiKey);
  check_control_plane_401(auth.control_plane(request_with("")),
                          "Missing or invalid Authorization header");
  check_control_plane_401(auth.control_plane(request_with("Basic abc")),
                          "Missing or invalid Authorization header");
  check_control_plane_401(auth.control_plane(bearer("wrong-key-xyz")),
                          "Invalid authentication token", "wrong-key-xyz");
}

TEST_CASE("gateway auth: control-plane API keys need role admin", "[auth][gateway_auth]") {
  smg::metrics::Registry registry;
  CredentialSources sources;
  sources.control_plane_keys = admin_and_user_keys();
  sources.shared_api_key_sha256 = smg::crypto::sha256(kSharedKey);
  GatewayAuth auth(std::move(sources), registry);
  CHECK(auth.control_plane_configured());

  SECTION("admin key: allowed, with its principal") {
    AuthResult result = auth.control_plane(bearer(kAdminKey));
    REQUIRE(result.outcome == AuthOutcome::kAllowed);
    CHECK(result.principal.subject == "api_key:admin1");
    CHECK(result.principal.role == Role::kAdmin);
    CHECK(result.principal.auth_method == AuthMethod::kApiKey);
    CHECK(auth.control_plane(request_with(std::string("bEaReR ") + kAdminKey)).outcome ==
          AuthOutcome::kAllowed);
  }
  SECTION("user key: 403 with SMG's message") {
    AuthResult result = auth.control_plane(bearer(kUserKey));
    CHECK(result.outcome == AuthOutcome::kForbidden);
    check_rejection(result, 403, "Admin role required for control plane access", kUserKey);
    CHECK(result.principal.subject == "api_key:user1");
  }
  SECTION("no credential: 401 with the control-plane challenge") {
    check_control_plane_401(auth.control_plane(request_with("")),
                            "Missing or invalid Authorization header");
  }
  SECTION("X-API-Key is not a control-plane credential") {
    Request request = request_with("");
    request.headers.emplace("X-API-Key", kAdminKey);
    check_control_plane_401(auth.control_plane(request), "Missing or invalid Authorization header",
                            kAdminKey);
  }
  SECTION("wrong key: 401 Invalid authentication token") {
    check_control_plane_401(auth.control_plane(bearer("not-a-configured-key")),
                            "Invalid authentication token", "not-a-configured-key");
  }
  SECTION("the shared --api-key no longer guards the control plane once it has its own auth") {
    check_control_plane_401(auth.control_plane(bearer(kSharedKey)),
                            "Invalid authentication token", kSharedKey);
  }
  SECTION("attempts are counted by method and result") {
    auth.control_plane(bearer(kAdminKey));
    auth.control_plane(bearer("nope"));
    std::string text = registry.render();
    CHECK(text.find("smg_auth_attempts_total{method=\"api_key\",result=\"success\"} 1") !=
          std::string::npos);
    CHECK(text.find("smg_auth_attempts_total{method=\"api_key\",result=\"failure\"} 1") !=
          std::string::npos);
  }
}

TEST_CASE("gateway auth: JWTs on the control plane", "[auth][gateway_auth][jwt]") {
  JwtSetup idp;
  smg::metrics::Registry registry;
  GatewayAuth auth = keys_and_jwt(idp, registry);

  SECTION("an admin JWT is allowed") {
    AuthResult result = auth.control_plane(bearer(jwt({{"roles", {"admin"}}})));
    REQUIRE(result.outcome == AuthOutcome::kAllowed);
    CHECK(result.principal.subject == "jwt:alice");
    CHECK(result.principal.auth_method == AuthMethod::kJwt);
  }
  SECTION("a user JWT is forbidden") {
    std::string token = jwt({{"roles", {"user"}}});
    AuthResult result = auth.control_plane(bearer(token));
    CHECK(result.outcome == AuthOutcome::kForbidden);
    check_rejection(result, 403, "Admin role required for control plane access", token);
  }
  SECTION("bad JWTs: 401 Invalid JWT: <reason>, never the token") {
    for (const std::string& token :
         {jwt({{"roles", {"admin"}}, {"exp", kNow - 3600}}),
          jwt({{"roles", {"admin"}}, {"aud", "other"}}),
          jwt({{"roles", {"admin"}}, {"iss", "https://evil.test"}}),
          forged_jwt(), std::string("aaaa.bbbb.cccc")}) {
      INFO(token);
      AuthResult result = auth.control_plane(bearer(token));
      CHECK(result.outcome == AuthOutcome::kUnauthenticated);
      CHECK(result.rejection.status == 401);
      CHECK(result.rejection.header("WWW-Authenticate") == "Bearer realm=\"control-plane\"");
      CHECK(result.rejection.header("Cache-Control") == "no-store");
      json body = json::parse(result.rejection.body);
      std::string message = body["error"]["message"];
      CHECK(message.rfind("Invalid JWT: ", 0) == 0);
      CHECK(message.size() > std::string("Invalid JWT: ").size());
      CHECK(result.rejection.body.find(token) == std::string::npos);
      CHECK(result.rejection.body.find(token.substr(0, token.find('.'))) == std::string::npos);
    }
  }
  SECTION("API keys still work beside JWT") {
    CHECK(auth.control_plane(bearer(kAdminKey)).outcome == AuthOutcome::kAllowed);
    CHECK(auth.control_plane(bearer(kUserKey)).outcome == AuthOutcome::kForbidden);
  }
}

TEST_CASE("gateway auth: a JWT-shaped API key never falls back from a failed JWT",
          "[auth][gateway_auth][jwt][attack]") {
  auto keys = key_store({std::string("odd:Odd Key:admin:") + kJwtShapedKey});
  smg::metrics::Registry registry;
  SECTION("JWT auth on: validated as a JWT and rejected") {
    JwtSetup idp;
    CredentialSources sources;
    sources.control_plane_keys = keys;
    sources.jwt = idp.authenticator;
    GatewayAuth auth(std::move(sources), registry);
    AuthResult result = auth.control_plane(bearer(kJwtShapedKey));
    CHECK(result.outcome == AuthOutcome::kUnauthenticated);
    CHECK(json::parse(result.rejection.body)["error"]["message"].get<std::string>().rfind(
              "Invalid JWT: ", 0) == 0);
    CHECK(auth.data_plane(bearer(kJwtShapedKey, "/v1/chat/completions")).outcome ==
          AuthOutcome::kUnauthenticated);
  }
  SECTION("JWT auth off: an ordinary API key") {
    CredentialSources sources;
    sources.control_plane_keys = keys;
    GatewayAuth auth(std::move(sources), registry);
    AuthResult result = auth.control_plane(bearer(kJwtShapedKey));
    CHECK(result.outcome == AuthOutcome::kAllowed);
    CHECK(result.principal.subject == "api_key:odd");
  }
}

TEST_CASE("gateway auth: data plane accepts every data-plane credential",
          "[auth][gateway_auth][data_plane]") {
  JwtSetup idp;
  smg::metrics::Registry registry;
  CredentialSources sources;
  sources.shared_api_key_sha256 = smg::crypto::sha256(kSharedKey);
  sources.tenant_keys.push_back({"acme", smg::crypto::sha256(kTenantKey)});
  sources.control_plane_keys = admin_and_user_keys();
  sources.jwt = idp.authenticator;
  GatewayAuth auth(std::move(sources), registry);
  const std::string path = "/v1/chat/completions";

  SECTION("shared key") {
    AuthResult result = auth.data_plane(bearer(kSharedKey, path));
    REQUIRE(result.outcome == AuthOutcome::kAllowed);
    CHECK(result.principal.auth_method == AuthMethod::kApiKey);
    CHECK(result.principal.role == Role::kUser);
  }
  SECTION("tenant key: subject auth:<tenant>") {
    AuthResult result = auth.data_plane(bearer(kTenantKey, path));
    REQUIRE(result.outcome == AuthOutcome::kAllowed);
    CHECK(result.principal.subject == "auth:acme");
  }
  SECTION("tenant key by X-API-Key") {
    Request request = request_with("", path);
    request.headers.emplace("X-API-Key", kTenantKey);
    CHECK(auth.data_plane(request).principal.subject == "auth:acme");
  }
  SECTION("control-plane keys of role user and admin") {
    AuthResult user = auth.data_plane(bearer(kUserKey, path));
    REQUIRE(user.outcome == AuthOutcome::kAllowed);
    CHECK(user.principal.subject == "api_key:user1");
    AuthResult admin = auth.data_plane(bearer(kAdminKey, path));
    REQUIRE(admin.outcome == AuthOutcome::kAllowed);
    CHECK(admin.principal.subject == "api_key:admin1");
  }
  SECTION("JWTs of role user and admin") {
    CHECK(auth.data_plane(bearer(jwt({{"roles", {"user"}}}), path)).outcome ==
          AuthOutcome::kAllowed);
    CHECK(auth.data_plane(bearer(jwt({{"roles", {"admin"}}}), path)).outcome ==
          AuthOutcome::kAllowed);
  }
  SECTION("missing, malformed, wrong and expired credentials: 401 realm smg") {
    check_data_plane_401(auth.data_plane(request_with("", path)));
    check_data_plane_401(auth.data_plane(request_with("Basic abc", path)));
    check_data_plane_401(auth.data_plane(bearer("wrong-key-xyz", path)), "wrong-key-xyz");
    std::string expired = jwt({{"exp", kNow - 3600}});
    check_data_plane_401(auth.data_plane(bearer(expired, path)), expired);
  }
}

TEST_CASE("gateway auth: the data plane is guarded by any single credential source",
          "[auth][gateway_auth][data_plane]") {
  smg::metrics::Registry registry;
  const std::string path = "/v1/models";
  SECTION("only a tenant key") {
    CredentialSources sources;
    sources.tenant_keys.push_back({"acme", smg::crypto::sha256(kTenantKey)});
    GatewayAuth auth(std::move(sources), registry);
    CHECK(auth.data_plane(bearer(kTenantKey, path)).outcome == AuthOutcome::kAllowed);
    check_data_plane_401(auth.data_plane(request_with("", path)));
    check_data_plane_401(auth.data_plane(bearer(kSharedKey, path)), kSharedKey);
    // No control-plane auth and no --api-key: the control plane stays open (SMG).
    CHECK(auth.control_plane(request_with("")).outcome == AuthOutcome::kAllowed);
  }
  SECTION("only control-plane keys") {
    CredentialSources sources;
    sources.control_plane_keys = admin_and_user_keys();
    GatewayAuth auth(std::move(sources), registry);
    CHECK(auth.data_plane(bearer(kUserKey, path)).outcome == AuthOutcome::kAllowed);
    check_data_plane_401(auth.data_plane(request_with("", path)));
  }
}

TEST_CASE("gateway auth: only a JWT not yet verified may block", "[auth][gateway_auth][jwt]") {
  JwtSetup idp;
  smg::metrics::Registry registry;
  GatewayAuth auth = keys_and_jwt(idp, registry);
  const std::string path = "/v1/chat/completions";

  // API keys, no credential and malformed headers are answered from memory.
  CHECK(auth.answers_without_blocking(bearer("not-a-jwt-key", path)));
  CHECK(auth.answers_without_blocking(request_with("", path)));
  CHECK(auth.answers_without_blocking(request_with("Basic Zm9vOmJhcg==", path)));

  std::string token = jwt({{"roles", {"user"}}});
  Request request = bearer(token, path);
  CHECK_FALSE(auth.answers_without_blocking(request));  // its check may fetch the JWKS
  int fetches = idp.http.total();
  REQUIRE(auth.data_plane(request).outcome == AuthOutcome::kAllowed);
  CHECK(auth.answers_without_blocking(request));  // verified once: a cache lookup from now on
  CHECK(idp.http.total() == fetches + (fetches == 0 ? 1 : 0));  // at most the one first fetch
  // The authentication that follows the check (the engine's order) answers from what the check
  // found: the same principal, no fetch, and a different token is not answered with it.
  int settled = idp.http.total();
  AuthResult again = auth.data_plane(request);
  REQUIRE(again.outcome == AuthOutcome::kAllowed);
  CHECK(again.principal.subject == "jwt:alice");
  CHECK(auth.answers_without_blocking(request));
  AuthResult other = auth.data_plane(bearer(jwt({{"roles", {"user"}}, {"sub", "carol"}}), path));
  REQUIRE(other.outcome == AuthOutcome::kAllowed);
  CHECK(other.principal.subject == "jwt:carol");
  CHECK(idp.http.total() == settled);

  // The data plane also reads x-api-key: an unverified JWT there goes to the pool too.
  Request in_api_key = request_with("", path);
  in_api_key.headers.emplace("x-api-key", jwt({{"roles", {"user"}}, {"sub", "bob"}}));
  CHECK_FALSE(auth.answers_without_blocking(in_api_key));
  // A forged token is never cached, so it always goes to the pool (and fails there).
  CHECK_FALSE(auth.answers_without_blocking(bearer(forged_jwt(), path)));
}

TEST_CASE("gateway auth: without JWT every credential is answered from memory",
          "[auth][gateway_auth]") {
  smg::metrics::Registry registry;
  CredentialSources sources;
  sources.control_plane_keys = admin_and_user_keys();
  GatewayAuth auth(std::move(sources), registry);
  CHECK(auth.answers_without_blocking(bearer("aaaa.bbbb.cccc", "/v1/chat/completions")));
  CHECK(auth.answers_without_blocking(bearer("some-key", "/workers")));
}

TEST_CASE("gateway auth: an API key on the data plane is no failed caller-token attempt",
          "[auth][gateway_auth][callers]") {
  smg::metrics::Registry registry;
  CredentialSources sources;
  sources.control_plane_keys = admin_and_user_keys();
  smg::server::CallerConfig caller{.token_id = "t1",
                                   .token_sha256_hex = smg::crypto::sha256_hex("caller-secret-token"),
                                   .domain = "proj/dev"};
  auto store = smg::server::CallerTokenStore::build({caller});
  REQUIRE(store.ok());
  sources.callers = std::make_shared<const smg::server::CallerTokenStore>(std::move(*store));
  GatewayAuth auth(std::move(sources), registry);
  const std::string path = "/v1/chat/completions";
  auto failures = [&] {
    return registry
        .counter("smg_auth_attempts_total", "", {{"method", "caller_token"}, {"result", "failure"}})
        .value();
  };
  REQUIRE(auth.data_plane(bearer("caller-secret-token", path)).outcome == AuthOutcome::kAllowed);
  REQUIRE(auth.data_plane(bearer(kUserKey, path)).outcome == AuthOutcome::kAllowed);
  CHECK(failures() == 0);  // the API key was taken by its own source
  CHECK(auth.data_plane(bearer("nobody-knows-this", path)).outcome ==
        AuthOutcome::kUnauthenticated);
  CHECK(failures() == 1);  // nothing took it: one failed attempt
  CHECK(auth.caller(bearer("nobody-knows-this", path)).outcome == AuthOutcome::kUnauthenticated);
  CHECK(failures() == 2);  // the caller-token-only check counts it at once, as before
}
