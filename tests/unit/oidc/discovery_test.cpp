#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/oidc/auth_code.h"
#include "common/oidc/discovery.h"

using smg::oidc::parse_discovery;

namespace {

std::string document(const std::string& issuer, const std::string& endpoint_base) {
  return nlohmann::json{{"issuer", issuer},
                        {"authorization_endpoint", endpoint_base + "/auth"},
                        {"token_endpoint", endpoint_base + "/token"},
                        {"jwks_uri", endpoint_base + "/jwks"},
                        {"code_challenge_methods_supported", {"S256"}}}
      .dump();
}

}  // namespace

TEST_CASE("discovery: issuer must match exactly", "[oidc]") {
  auto ok = parse_discovery(document("https://idp.example", "https://idp.example"),
                            "https://idp.example");
  REQUIRE(ok.ok());
  CHECK(ok->token_endpoint == "https://idp.example/token");
  CHECK_FALSE(parse_discovery(document("https://idp.example/", "https://idp.example"),
                              "https://idp.example")
                  .ok());
  CHECK_FALSE(parse_discovery(document("https://evil.example", "https://idp.example"),
                              "https://idp.example")
                  .ok());
  CHECK_FALSE(parse_discovery("not json", "https://idp.example").ok());
}

TEST_CASE("discovery: endpoints must be https or loopback", "[oidc][attack]") {
  auto plain = parse_discovery(document("https://idp.example", "http://idp.example"),
                               "https://idp.example");
  CHECK(plain.status().reason() == "oidc_discovery_failed");
  CHECK(parse_discovery(document("http://127.0.0.1:9", "http://127.0.0.1:9"), "http://127.0.0.1:9")
            .ok());
}

TEST_CASE("auth_code: authorization URL carries PKCE S256, state, nonce, openid", "[oidc]") {
  smg::oidc::ProviderMetadata metadata{.authorization_endpoint = "https://idp.example/auth"};
  smg::oidc::ClientRegistration client{.client_id = "gw",
                                       .redirect_uri = "https://gw.example/admin/auth/callback",
                                       .scopes = {"email"}};
  std::string url = smg::oidc::authorization_url(
      metadata, client, {.state = "st", .nonce = "no", .code_challenge = "ch"});
  CHECK(url ==
        "https://idp.example/auth?response_type=code&client_id=gw&redirect_uri=https%3A%2F%2Fgw."
        "example%2Fadmin%2Fauth%2Fcallback&scope=openid%20email&state=st&nonce=no&code_"
        "challenge=ch&code_challenge_method=S256");
}

TEST_CASE("discovery: device authorization and revocation endpoints are optional", "[oidc][login]") {
  auto doc = nlohmann::json::parse(document("https://idp.example", "https://idp.example"));
  auto without = parse_discovery(doc.dump(), "https://idp.example");
  REQUIRE(without.ok());
  CHECK(without->device_authorization_endpoint.empty());
  CHECK(without->revocation_endpoint.empty());
  doc["device_authorization_endpoint"] = "https://idp.example/device/auth";
  doc["revocation_endpoint"] = "https://idp.example/token/revocation";
  auto with = parse_discovery(doc.dump(), "https://idp.example");
  REQUIRE(with.ok());
  CHECK(with->device_authorization_endpoint == "https://idp.example/device/auth");
  CHECK(with->revocation_endpoint == "https://idp.example/token/revocation");
  doc["revocation_endpoint"] = "http://idp.example/token/revocation";
  CHECK(parse_discovery(doc.dump(), "https://idp.example").status().reason() ==
        "oidc_discovery_failed");
}
