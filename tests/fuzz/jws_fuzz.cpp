// JWS compact parser and verifier: never crash on any input, and never accept a token against a
// fixed key set (the fuzzer cannot forge an RS256/ES256 signature; an acceptance is a bug).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/clock/clock.h"
#include "common/jwks/jwk_set.h"
#include "common/jwt/jws.h"
#include "common/jwt/verifier.h"

namespace {

// RFC 7515 appendix A.2 (RSA) and A.3 (P-256) public keys.
constexpr std::string_view kRsaN =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
constexpr std::string_view kRfcRs256 = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
constexpr std::string_view kRfcEs256 = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// Single-key sets (no kid needed), so the RFC tokens in the seed corpus reach the signature
// check; any other accepted token is a forgery.
const smg::jwks::JwkSet& rsa_set() {
  static const smg::jwks::JwkSet kSet = *smg::jwks::JwkSet::parse(
      R"({"keys":[{"kty":"RSA","n":")" + std::string(kRsaN) + R"(","e":"AQAB"}]})");
  return kSet;
}
const smg::jwks::JwkSet& ec_set() {
  static const smg::jwks::JwkSet kSet = *smg::jwks::JwkSet::parse(
      R"({"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
      R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})");
  return kSet;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  (void)smg::jwt::parse_jws(token);
  static const smg::FixedClock kClock(1300000000);
  smg::jwt::VerifyPolicy policy;
  bool accepted = smg::jwt::verify(token, rsa_set(), policy, kClock).ok() ||
                  smg::jwt::verify(token, ec_set(), policy, kClock).ok();
  if (accepted && token != kRfcRs256 && token != kRfcEs256) {
    std::abort();
  }
  return 0;
}
