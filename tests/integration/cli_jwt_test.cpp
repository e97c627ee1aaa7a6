#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "tests/integration/local_idp.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::test::run_smgctl;
using smg::test::test_key;

namespace {

int64_t now() { return smg::SystemClock::instance().now_seconds(); }

std::string rs_token(json extra = json::object(), const std::string& kid = "rs") {
  json claims = {{"iss", "https://issuer.test"}, {"aud", "smg"}, {"sub", "alice"},
                 {"exp", now() + 3600}, {"iat", now()}, {"groups", {"platform-admins"}}};
  claims.update(extra);
  return smg::test::mint_token(test_key("rsa"), "RS256", {{"alg", "RS256"}, {"kid", kid}}, claims);
}

std::string jwks_text() {
  return json{{"keys", {smg::test::public_jwk(test_key("rsa"), "rs", "RS256")}}}.dump();
}

}  // namespace

TEST_CASE("cli jwt: decode prints header and claims, unverified", "[cli][jwt]") {
  std::string token = rs_token();
  auto text = run_smgctl({"jwt", "decode", token});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("\"sub\": \"alice\"") != std::string::npos);
  CHECK(text.out.find("exp: ") != std::string::npos);
  CHECK(text.out.find("Z\n") != std::string::npos);  // human UTC time
  CHECK(text.out.find("NOT verified") != std::string::npos);

  auto doc_run = run_smgctl({"jwt", "decode", "-", "-o", "json"}, "  " + token + "\n");
  REQUIRE(doc_run.exit_code == 0);
  json doc = json::parse(doc_run.out);
  CHECK(doc["verified"] == false);
  CHECK(doc["header"]["alg"] == "RS256");
  CHECK(doc["claims"]["sub"] == "alice");

  auto bad = run_smgctl({"jwt", "decode", "not-a-token"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("jwt_malformed") != std::string::npos);
  CHECK(bad.err.find('\n') == bad.err.size() - 1);
}

TEST_CASE("cli jwt: verify with --jwks FILE and --key PEM", "[cli][jwt]") {
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("jwks.json"), jwks_text());
  smg::test::write_file(dir.file("key.pem"), smg::test::public_pem(test_key("rsa")));
  std::string token = rs_token();

  auto text = run_smgctl({"jwt", "verify", token, "--jwks", dir.file("jwks.json"), "--audience",
                          "smg", "--role-mapping", "platform-admins=admin"});
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Subject: alice") != std::string::npos);
  CHECK(text.out.find("Role: admin") != std::string::npos);
  // What was not checked is said: here iss (aud was).
  CHECK(text.out.find("Not checked: iss (no --issuer or --issuer-check)\n") != std::string::npos);

  auto doc_run = run_smgctl({"jwt", "verify", "-", "--key", dir.file("key.pem"),
                             "--issuer-check", "https://issuer.test", "-o", "json"},
                            token + "\n");
  INFO(doc_run.err);
  REQUIRE(doc_run.exit_code == 0);
  json doc = json::parse(doc_run.out);
  CHECK(doc["valid"] == true);
  CHECK(doc["subject"] == "alice");
  CHECK(doc["role"] == "user");  // no mapping: "platform-admins" is not "admin"
  CHECK(doc["claims"]["aud"] == "smg");
  CHECK(doc["header"]["kid"] == "rs");
  CHECK(doc["unchecked"] == json{"aud"});

  // serve's flag names work here too.
  auto serve_names = run_smgctl({"jwt", "verify", token, "--jwt-jwks-uri", dir.file("jwks.json"),
                                 "--jwt-audience", "smg", "--jwt-role-mapping",
                                 "platform-admins=admin", "-o", "json"});
  INFO(serve_names.err);
  REQUIRE(serve_names.exit_code == 0);
  CHECK(json::parse(serve_names.out)["role"] == "admin");
  CHECK(json::parse(serve_names.out)["unchecked"] == json{"iss"});

  SECTION("a bad token exits 1 with the reason") {
    auto expired = run_smgctl({"jwt", "verify", rs_token({{"exp", now() - 3600}}), "--jwks",
                               dir.file("jwks.json")});
    CHECK(expired.exit_code == 1);
    CHECK(expired.err.find("smgctl: jwt verify failed: jwt_expired") == 0);
    auto aud = run_smgctl({"jwt", "verify", token, "--key", dir.file("key.pem"), "--audience",
                           "other"});
    CHECK(aud.exit_code == 1);
    CHECK(aud.err.find("jwt_bad_audience") != std::string::npos);
  }
  SECTION("zero or two key sources exit 2") {
    auto two = run_smgctl({"jwt", "verify", token, "--jwks", dir.file("jwks.json"), "--key",
                           dir.file("key.pem")});
    CHECK(two.exit_code == 2);
    CHECK(two.err.find('\n') == two.err.size() - 1);
    CHECK(run_smgctl({"jwt", "verify", token}).exit_code == 2);
  }
}

TEST_CASE("cli jwt: verify with --issuer discovers the JWKS and checks iss", "[cli][jwt]") {
  smg::test::LocalIdp idp(jwks_text());
  auto ok = run_smgctl({"jwt", "verify", rs_token({{"iss", idp.base_url()}}), "--issuer",
                        idp.base_url(), "-o", "json"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(json::parse(ok.out)["subject"] == "alice");
  CHECK(idp.discovery_hits() == 1);

  auto wrong_iss = run_smgctl({"jwt", "verify", rs_token(), "--issuer", idp.base_url()});
  CHECK(wrong_iss.exit_code == 1);
  CHECK(wrong_iss.err.find("jwt_bad_issuer") != std::string::npos);

  auto url = run_smgctl({"jwt", "verify", rs_token(), "--jwks", idp.base_url() + "/jwks"});
  INFO(url.err);
  CHECK(url.exit_code == 0);
}
