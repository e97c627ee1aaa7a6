// bcrypt interop with bcryptjs (tests/peers/bcrypt-peer.mjs), both ways, and the exit codes of
// `smgctl hash verify`.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/bcrypt/bcrypt.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using smg::test::run_peer;
using smg::test::run_smgctl;

namespace {

const std::vector<std::string> kPasswords = {
    "hunter2",
    "p\xC3\xA4sswörd-密码-🔑",  // UTF-8: Latin-1 range, CJK, and a 4-byte emoji
    "user:pass:with:colons",
    "sp ace and symbols !@#$%^&*()",
};

std::string peer_hash(const std::string& password, const std::string& prefix) {
  auto result = run_peer("bcrypt-peer.mjs", {"hash", "4", prefix}, password);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.out.size() == 61);  // hash + "\n"
  return result.out.substr(0, 60);
}

bool peer_verifies(const std::string& password, const std::string& hash) {
  auto result = run_peer("bcrypt-peer.mjs", {"verify", hash}, password);
  REQUIRE(result.exit_code == 0);
  return result.out == "true\n";
}

bool smg_verifies(const std::string& password, const std::string& hash) {
  auto result = smg::bcrypt::verify_password(password, hash);
  REQUIRE(result.ok());
  return *result;
}

std::string smgctl_hash(const std::string& password) {
  auto result = run_smgctl({"hash", "bcrypt", "--cost", "4"}, password + "\n");
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.out.size() == 61);
  return result.out.substr(0, 60);
}

}  // namespace

TEST_CASE("bcrypt interop: bcryptjs $2a$/$2b$/$2y$ hashes verify in smg", "[bcrypt][interop]") {
  for (const std::string prefix : {"$2a$", "$2b$", "$2y$"}) {
    for (const auto& password : kPasswords) {
      CAPTURE(prefix, password);
      const std::string hash = peer_hash(password, prefix);
      CHECK(hash.rfind(prefix, 0) == 0);
      CHECK(smg_verifies(password, hash));
      CHECK_FALSE(smg_verifies(password + "x", hash));
      CHECK_FALSE(smg_verifies(password.substr(1), hash));
    }
  }
}

TEST_CASE("bcrypt interop: smgctl hash bcrypt output verifies in bcryptjs", "[bcrypt][interop]") {
  for (const auto& password : kPasswords) {
    CAPTURE(password);
    const std::string hash = smgctl_hash(password);
    CHECK(hash.rfind("$2b$04$", 0) == 0);
    CHECK(peer_verifies(password, hash));
    CHECK_FALSE(peer_verifies(password + "x", hash));
  }
  // Windows line endings from a pipe are stripped like "\n".
  auto crlf = run_smgctl({"hash", "bcrypt", "--cost", "4"}, "hunter2\r\n");
  REQUIRE(crlf.exit_code == 0);
  CHECK(peer_verifies("hunter2", crlf.out.substr(0, 60)));
}

TEST_CASE("bcrypt interop: smgctl hash verify exits 0, 1 or 2", "[bcrypt][cli]") {
  const std::string password = kPasswords[1];
  const std::string hash = peer_hash(password, "$2y$");

  auto match = run_smgctl({"hash", "verify", hash}, password + "\n");
  CHECK(match.exit_code == 0);
  CHECK(match.err == "ok\n");
  CHECK(match.out.empty());

  auto mismatch = run_smgctl({"hash", "verify", hash}, "wrong\n");
  CHECK(mismatch.exit_code == 1);
  CHECK(mismatch.err == "mismatch\n");

  auto malformed = run_smgctl({"hash", "verify", hash.substr(0, 59)}, password + "\n");
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err.find("not a bcrypt hash") != std::string::npos);

  auto garbage = run_smgctl({"hash", "verify", "$2x$04$garbage"}, password + "\n");
  CHECK(garbage.exit_code == 2);
}

TEST_CASE("bcrypt interop: smgctl hash bcrypt refuses bad passwords in one line", "[bcrypt][cli]") {
  const std::string too_long(73, 'a');
  auto long_result = run_smgctl({"hash", "bcrypt", "--cost", "4"}, too_long + "\n");
  CHECK(long_result.exit_code == 2);
  CHECK(long_result.out.empty());
  CHECK(long_result.err ==
        "smgctl: password is longer than 72 bytes (bcrypt would ignore the rest)\n");

  auto at_limit = run_smgctl({"hash", "bcrypt", "--cost", "4"}, std::string(72, 'a') + "\n");
  CHECK(at_limit.exit_code == 0);

  auto empty = run_smgctl({"hash", "bcrypt", "--cost", "4"}, "\n");
  CHECK(empty.exit_code == 2);
  CHECK(empty.err == "smgctl: empty password\n");

  auto no_input = run_smgctl({"hash", "bcrypt", "--cost", "4"}, "");
  CHECK(no_input.exit_code == 2);

  auto bad_cost = run_smgctl({"hash", "bcrypt", "--cost", "32"}, "pw\n");
  CHECK(bad_cost.exit_code == 2);
}
