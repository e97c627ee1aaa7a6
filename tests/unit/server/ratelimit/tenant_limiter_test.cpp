#include "server/ratelimit/tenant_limiter.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "server/ratelimit/token_estimate.h"
#include "server/ratelimit/usage_settlement.h"

using namespace smg::ratelimit;

namespace {

std::shared_ptr<const TenantLimitConfig> config() {
  auto parsed = parse_tenant_limit_config(R"(
default_policy: {tokens_per_minute: 1000, requests_per_minute: 3}
tenants:
  - tenant_key: "auth:team-red"
    tokens_per_minute: 600
    requests_per_minute: 300
    model_rules:
      - {rule_id: big, matcher: {type: prefix, value: big-}, tokens_per_minute: 60000,
         requests_per_minute: 2}
)",
                                          "t.yaml");
  REQUIRE(parsed.ok());
  return std::make_shared<const TenantLimitConfig>(std::move(*parsed));
}

smg::Principal principal(std::string subject, smg::AuthMethod method) {
  smg::Principal p;
  p.subject = std::move(subject);
  p.auth_method = method;
  return p;
}

struct Fixture {
  smg::FixedClock clock{1000};
  LocalLimiterStore store{clock};
  smg::metrics::Registry metrics;
  TenantLimiter limiter{config(), store, metrics};
};

}  // namespace

TEST_CASE("tenant limiter: tenant keys from the principal, else the address", "[ratelimit]") {
  using smg::AuthMethod;
  auto key = [](const smg::Principal& p, std::string_view addr) {
    return TenantLimiter::tenant_key(&p, addr);
  };
  CHECK(key(principal("auth:team-red", AuthMethod::kApiKey), "10.0.0.1") == "auth:team-red");
  CHECK(key(principal("api_key:admin1", AuthMethod::kApiKey), "10.0.0.1") == "auth:admin1");
  CHECK(key(principal("jwt:alice@example.com", AuthMethod::kJwt), "") == "auth:alice@example.com");
  CHECK(key(principal("caller:app1", AuthMethod::kCallerToken), "") == "caller:app1");
  CHECK(key(principal("api_key:shared", AuthMethod::kApiKey), "10.0.0.1") == "ip:10.0.0.1");
  CHECK(key(principal("", AuthMethod::kNone), "::1") == "ip:::1");
  CHECK(key(principal("", AuthMethod::kNone), "") == "anonymous");
  CHECK(TenantLimiter::tenant_key(nullptr, "") == "anonymous");
}

TEST_CASE("tenant limiter: 429 with Retry-After, RateLimit headers and the JSON code",
          "[ratelimit]") {
  Fixture f;
  auto anon = principal("", smg::AuthMethod::kNone);
  for (int i = 0; i < 3; ++i) {
    auto admitted = f.limiter.admit({&anon, "10.0.0.1", "m", 10});
    REQUIRE(admitted.reservation);
  }
  auto refused = f.limiter.admit({&anon, "10.0.0.1", "m", 10});
  REQUIRE_FALSE(refused.reservation);
  const auto& r = refused.rejection;
  CHECK(r.status == 429);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["error"]["code"] == "tenant_rate_limit_exceeded");
  CHECK(body["error"]["message"] == "Tenant rate limit exceeded for this request");
  CHECK(r.header("Retry-After") == "20");  // 3 a minute: one every 20 s
  CHECK(r.header("RateLimit-Policy") == "\"rpm\";q=3;w=60, \"tpm\";q=1000;w=60");
  CHECK(r.header("RateLimit") == "\"rpm\";r=0;t=20, \"tpm\";r=970;t=0");
  auto text = f.metrics.render();
  CHECK(text.find("smg_rate_limit_total{tenant=\"default\",result=\"allowed\"} 3") !=
        std::string::npos);
  CHECK(text.find("smg_rate_limit_total{tenant=\"default\",result=\"rejected\"} 1") !=
        std::string::npos);
  CHECK(text.find("10.0.0.1") == std::string::npos);  // never a raw address as a label
  SECTION("another address is another tenant") {
    CHECK(f.limiter.admit({&anon, "10.0.0.2", "m", 10}).reservation);
  }
  SECTION("the refill admits again after Retry-After") {
    f.clock.advance(20);
    CHECK(f.limiter.admit({&anon, "10.0.0.1", "m", 10}).reservation);
  }
}

TEST_CASE("tenant limiter: tokens per minute reserve and settle from usage", "[ratelimit]") {
  Fixture f;
  auto red = principal("auth:team-red", smg::AuthMethod::kApiKey);
  auto first = f.limiter.admit({&red, "", "m", 500});
  REQUIRE(first.reservation);
  auto second = f.limiter.admit({&red, "", "m", 500});
  REQUIRE_FALSE(second.reservation);
  CHECK(second.rejection.header("Retry-After") == "40");  // 400 more tokens at 10/s
  CHECK(second.rejection.header("RateLimit") == "\"rpm\";r=299;t=0, \"tpm\";r=100;t=40");
  first.reservation->settle(50);  // the worker used 50 of the 500
  CHECK(f.limiter.admit({&red, "", "m", 500}).reservation);
  auto text = f.metrics.render();
  CHECK(text.find("smg_rate_limit_total{tenant=\"auth:team-red\",result=\"rejected\"} 1") !=
        std::string::npos);
  SECTION("a second settle does nothing") {
    first.reservation->settle(0);
    CHECK_FALSE(f.limiter.admit({&red, "", "m", 100}).reservation);
  }
}

TEST_CASE("tenant limiter: a model rule is layered on the tenant's limits", "[ratelimit]") {
  Fixture f;
  auto red = principal("auth:team-red", smg::AuthMethod::kApiKey);
  CHECK(f.limiter.admit({&red, "", "big-model", 1}).reservation);
  CHECK(f.limiter.admit({&red, "", "big-model", 1}).reservation);
  auto refused = f.limiter.admit({&red, "", "big-model-2", 1});
  REQUIRE_FALSE(refused.reservation);
  CHECK(refused.rejection.header("RateLimit-Policy") ==
        "\"big.rpm\";q=2;w=60, \"big.tpm\";q=60000;w=60");
  CHECK(refused.rejection.header("Retry-After") == "30");
  CHECK(f.limiter.admit({&red, "", "small", 1}).reservation);  // the tenant's own limit is fine
}

TEST_CASE("tenant limiter: settle_when_done reads usage or refunds an error", "[ratelimit]") {
  Fixture f;
  auto red = principal("auth:team-red", smg::AuthMethod::kApiKey);
  auto admitted = f.limiter.admit({&red, "", "m", 600});
  REQUIRE(admitted.reservation);
  SECTION("a buffered answer with usage") {
    smg::server::Response ok;
    ok.body = R"({"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}})";
    settle_when_done(std::move(ok), admitted.reservation);
    CHECK(f.limiter.admit({&red, "", "m", 590}).reservation);
    CHECK_FALSE(f.limiter.admit({&red, "", "m", 1}).reservation);
  }
  SECTION("an error answer refunds") {
    settle_when_done(smg::server::error_response(502, "x", "y"), admitted.reservation);
    CHECK(f.limiter.admit({&red, "", "m", 600}).reservation);
  }
  SECTION("a success without usage keeps the reservation") {
    smg::server::Response ok;
    ok.body = "{}";
    settle_when_done(std::move(ok), admitted.reservation);
    CHECK_FALSE(f.limiter.admit({&red, "", "m", 1}).reservation);
  }
}

TEST_CASE("token estimate: bytes over 4 plus max_tokens without a tokenizer", "[ratelimit]") {
  std::string body =
      R"({"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":100})";
  RequestEstimate e = estimate_request(body, nullptr);
  CHECK(e.model == "m");
  CHECK_FALSE(e.counted);
  CHECK(e.tokens == static_cast<double>((body.size() + 3) / 4 + 100));
  std::string completion = R"({"model":"m","max_completion_tokens":7})";
  CHECK(estimate_request(completion, nullptr).tokens ==
        static_cast<double>((completion.size() + 3) / 4 + 7));
  CHECK(estimate_request("not json", nullptr).tokens == 2);
}

TEST_CASE("token estimate: the tokenizer registered under the model counts the prompt",
          "[ratelimit]") {
  using namespace smg::server::tokenizers;
  nlohmann::json doc = {{"model",
                         {{"type", "WordLevel"},
                          {"vocab", {{"<unk>", 0}, {"hello", 1}, {"world", 2}}},
                          {"unk_token", "<unk>"}}},
                        {"pre_tokenizer", {{"type", "WhitespaceSplit"}}}};
  RegistryOptions options;
  options.loader = [doc](const std::string&) -> smg::Result<TokenizerPtr> {
    return *smg::tokenizer::Tokenizer::from_json(doc.dump());
  };
  TokenizerRegistry registry(options);
  REQUIRE(registry.load_now("words", "any").ok());
  std::string body =
      R"({"model":"words","messages":[{"role":"user","content":"hello world hello"}],)"
      R"("max_completion_tokens":10})";
  RequestEstimate counted = estimate_request(body, &registry);
  CHECK(counted.counted);
  CHECK(counted.tokens == 13);  // three words + max_completion_tokens
  RequestEstimate other = estimate_request(
      R"({"model":"other","messages":[{"role":"user","content":"hello"}]})", &registry);
  CHECK_FALSE(other.counted);
}
