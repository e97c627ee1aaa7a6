// `smgctl policy check`: allow/deny exit codes, the explained rule and g chain, -o json, and
// config errors (exit 2, one line, no secret echoed), from a policy file and from a YAML config.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/process.h"

using smg::test::run_smgctl;
using smg::test::TempDir;
using smg::test::write_file;

namespace {

const char* kPolicyCsv =
    "# reports\n"
    "p, reports_admin, example/prod, admin:reports, read|export|drilldown\n"
    "g, basic:admin, reports_admin, example/prod\n";

std::vector<std::string> check_args(const std::string& flag, const std::string& path,
                                    const std::string& subject, const std::string& action) {
  return {"policy", "check", flag, path, subject, "example/prod", "admin:reports", action};
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("cli policy: check allows with the rule and chain, denies with exit 1", "[cli][policy]") {
  TempDir dir;
  write_file(dir.file("policy.csv"), kPolicyCsv);
  auto allow = run_smgctl(check_args("--policy-file", dir.file("policy.csv"), "basic:admin",
                                     "export"));
  CHECK(allow.exit_code == 0);
  CHECK(allow.out.rfind("allow\n", 0) == 0);
  CHECK(allow.out.find("p, reports_admin, example/prod, admin:reports, read|export|drilldown") !=
        std::string::npos);
  CHECK(allow.out.find("basic:admin -> reports_admin") != std::string::npos);

  auto deny = run_smgctl(check_args("--policy-file", dir.file("policy.csv"), "basic:admin",
                                    "reading"));
  CHECK(deny.exit_code == 1);
  CHECK(deny.out == "deny\n");
}

TEST_CASE("cli policy: -o json", "[cli][policy]") {
  TempDir dir;
  write_file(dir.file("policy.csv"), kPolicyCsv);
  auto args = check_args("--policy-file", dir.file("policy.csv"), "basic:admin", "read");
  args.insert(args.end(), {"-o", "json"});
  auto allow = run_smgctl(args);
  REQUIRE(allow.exit_code == 0);
  auto doc = nlohmann::json::parse(allow.out);
  CHECK(doc["allowed"] == true);
  CHECK(doc["rule"] == nlohmann::json{"reports_admin", "example/prod", "admin:reports",
                                      "read|export|drilldown"});
  CHECK(doc["roles"] == nlohmann::json{"basic:admin", "reports_admin"});

  args[4] = "user:mallory@example.com";
  auto deny = run_smgctl(args);
  REQUIRE(deny.exit_code == 1);
  auto denied = nlohmann::json::parse(deny.out);
  CHECK(denied["allowed"] == false);
  CHECK(denied["rule"].is_null());
  CHECK(denied["roles"] == nlohmann::json::array());
}

TEST_CASE("cli policy: --config reads policy and policy_file", "[cli][policy]") {
  TempDir dir;
  write_file(dir.file("extra.csv"), "p, metrics_admin, example/prod, metrics, read\n");
  write_file(dir.file("config.yaml"),
             "server:\n"
             "  listen: 127.0.0.1:0\n"
             "  admin_auth:\n"
             "    authorization:\n"
             "      enabled: true\n"
             "      policy_file: extra.csv\n"
             "      policy:\n"
             "        - g, caller:ops, metrics_admin, example/prod\n"
             "        - g, basic:admin, reports_admin, example/prod\n"
             "        - p, reports_admin, example/prod, admin:reports, read|export\n");
  auto reports = run_smgctl(check_args("--config", dir.file("config.yaml"), "basic:admin", "read"));
  CHECK(reports.exit_code == 0);
  auto metrics = run_smgctl({"policy", "check", "--config", dir.file("config.yaml"), "caller:ops",
                             "example/prod", "metrics", "read"});
  CHECK(metrics.exit_code == 0);
  CHECK(metrics.out.find("caller:ops -> metrics_admin") != std::string::npos);
  auto other = run_smgctl({"policy", "check", "--config", dir.file("config.yaml"), "caller:ops",
                           "example/prod2", "metrics", "read"});
  CHECK(other.exit_code == 1);
}

TEST_CASE("cli policy: config errors exit 2 with one line", "[cli][policy]") {
  TempDir dir;
  SECTION("bad policy line names it and hides the secret") {
    const std::string secret = "sk-live-0123456789abcdefghij";
    write_file(dir.file("policy.csv"), std::string(kPolicyCsv) + "g, caller:" + secret +
                                           ", metrics_admin, example/prod\n");
    auto result = run_smgctl(check_args("--policy-file", dir.file("policy.csv"), "a", "read"));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(line_count(result.err) == 1);
    CHECK(result.err.find("policy.csv:4:") != std::string::npos);
    CHECK(result.err.find(secret) == std::string::npos);
  }
  SECTION("wrong field count in the YAML list") {
    write_file(dir.file("config.yaml"),
               "server: {admin_auth: {authorization: {policy: ['p, a, b, c, d', 'g, a, b']}}}\n");
    auto result = run_smgctl(check_args("--config", dir.file("config.yaml"), "a", "read"));
    CHECK(result.exit_code == 2);
    CHECK(line_count(result.err) == 1);
    CHECK(result.err.find("server.admin_auth.authorization.policy:2:") != std::string::npos);
  }
  SECTION("missing file, invalid YAML, both or neither source") {
    CHECK(run_smgctl(check_args("--policy-file", dir.file("none.csv"), "a", "read")).exit_code ==
          2);
    write_file(dir.file("bad.yaml"), "server: [unclosed\n");
    auto bad = run_smgctl(check_args("--config", dir.file("bad.yaml"), "a", "read"));
    CHECK(bad.exit_code == 2);
    CHECK(line_count(bad.err) == 1);
    CHECK(run_smgctl({"policy", "check", "a", "example/prod", "o", "read"}).exit_code == 2);
    auto both = check_args("--config", dir.file("bad.yaml"), "a", "read");
    both.insert(both.begin() + 2, {"--policy-file", dir.file("none.csv")});
    CHECK(run_smgctl(both).exit_code == 2);
  }
}
