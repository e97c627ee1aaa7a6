#include <catch2/catch.hpp>

#include "common/oidc/pkce.h"

TEST_CASE("pkce: RFC 7636 appendix B vector", "[oidc][pkce]") {
  CHECK(smg::oidc::s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("pkce: fresh 43-character verifiers", "[oidc][pkce]") {
  auto a = smg::oidc::make_pkce();
  auto b = smg::oidc::make_pkce();
  CHECK(a.verifier.size() == 43);
  CHECK(a.verifier != b.verifier);
  CHECK(a.challenge == smg::oidc::s256_challenge(a.verifier));
}
