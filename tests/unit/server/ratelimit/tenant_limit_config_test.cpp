#include "server/ratelimit/tenant_limit_config.h"

#include <catch2/catch.hpp>
#include <string>

using smg::ratelimit::MatchType;
using smg::ratelimit::parse_tenant_limit_config;

namespace {

std::string error_of(const std::string& yaml) {
  auto parsed = parse_tenant_limit_config(yaml, "tenants.yaml");
  return parsed.ok() ? "" : parsed.status().message();
}

const char* kValid = R"(default_policy:
  tokens_per_minute: 100000
  requests_per_minute: 600
tenants:
  - tenant_key: "auth:team-red"
    tokens_per_minute: 200000
    requests_per_minute: 300
    model_rules:
      - rule_id: gpt4
        matcher: {type: prefix, value: gpt-4}
        tokens_per_minute: 50000
        requests_per_minute: 60
      - rule_id: gpt4o.exact
        matcher: {type: exact, value: gpt-4o}
        tokens_per_minute: 9
        requests_per_minute: 9
      - rule_id: gpt4-turbo
        matcher: {type: prefix, value: gpt-4-turbo}
        tokens_per_minute: 7
        requests_per_minute: 7
  - tenant_key: "caller:app1"
    tokens_per_minute: 1000
    requests_per_minute: 10
)";

}  // namespace

TEST_CASE("tenant limit config: reads SMG's YAML", "[ratelimit][config]") {
  auto config = parse_tenant_limit_config(kValid, "tenants.yaml");
  REQUIRE(config.ok());
  CHECK(config->default_policy.limits.tokens_per_minute == 100000);
  CHECK(config->default_policy.limits.requests_per_minute == 600);
  REQUIRE(config->tenants.size() == 2);
  const auto& red = config->policy_for("auth:team-red");
  CHECK(red.limits.requests_per_minute == 300);
  REQUIRE(red.model_rules.size() == 3);
  CHECK(red.model_rules[0].match == MatchType::kPrefix);
  CHECK(&config->policy_for("auth:someone-else") == &config->default_policy);
  CHECK(config->policy_for("caller:app1").limits.tokens_per_minute == 1000);
  SECTION("one model rule: exact first, else the longest prefix") {
    CHECK(red.rule_for("gpt-4o")->rule_id == "gpt4o.exact");
    CHECK(red.rule_for("gpt-4-turbo-2024")->rule_id == "gpt4-turbo");
    CHECK(red.rule_for("gpt-4")->rule_id == "gpt4");
    CHECK(red.rule_for("llama") == nullptr);
  }
  SECTION("tenants and model rules are optional") {
    auto minimal = parse_tenant_limit_config(
        "default_policy: {tokens_per_minute: 1, requests_per_minute: 1}\n", "t.yaml");
    REQUIRE(minimal.ok());
    CHECK(minimal->tenants.empty());
  }
}

TEST_CASE("tenant limit config: errors name the file, the line and the path",
          "[ratelimit][config]") {
  std::string yaml = "default_policy:\n  tokens_per_minute: 0\n  requests_per_minute: 5\n";
  CHECK(error_of(yaml) ==
        "tenants.yaml:2: default_policy.tokens_per_minute: must be a whole number from 1 to "
        "4294967295");
  CHECK(error_of("default_policy: [1, 2\n").find("tenants.yaml:") == 0);
  CHECK(error_of("default_policy: [1, 2\n").find("YAML syntax error") != std::string::npos);
  CHECK(error_of("tenants: []\n") == "tenants.yaml:1: default_policy: required");
  CHECK(error_of("").find("must be a mapping") != std::string::npos);
}

TEST_CASE("tenant limit config: SMG's validation rules", "[ratelimit][config]") {
  const std::string head = "default_policy: {tokens_per_minute: 10, requests_per_minute: 10}\n";
  auto tenant = [&](const std::string& body) { return error_of(head + "tenants:\n  - " + body); };
  CHECK(error_of("default_policy: {tenant_key: 'auth:x', tokens_per_minute: 1, "
                 "requests_per_minute: 1}\n")
            .find("default_policy.tenant_key: the default policy has no tenant_key") !=
        std::string::npos);
  CHECK(tenant("{tokens_per_minute: 1, requests_per_minute: 1}\n")
            .find("tenants[0].tenant_key: required") != std::string::npos);
  CHECK(error_of(head +
                 "tenants:\n"
                 "  - {tenant_key: 'auth:a', tokens_per_minute: 1, requests_per_minute: 1}\n"
                 "  - {tenant_key: 'auth:a', tokens_per_minute: 1, requests_per_minute: 1}\n")
            .find("tenants.yaml:4: tenants[1].tenant_key: duplicate tenant_key") !=
        std::string::npos);
  CHECK(tenant("{tenant_key: ' auth:a', tokens_per_minute: 1, requests_per_minute: 1}\n")
            .find("must be auth:<id>") != std::string::npos);
  CHECK(tenant("{tenant_key: 'team-red', tokens_per_minute: 1, requests_per_minute: 1}\n")
            .find("must be auth:<id>") != std::string::npos);
  CHECK(tenant("{tenant_key: 'auth:', tokens_per_minute: 1, requests_per_minute: 1}\n")
            .find("must be auth:<id>") != std::string::npos);
  CHECK(tenant("{tenant_key: anonymous, tokens_per_minute: 1, requests_per_minute: 1}\n").empty());
  std::string rules =
      "{tenant_key: 'auth:a', tokens_per_minute: 1, requests_per_minute: 1, "
      "model_rules: [";
  auto rule = [&](const std::string& r) { return tenant(rules + r + "]}\n"); };
  CHECK(rule("{rule_id: 'bad id!', matcher: {type: exact, value: m}, tokens_per_minute: 1, "
             "requests_per_minute: 1}")
            .find("rule_id: must match [A-Za-z0-9._-]+") != std::string::npos);
  CHECK(rule("{rule_id: a, matcher: {type: exact, value: m}, tokens_per_minute: 1, "
             "requests_per_minute: 1}, {rule_id: a, matcher: {type: exact, value: n}, "
             "tokens_per_minute: 1, requests_per_minute: 1}")
            .find("duplicate rule_id") != std::string::npos);
  CHECK(rule("{rule_id: a, matcher: {type: exact, value: m}, tokens_per_minute: 1, "
             "requests_per_minute: 1}, {rule_id: b, matcher: {type: exact, value: m}, "
             "tokens_per_minute: 1, requests_per_minute: 1}")
            .find("the same matcher as an earlier rule") != std::string::npos);
  CHECK(rule("{rule_id: a, matcher: {type: exact, value: m}, tokens_per_minute: 1, "
             "requests_per_minute: 1}, {rule_id: b, matcher: {type: prefix, value: m}, "
             "tokens_per_minute: 1, requests_per_minute: 1}")
            .empty());
  CHECK(rule("{rule_id: a, matcher: {type: regex, value: m}, tokens_per_minute: 1, "
             "requests_per_minute: 1}")
            .find("matcher.type: must be exact or prefix") != std::string::npos);
  CHECK(rule("{rule_id: a, matcher: {type: exact, value: ''}, tokens_per_minute: 1, "
             "requests_per_minute: 1}")
            .find("matcher.value: must be a non-empty string") != std::string::npos);
  CHECK(rule("{rule_id: a, matcher: {type: exact, value: m}, tokens_per_minute: 0, "
             "requests_per_minute: 1}")
            .find("model_rules[0].tokens_per_minute: must be a whole number") != std::string::npos);
}

TEST_CASE("tenant limit config: bad types are refused", "[ratelimit][config][attack]") {
  CHECK(error_of("default_policy: 5\n").find("default_policy: must be a mapping") !=
        std::string::npos);
  CHECK(error_of("default_policy: {tokens_per_minute: [1], requests_per_minute: 1}\n")
            .find("must be a whole number") != std::string::npos);
  CHECK(error_of("default_policy: {tokens_per_minute: {a: 1}, requests_per_minute: 1}\n")
            .find("must be a whole number") != std::string::npos);
  for (const char* number : {"-1", "1.5", "1e3", "0x10", "true", "' 5'", "\"\"", "+5"}) {
    CAPTURE(number);
    CHECK(error_of(std::string("default_policy: {tokens_per_minute: ") + number +
                   ", requests_per_minute: 1}\n")
              .find("must be a whole number from 1 to 4294967295") != std::string::npos);
  }
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1}\n"
                 "tenants: {a: 1}\n")
            .find("tenants: must be a list") != std::string::npos);
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1}\n"
                 "tenants: [5]\n")
            .find("tenants[0]: must be a mapping") != std::string::npos);
  CHECK(error_of("- 1\n- 2\n").find("config: must be a mapping") != std::string::npos);
}

TEST_CASE("tenant limit config: huge numbers are refused, the largest u32 is accepted",
          "[ratelimit][config][attack]") {
  CHECK(error_of("default_policy: {tokens_per_minute: 4294967295, requests_per_minute: 1}\n")
            .empty());
  for (const char* number :
       {"4294967296", "99999999999999999999999999999999", "18446744073709551616"}) {
    CAPTURE(number);
    CHECK(error_of(std::string("default_policy: {tokens_per_minute: ") + number +
                   ", requests_per_minute: 1}\n")
              .find("must be a whole number from 1 to 4294967295") != std::string::npos);
  }
}

TEST_CASE("tenant limit config: unknown keys are refused without echoing long ones",
          "[ratelimit][config][attack]") {
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1, burst: 5}\n") ==
        "tenants.yaml:1: default_policy: unknown key burst");
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1}\nextra: 1\n") ==
        "tenants.yaml:2: config: unknown key extra");
  for (std::size_t length : {200, 10000}) {  // past 1024 bytes yaml-cpp refuses the key itself
    std::string long_key(length, 'k');
    std::string message = error_of(
        "default_policy: {tokens_per_minute: 1, requests_per_minute: 1, " + long_key + ": 1}\n");
    CHECK_FALSE(message.empty());
    CHECK(message.find("kkkk") == std::string::npos);
    CHECK(message.size() < 200);
  }
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1, " +
                 std::string(200, 'k') + ": 1}\n")
            .find("unknown key (a long key)") != std::string::npos);
  CHECK(error_of(std::string("default_policy: {tokens_per_minute: 1, requests_per_minute: 1, "
                             "\"k\\x1b[31m\\0\": 1}\n"))
            .find("unknown key (a key with odd bytes)") != std::string::npos);
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1, [a]: 1}\n")
            .find("keys must be plain names") != std::string::npos);
}

TEST_CASE("tenant limit config: deep nesting is an error not a crash",
          "[ratelimit][config][attack]") {
  std::string deep = "default_policy: " + std::string(100000, '[') + std::string(100000, ']');
  CHECK_FALSE(error_of(deep).empty());
  std::string deep_maps;
  for (int i = 0; i < 20000; ++i) deep_maps += "{a: ";
  deep_maps += "1" + std::string(20000, '}');
  CHECK_FALSE(error_of("default_policy: " + deep_maps).empty());
}

TEST_CASE("tenant limit config: bounded sizes and aliases", "[ratelimit][config][attack]") {
  std::string long_value(300, 'm');
  CHECK(error_of("default_policy: {tokens_per_minute: 1, requests_per_minute: 1, model_rules: "
                 "[{rule_id: a, matcher: {type: exact, value: " +
                 long_value + "}, tokens_per_minute: 1, requests_per_minute: 1}]}\n")
            .find("longer than 256 bytes") != std::string::npos);
  // Billion laughs: aliases share nodes in yaml-cpp; a list that refers to itself many times
  // is still one list, read in bounded time, and refused for its type.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) laughs += std::string(i ? ", *" : "*") + prev;
    laughs += "]\n";
    prev = c;
  }
  CHECK(error_of(laughs).find("unknown key a") != std::string::npos);
}
