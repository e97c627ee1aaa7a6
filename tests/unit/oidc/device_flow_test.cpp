// RFC 8628 polling driven by a fake clock and a recording sleep: every state the token endpoint
// can answer (pending, slow_down, expired_token, access_denied, a timeout) without waiting.
#include "common/oidc/device_flow.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

#include "common/http/form.h"
#include "tests/support/queued_http_client.h"

using smg::oidc::DeviceAuthorization;
using smg::oidc::poll_device_token;

namespace {

constexpr const char* kDeviceEndpoint = "https://idp.example/device/auth";
constexpr const char* kTokenEndpoint = "https://idp.example/token";

std::string pending() { return R"({"error":"authorization_pending"})"; }

// A sleep that records each wait and moves the clock by it, as real time would.
struct RecordingSleep {
  smg::FixedClock& clock;
  std::vector<int> waits{};
  bool interrupt_after = false;
  std::size_t interrupt_at = 0;
  smg::oidc::SleepFor function() {
    return [this](std::chrono::seconds duration) {
      if (interrupt_after && waits.size() == interrupt_at) return false;
      waits.push_back(static_cast<int>(duration.count()));
      clock.advance(duration.count());
      return true;
    };
  }
};

DeviceAuthorization authorization(int64_t now, int expires_in, int interval) {
  DeviceAuthorization a;
  a.device_code = "device-code-1";
  a.user_code = "ABCD-EFGH";
  a.verification_uri = "https://idp.example/device";
  a.interval = std::chrono::seconds(interval);
  a.expires_at = now + expires_in;
  return a;
}

smg::oidc::ClientRegistration public_client() {
  smg::oidc::ClientRegistration client;
  client.client_id = "smgctl-cli";
  return client;
}

}  // namespace

TEST_CASE("device_flow: pending polls wait the interval then return the tokens", "[login]") {
  smg::FixedClock clock(1000);
  smg::test::QueuedHttpClient http;
  http.push(kTokenEndpoint, 400, pending());
  http.push(kTokenEndpoint, 400, pending());
  http.push(kTokenEndpoint, 200,
            R"({"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":300})");
  RecordingSleep sleep{clock};
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(1000, 600, 5));
  REQUIRE(tokens.ok());
  CHECK(tokens->access_token == "at");
  CHECK(tokens->refresh_token == "rt");
  CHECK(tokens->expires_at == 1000 + 15 + 300);
  CHECK(sleep.waits == std::vector<int>{5, 5, 5});
  auto requests = http.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].body == smg::http::form_encode({{"grant_type", smg::oidc::kDeviceCodeGrant},
                                                    {"device_code", "device-code-1"},
                                                    {"client_id", "smgctl-cli"}}));
  CHECK(requests[0].headers.count("Authorization") == 0);
}

TEST_CASE("device_flow: slow_down adds 5 seconds to every later wait", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  http.push(kTokenEndpoint, 400, pending());
  http.push(kTokenEndpoint, 400, R"({"error":"slow_down"})");
  http.push(kTokenEndpoint, 400, pending());
  http.push(kTokenEndpoint, 400, R"({"error":"slow_down"})");
  http.push(kTokenEndpoint, 400, pending());
  http.push(kTokenEndpoint, 200, R"({"access_token":"at"})");
  RecordingSleep sleep{clock};
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(0, 600, 5));
  REQUIRE(tokens.ok());
  CHECK(tokens->expires_at == 0);  // no expires_in: unknown, not "now"
  CHECK(sleep.waits == std::vector<int>{5, 5, 10, 10, 15, 15});
}

TEST_CASE("device_flow: a timed-out poll doubles the interval", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  http.push_failure(kTokenEndpoint, "http_timeout");
  http.push(kTokenEndpoint, 200, R"({"access_token":"at"})");
  RecordingSleep sleep{clock};
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(0, 600, 5));
  REQUIRE(tokens.ok());
  CHECK(sleep.waits == std::vector<int>{5, 10});
}

TEST_CASE("device_flow: polling ends with the provider's final answers", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  RecordingSleep sleep{clock};
  std::string reason;
  SECTION("expired_token") {
    http.push(kTokenEndpoint, 400, pending());
    http.push(kTokenEndpoint, 400, R"({"error":"expired_token"})");
    reason = "oidc_device_expired";
  }
  SECTION("access_denied") {
    http.push(kTokenEndpoint, 400, R"({"error":"access_denied","error_description":"no"})");
    reason = "oidc_device_denied";
  }
  SECTION("another OAuth error") {
    http.push(kTokenEndpoint, 400, R"({"error":"invalid_grant"})");
    reason = "oidc_token_invalid";
  }
  SECTION("the provider is unreachable") {
    http.push_failure(kTokenEndpoint, "http_connect_failed");
    reason = "oidc_unavailable";
  }
  SECTION("a 200 without an access token") {
    http.push(kTokenEndpoint, 200, R"({"token_type":"Bearer"})");
    reason = "oidc_token_response_invalid";
  }
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(0, 600, 5));
  REQUIRE_FALSE(tokens.ok());
  CHECK(tokens.status().reason() == reason);
}

TEST_CASE("device_flow: the code's lifetime bounds polling by the clock", "[login]") {
  smg::FixedClock clock(100);
  smg::test::QueuedHttpClient http;
  http.push(kTokenEndpoint, 400, pending());
  RecordingSleep sleep{clock};
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(100, 30, 5));
  REQUIRE_FALSE(tokens.ok());
  CHECK(tokens.status().reason() == "oidc_device_expired");
  CHECK(http.requests().size() == 6);  // polls at 105 ... 130, then the code is dead
  CHECK(clock.now_seconds() == 130);
}

TEST_CASE("device_flow: an interrupted wait abandons the login without polling", "[login]") {
  smg::FixedClock clock(0);
  smg::test::QueuedHttpClient http;
  http.push(kTokenEndpoint, 400, pending());
  RecordingSleep sleep{clock, {}, true, 2};
  auto tokens = poll_device_token(http, clock, sleep.function(), kTokenEndpoint, public_client(),
                                  authorization(0, 600, 5));
  REQUIRE_FALSE(tokens.ok());
  CHECK(tokens.status().reason() == "oidc_device_interrupted");
  CHECK(http.requests().size() == 2);
}

TEST_CASE("device_flow: the device authorization request and its response", "[login]") {
  smg::FixedClock clock(50);
  smg::test::QueuedHttpClient http;
  http.push(
      kDeviceEndpoint, 200,
      R"({"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://idp.example/device",
                "verification_uri_complete":"https://idp.example/device?user_code=WDJB-MJHT",
                "expires_in":1800,"interval":7})");
  smg::oidc::ProviderMetadata metadata;
  metadata.device_authorization_endpoint = kDeviceEndpoint;
  auto client = public_client();
  client.scopes = {"offline_access", "openid"};
  auto started = smg::oidc::start_device_authorization(http, clock, metadata, client);
  REQUIRE(started.ok());
  CHECK(started->device_code == "dc");
  CHECK(started->user_code == "WDJB-MJHT");
  CHECK(started->verification_uri_complete == "https://idp.example/device?user_code=WDJB-MJHT");
  CHECK(started->interval == std::chrono::seconds(7));
  CHECK(started->expires_at == 50 + 1800);
  CHECK(http.requests().at(0).body == "scope=openid%20offline_access&client_id=smgctl-cli");

  SECTION("no endpoint in discovery") {
    metadata.device_authorization_endpoint.clear();
    CHECK(smg::oidc::start_device_authorization(http, clock, metadata, client).status().reason() ==
          "oidc_device_unsupported");
  }
}

TEST_CASE("device_flow: a response that would put escapes on the terminal is refused",
          "[login][attack]") {
  auto escaped = smg::oidc::parse_device_authorization(
      200, R"({"device_code":"dc","user_code":"AB\u001b[2J","verification_uri":"https://idp/d"})",
      0);
  CHECK(escaped.status().reason() == "oidc_token_response_invalid");
  auto missing = smg::oidc::parse_device_authorization(200, R"({"device_code":"dc"})", 0);
  CHECK(missing.status().reason() == "oidc_token_response_invalid");
  auto refused = smg::oidc::parse_device_authorization(400, R"({"error":"invalid_client"})", 0);
  CHECK(refused.status().reason() == "oidc_device_refused");
  auto defaults = smg::oidc::parse_device_authorization(
      200, R"({"device_code":"dc","user_code":"U","verification_uri":"https://idp/d"})", 10);
  REQUIRE(defaults.ok());
  CHECK(defaults->interval == std::chrono::seconds(5));
  CHECK(defaults->expires_at == 610);
}
