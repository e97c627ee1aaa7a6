#include "server/http/status_response.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

using smg::Code;
using smg::Status;
using smg::server::status_response;

TEST_CASE("status response: each code maps to one HTTP status and error type", "[http][status]") {
  const std::vector<std::pair<Code, int>> expected = {
      {Code::kInvalidArgument, 400},    {Code::kOutOfRange, 400},
      {Code::kUnauthenticated, 401},    {Code::kPermissionDenied, 403},
      {Code::kNotFound, 404},           {Code::kAlreadyExists, 409},
      {Code::kFailedPrecondition, 409}, {Code::kResourceExhausted, 429},
      {Code::kInternal, 500},           {Code::kUnimplemented, 501},
      {Code::kUnavailable, 503},        {Code::kDeadlineExceeded, 504},
  };
  for (const auto& [code, http] : expected) {
    auto response = status_response(Status(code, "some_reason", "Something happened"));
    CAPTURE(smg::code_name(code));
    CHECK(response.status == http);
    auto body = nlohmann::json::parse(response.body);
    CHECK(body["error"]["type"] == smg::server::error_type(code));
    CHECK(body["error"]["message"] == "Something happened");
    CHECK(body["error"]["code"] == "some_reason");
    CHECK(response.header("Cache-Control") == "no-store");
  }
}

TEST_CASE("status response: an OK status is answered as an internal error", "[http][status]") {
  auto response = status_response(Status());
  CHECK(response.status == 500);
  CHECK(nlohmann::json::parse(response.body)["error"]["code"] == "internal_error");
}
