#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/policy/policy_csv.h"
#include "common/policy/secret_field.h"

using namespace smg::policy;

namespace {

// Parses `lines`, REQUIREs an error with `reason` naming line `line_number`, and returns it.
std::string rejected(const std::vector<std::string>& lines, const std::string& reason,
                     int line_number) {
  ParsedPolicy policy;
  smg::Status status = policy.add_lines(lines, "policy.csv");
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == smg::Code::kInvalidArgument);
  CHECK(status.reason() == reason);
  CHECK(status.message().rfind("policy.csv:" + std::to_string(line_number) + ": ", 0) == 0);
  CHECK(policy.rules.empty());
  CHECK(policy.links.empty());
  return status.message();
}

}  // namespace

TEST_CASE("policy_csv: parses p and g lines with spaces, quotes and comments", "[policy]") {
  ParsedPolicy policy;
  REQUIRE(policy
              .add_lines({"# reports", "", "   ",
                          "p,reports_admin ,  example/prod,admin:reports,read|export",
                          "  # indented comment",
                          "g, \"basic:admin\", \" reports_admin \", example/prod",
                          "p, \"a, b\", d, \"say \"\"hi\"\"\", read"},
                         "policy")
              .ok());
  REQUIRE(policy.rules.size() == 2);
  CHECK(policy.rules[0] ==
        PolicyRule{"reports_admin", "example/prod", "admin:reports", "read|export"});
  CHECK(policy.rules[1] == PolicyRule{"a, b", "d", "say \"hi\"", "read"});
  REQUIRE(policy.links.size() == 1);
  CHECK(policy.links[0] == RoleLink{"basic:admin", "reports_admin", "example/prod"});
}

TEST_CASE("policy_csv: add_text splits lines, drops CR, numbers lines from 1", "[policy]") {
  ParsedPolicy policy;
  REQUIRE(policy.add_text("p, r, d, o, a\r\n\r\ng, u, r, d\n", "f").ok());
  CHECK(policy.rules.size() == 1);
  CHECK(policy.links.size() == 1);
  smg::Status status = policy.add_text("p, r, d, o, a\n\ng, u, r\n", "f");
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().rfind("f:3: ", 0) == 0);
  CHECK(policy.rules.size() == 1);  // nothing appended on error
}

TEST_CASE("policy_csv: each error names its line", "[policy]") {
  SECTION("p with too few and too many fields") {
    rejected({"p, r, d, o, a", "p, r, d, o"}, "policy_field_count", 2);
    rejected({"p, r, d, o, a, allow"}, "policy_field_count", 1);
  }
  SECTION("g with the wrong count") {
    rejected({"#", "g, u, r"}, "policy_field_count", 2);
    rejected({"g, u, r, d, extra"}, "policy_field_count", 1);
  }
  SECTION("empty field") {
    rejected({"p, r, , o, a"}, "policy_empty_field", 1);
    rejected({"g, u, r, \"\""}, "policy_empty_field", 1);
  }
  SECTION("unknown line type") {
    rejected({"p, r, d, o, a", "g2, u, r, d"}, "policy_unknown_type", 2);
    rejected({"x, r, d, o, a"}, "policy_unknown_type", 1);
  }
  SECTION("bad quoting") {
    rejected({"p, \"r, d, o, a"}, "policy_bad_quoting", 1);
    rejected({"p, \"r\"x, d, o, a"}, "policy_bad_quoting", 1);
    rejected({"p, r\"x, d, o, a"}, "policy_bad_quoting", 1);
  }
  SECTION("empty or padded action alternatives") {
    rejected({"p, r, d, o, read|"}, "policy_bad_action", 1);
    rejected({"p, r, d, o, read||export"}, "policy_bad_action", 1);
    rejected({"p, r, d, o, read | export"}, "policy_bad_action", 1);
  }
  SECTION("control characters") {
    rejected({"p, r, d, o\tx, a"}, "policy_control_char", 1);
  }
}

TEST_CASE("policy_csv: rejects a secret-looking field without echoing it", "[policy][attack]") {
  const std::vector<std::string> secrets = {
      "sk-proj-AbCdEf0123456789xyz",
      "smgk_4f9a8c1e0b7d2a6c5e3f",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "Bearer eyJhbGciOiJSUzI1NiJ9",
      "-----BEGIN PRIVATE KEY-----",
      "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY",
      "$2b$12$abcdefghijklmnopqrstuv",
  };
  for (const std::string& secret : secrets) {
    CAPTURE(secret);
    const std::string line = "g, caller:" + secret + ", metrics_admin, example/prod";
    std::string message = rejected({"# ok", line}, "policy_secret_field", 2);
    CHECK(message.find(secret) == std::string::npos);
    CHECK(message.find(secret.substr(0, 12)) == std::string::npos);
  }
}

TEST_CASE("policy secret_field: ordinary names are not secrets", "[policy]") {
  for (const char* name :
       {"reports_admin", "content_capture_maintenance_administrators", "user:alice@example.com",
        "caller:123e4567-e89b-12d3-a456-426614174000", "admin:security_reports", "task-runner",
        "read|export|drilldown", "example/prod", "basic:admin", "risk-team"}) {
    CAPTURE(name);
    CHECK_FALSE(looks_like_secret(name));
  }
}

TEST_CASE("policy format_csv_line: quotes only when needed and round-trips", "[policy]") {
  CHECK(format_csv_line({"p", "a", "b", "c", "d"}) == "p, a, b, c, d");
  const std::vector<std::string> fields{"p", "a, b", "say \"hi\"", "c", "d"};
  auto split = split_csv_fields(format_csv_line(fields));
  REQUIRE(split.ok());
  CHECK(*split == fields);
}
