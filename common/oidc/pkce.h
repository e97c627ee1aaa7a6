// PKCE (RFC 7636) with S256 only: the verifier is 32 random bytes, base64url (43 characters);
// the challenge is base64url(SHA-256(verifier)). `plain` is never offered.
//
//   smg::oidc::Pkce pkce = smg::oidc::make_pkce();
//   url += "&code_challenge=" + pkce.challenge + "&code_challenge_method=S256";
#pragma once

#include <string>
#include <string_view>

namespace smg::oidc {

struct Pkce {
  std::string verifier{};
  std::string challenge{};
};

Pkce make_pkce();
std::string s256_challenge(std::string_view verifier);

}  // namespace smg::oidc
