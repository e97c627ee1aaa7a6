// Token endpoint replies, refresh (rotation kept, refusal = session over), code exchange and
// revocation (RFC 7009) against scripted provider answers.
#include "common/oidc/token_client.h"

#include <catch2/catch.hpp>

#include "common/http/form.h"
#include "tests/support/queued_http_client.h"

namespace {

constexpr const char* kToken = "https://idp.example/token";
constexpr const char* kRevoke = "https://idp.example/revoke";

smg::oidc::ClientRegistration public_client() {
  smg::oidc::ClientRegistration client;
  client.client_id = "smgctl-cli";
  client.redirect_uri = "http://127.0.0.1:5000/callback";
  return client;
}

}  // namespace

TEST_CASE("token_endpoint: replies are tokens or OAuth errors", "[login]") {
  auto tokens = smg::oidc::parse_token_reply(
      200, R"({"access_token":"at","id_token":"it","scope":"openid","expires_in":"60"})", 100);
  REQUIRE(tokens.ok());
  auto& set = std::get<smg::oidc::TokenSet>(*tokens);
  CHECK(set.access_token == "at");
  CHECK(set.id_token == "it");
  CHECK(set.expires_at == 160);
  auto error = smg::oidc::parse_token_reply(400, R"({"error":"invalid_grant"})", 0);
  REQUIRE(error.ok());
  CHECK(std::get<smg::oidc::OAuthError>(*error).error == "invalid_grant");
  CHECK(smg::oidc::parse_token_reply(502, "<html>", 0).status().reason() ==
        "oidc_token_response_invalid");
  CHECK(smg::oidc::parse_token_reply(500, "{}", 0).status().reason() ==
        "oidc_token_response_invalid");
  CHECK(smg::oidc::scope_parameter({"offline_access", "openid", "", "offline_access", "x"}) ==
        "openid offline_access x");
}

TEST_CASE("token_client: refresh keeps a rotated or the old refresh token", "[login]") {
  smg::FixedClock clock(1000);
  smg::test::QueuedHttpClient http;
  http.push(kToken, 200, R"({"access_token":"at2","refresh_token":"rt2","expires_in":30})");
  http.push(kToken, 200, R"({"access_token":"at3","expires_in":30})");
  auto rotated = smg::oidc::refresh_tokens(http, clock, kToken, public_client(), "rt1");
  REQUIRE(rotated.ok());
  CHECK(rotated->access_token == "at2");
  CHECK(rotated->refresh_token == "rt2");
  CHECK(rotated->expires_at == 1030);
  auto kept = smg::oidc::refresh_tokens(http, clock, kToken, public_client(), "rt2");
  REQUIRE(kept.ok());
  CHECK(kept->refresh_token == "rt2");
  CHECK(http.requests().at(0).body == smg::http::form_encode({{"grant_type", "refresh_token"},
                                                              {"refresh_token", "rt1"},
                                                              {"client_id", "smgctl-cli"}}));
}

TEST_CASE("token_client: a refused refresh ends the session, an outage does not", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  SECTION("invalid_grant") {
    http.push(kToken, 400, R"({"error":"invalid_grant","error_description":"grant revoked"})");
    auto refreshed = smg::oidc::refresh_tokens(http, clock, kToken, public_client(), "rt");
    CHECK(refreshed.status().reason() == "oidc_refresh_rejected");
    CHECK(refreshed.status().code() == smg::Code::kUnauthenticated);
    CHECK(refreshed.status().message().find("rt") == std::string::npos);
  }
  SECTION("no refresh token at all") {
    auto refreshed = smg::oidc::refresh_tokens(http, clock, kToken, public_client(), "");
    CHECK(refreshed.status().reason() == "oidc_refresh_rejected");
    CHECK(http.requests().empty());
  }
  SECTION("unreachable") {
    http.push_failure(kToken, "http_connect_failed");
    auto refreshed = smg::oidc::refresh_tokens(http, clock, kToken, public_client(), "rt");
    CHECK(refreshed.status().reason() == "oidc_unavailable");
  }
}

TEST_CASE("token_client: the code exchange sends the verifier and keeps every token", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  http.push(kToken, 200, R"({"access_token":"at","refresh_token":"rt","id_token":"it"})");
  smg::oidc::ProviderMetadata metadata;
  metadata.token_endpoint = kToken;
  auto client = public_client();
  SECTION("public client") {
    auto tokens = smg::oidc::exchange_code_for_tokens(http, clock, metadata, client, "c", "v");
    REQUIRE(tokens.ok());
    CHECK(tokens->refresh_token == "rt");
    CHECK(http.requests().at(0).body ==
          smg::http::form_encode({{"grant_type", "authorization_code"},
                                  {"code", "c"},
                                  {"redirect_uri", "http://127.0.0.1:5000/callback"},
                                  {"code_verifier", "v"},
                                  {"client_id", "smgctl-cli"}}));
  }
  SECTION("confidential client: Basic, no client_id in the body") {
    client.client_secret = smg::crypto::Secret("s3cret");
    REQUIRE(smg::oidc::exchange_code_for_tokens(http, clock, metadata, client, "c", "v").ok());
    auto request = http.requests().at(0);
    CHECK(request.headers.at("Authorization") == "Basic c21nY3RsLWNsaTpzM2NyZXQ=");
    CHECK(request.body.find("client_id") == std::string::npos);
  }
  SECTION("refused code") {
    smg::test::QueuedHttpClient refusing;
    refusing.push(kToken, 400, R"({"error":"invalid_grant"})");
    auto tokens = smg::oidc::exchange_code_for_tokens(refusing, clock, metadata, client, "c", "v");
    CHECK(tokens.status().reason() == "oidc_token_invalid");
  }
}

TEST_CASE("token_client: revocation per RFC 7009", "[login]") {
  smg::test::QueuedHttpClient http;
  http.push(kRevoke, 200, "");
  CHECK(smg::oidc::revoke_token(http, kRevoke, public_client(), "rt").ok());
  CHECK(http.requests().at(0).body ==
        smg::http::form_encode(
            {{"token", "rt"}, {"token_type_hint", "refresh_token"}, {"client_id", "smgctl-cli"}}));
  smg::test::QueuedHttpClient refusing;
  refusing.push(kRevoke, 400, R"({"error":"unsupported_token_type"})");
  CHECK(smg::oidc::revoke_token(refusing, kRevoke, public_client(), "rt").reason() ==
        "oidc_revocation_failed");
  CHECK(
      smg::oidc::revoke_token(http, "http://idp.example/revoke", public_client(), "rt").reason() ==
      "oidc_unavailable");
}
