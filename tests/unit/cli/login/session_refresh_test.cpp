// Refreshing a stored `smgctl login` session: only near expiry, rotated tokens saved, a refused
// refresh ends the session, an unreachable provider does not waste a still-valid token.
#include "cli/login/session_refresh.h"

#include <catch2/catch.hpp>

#include "cli/remote/gateway_client.h"
#include "cli/remote/target.h"
#include "tests/support/peers.h"
#include "tests/support/queued_http_client.h"
#include "tests/support/scripted_http_client.h"

using smg::cli::ContextStore;
using smg::cli::Credential;
using smg::cli::fresh_access_token;
using smg::crypto::Secret;

namespace {

constexpr const char* kToken = "https://idp.example/token";

ContextStore store_with_session(const std::string& dir, int64_t expires_at) {
  auto store = ContextStore::open(dir);
  REQUIRE(store.ok());
  smg::cli::Context lab;
  lab.name = "lab";
  lab.server = "https://lab.example";
  REQUIRE(store->set_context(lab).ok());
  Credential credential;
  credential.oidc.emplace();
  credential.oidc->issuer = "https://idp.example";
  credential.oidc->client_id = "smgctl-cli";
  credential.oidc->access_token = Secret("at-1");
  credential.oidc->refresh_token = Secret("rt-1");
  credential.oidc->expires_at = expires_at;
  credential.oidc->token_endpoint = kToken;
  REQUIRE(store->save_credential("lab", credential).ok());
  return std::move(*store);
}

}  // namespace

TEST_CASE("session_refresh: a token with more than 30 s left is used as stored", "[login]") {
  smg::test::TempDir dir;
  smg::FixedClock clock(1000);
  ContextStore store = store_with_session(dir.path(), 1031);
  smg::test::QueuedHttpClient http;
  auto bearer = fresh_access_token(store, "lab", http, clock);
  REQUIRE(bearer.ok());
  CHECK(*bearer == "at-1");
  CHECK(http.requests().empty());
  CHECK_FALSE(smg::cli::needs_refresh(store.credential("lab")->oidc.value(), 1000));
  CHECK(smg::cli::needs_refresh(store.credential("lab")->oidc.value(), 1002));
}

TEST_CASE("session_refresh: near expiry the tokens are refreshed and saved", "[login]") {
  smg::test::TempDir dir;
  smg::FixedClock clock(1000);
  ContextStore store = store_with_session(dir.path(), 1029);
  smg::test::QueuedHttpClient http;
  http.push(kToken, 200, R"({"access_token":"at-2","refresh_token":"rt-2","expires_in":3600})");
  auto bearer = fresh_access_token(store, "lab", http, clock);
  REQUIRE(bearer.ok());
  CHECK(*bearer == "at-2");
  auto reopened = ContextStore::open(dir.path());
  REQUIRE(reopened.ok());
  auto saved = reopened->credential("lab");
  REQUIRE(saved.ok());
  REQUIRE(saved->oidc);
  CHECK(saved->oidc->access_token.reveal() == "at-2");
  CHECK(saved->oidc->refresh_token.reveal() == "rt-2");
  CHECK(saved->oidc->expires_at == 4600);
  CHECK(saved->oidc->issuer == "https://idp.example");
  SECTION("the next call uses the saved token without asking the provider") {
    auto again = fresh_access_token(*reopened, "lab", http, clock);
    REQUIRE(again.ok());
    CHECK(*again == "at-2");
    CHECK(http.requests().size() == 1);
  }
}

TEST_CASE("session_refresh: a refused refresh ends the session", "[login]") {
  smg::test::TempDir dir;
  smg::FixedClock clock(1000);
  ContextStore store = store_with_session(dir.path(), 990);
  smg::test::QueuedHttpClient http;
  http.push(kToken, 400, R"({"error":"invalid_grant"})");
  auto bearer = fresh_access_token(store, "lab", http, clock);
  REQUIRE_FALSE(bearer.ok());
  CHECK(bearer.status().code() == smg::Code::kUnauthenticated);
  CHECK(smg::cli::session_expired_message("lab") ==
        "session for context lab expired or was revoked: run `smgctl login` again");
}

TEST_CASE("session_refresh: an unreachable provider", "[login]") {
  smg::test::TempDir dir;
  smg::FixedClock clock(1000);
  smg::test::QueuedHttpClient http;
  http.push_failure(kToken, "http_connect_failed");
  SECTION("leaves a token with seconds to live in use") {
    ContextStore store = store_with_session(dir.path(), 1010);
    auto bearer = fresh_access_token(store, "lab", http, clock);
    REQUIRE(bearer.ok());
    CHECK(*bearer == "at-1");
  }
  SECTION("fails without ending the session once the token is dead") {
    ContextStore store = store_with_session(dir.path(), 999);
    auto bearer = fresh_access_token(store, "lab", http, clock);
    REQUIRE_FALSE(bearer.ok());
    CHECK(bearer.status().reason() == "oidc_unavailable");
  }
}

TEST_CASE("session_refresh: a 401 for an OIDC session says to log in again", "[login]") {
  using Source = smg::cli::RemoteTarget::Source;
  smg::cli::RemoteTarget target;
  target.context_name = "lab";
  target.source = Source::kContext;
  CHECK(smg::cli::unauthenticated_message(target, "invalid token") ==
        "invalid token: the gateway refused the key stored in context \"lab\"; replace it: "
        "smgctl context set lab --token-stdin");
  target.source = Source::kTokenFlag;
  CHECK(smg::cli::unauthenticated_message(target, "x").find("the --token credential") !=
        std::string::npos);
  target.source = Source::kEnvironment;
  CHECK(smg::cli::unauthenticated_message(target, "x").find("SMG_TOKEN") != std::string::npos);
  target.source = Source::kNone;
  CHECK(smg::cli::unauthenticated_message(target, "x").find("no credential was sent") !=
        std::string::npos);
  target.skipped_context = "prod";
  CHECK(smg::cli::unauthenticated_message(target, "x").find("add --context prod") !=
        std::string::npos);
  target.source = Source::kLoginSession;
  target.oidc_session = true;
  CHECK(smg::cli::unauthenticated_message(target, "invalid token") ==
        smg::cli::session_expired_message("lab"));
}

TEST_CASE("session_refresh: the gateway client turns a session's 401 into log in again",
          "[login]") {
  auto http = std::make_shared<smg::test::ScriptedHttpClient>();
  http->respond("https://lab.example/workers", 401,
                R"({"error":{"type":"invalid_token","message":"Invalid token"}})");
  smg::cli::RemoteTarget target;
  target.server = "https://lab.example";
  target.token = "at-1";
  target.context_name = "lab";
  auto plain = smg::cli::GatewayClient(target, http).call("GET", "/workers");
  CHECK(plain.status().code() == smg::Code::kUnauthenticated);
  CHECK(plain.status().message().find("Invalid token") != std::string::npos);
  target.oidc_session = true;
  auto session = smg::cli::GatewayClient(target, http).call("GET", "/workers");
  CHECK(session.status().code() == smg::Code::kUnauthenticated);
  CHECK(session.status().message() == smg::cli::session_expired_message("lab"));
}
