#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

using smg::test::run_smgctl;

TEST_CASE("cli: version prints versions of smgctl, OpenSSL and libcurl", "[cli]") {
  auto text = run_smgctl({"version"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("smgctl 0.1.0") != std::string::npos);
  CHECK(text.out.find("OpenSSL 3") != std::string::npos);
  CHECK(text.out.find("libcurl: ") != std::string::npos);

  auto json = run_smgctl({"version", "-o", "json"});
  REQUIRE(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["version"] == "0.1.0");
  CHECK(doc["git_revision"].is_string());
}

TEST_CASE("cli: usage errors exit 2 with one line", "[cli]") {
  auto unknown = run_smgctl({"no-such-command"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  auto none = run_smgctl({});
  CHECK(none.exit_code == 2);
}
