// The C examples of examples/wasm, built by clang for wasm32, run on the runtime directly.
#include <catch2/catch.hpp>

#include "common/wasm/runner.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::wasm;
using smg::wasm::testing::load_example;

namespace {

View request_view(const std::string& path, const std::string& domain, std::string_view body = "") {
  View view;
  view.method = "POST";
  view.path = path;
  view.domain = domain;
  view.body = body;
  view.request_id = "req-7";
  return view;
}

Limits test_limits() {
  Limits limits;
  limits.max_instructions = 2'000'000;
  return limits;
}

}  // namespace

TEST_CASE("wasm examples: add_header adds response headers", "[wasm]") {
  auto module = load_example("add_header");
  View view = request_view("/v1/models", "");
  view.status = 200;
  auto verdict = run(*module, EntryPoint::kOnResponse, view, test_limits());
  REQUIRE(verdict.ok());
  CHECK(verdict->action == Action::kModify);
  REQUIRE(verdict->headers_set.size() == 3);
  CHECK(verdict->headers_set[0].name == "x-wasm-processed");
  CHECK(verdict->headers_set[1].value == "req-7");
  CHECK(verdict->headers_set[2].value == "/v1/models");
}

TEST_CASE("wasm examples: reject_domain rejects one domain's embeddings only", "[wasm]") {
  auto module = load_example("reject_domain");
  auto blocked = run(*module, EntryPoint::kOnRequest,
                     request_view("/v1/embeddings", "blocked/embeddings"), test_limits());
  REQUIRE(blocked.ok());
  CHECK(blocked->action == Action::kReject);
  CHECK(blocked->status == 403);
  CHECK_THAT(blocked->body.value_or(""), Catch::Contains("\"type\":\"forbidden\""));
  REQUIRE(blocked->headers_set.size() == 1);
  CHECK(blocked->headers_set[0].value == "application/json");
  for (auto [path, domain] : {std::pair{"/v1/embeddings", "other"},
                              std::pair{"/v1/chat/completions", "blocked/embeddings"},
                              std::pair{"/v1/embeddingsX", "blocked/embeddings"}}) {
    auto verdict = run(*module, EntryPoint::kOnRequest, request_view(path, domain), test_limits());
    REQUIRE(verdict.ok());
    CHECK(verdict->action == Action::kContinue);
  }
}

TEST_CASE("wasm examples: cap_max_tokens rewrites the request body", "[wasm]") {
  auto module = load_example("cap_max_tokens");
  std::string body = R"({"model":"m","max_tokens": 5000,"messages":[]})";
  auto verdict = run(*module, EntryPoint::kOnRequest,
                     request_view("/v1/chat/completions", "", body), test_limits());
  REQUIRE(verdict.ok());
  CHECK(verdict->action == Action::kModify);
  CHECK(verdict->body == R"({"model":"m","max_tokens": 64,"messages":[]})");
  std::string small = R"({"max_tokens":10})";
  auto untouched = run(*module, EntryPoint::kOnRequest,
                       request_view("/v1/chat/completions", "", small), test_limits());
  REQUIRE(untouched.ok());
  CHECK(untouched->action == Action::kContinue);
}

TEST_CASE("wasm examples: status_503 turns a 500 into a 503", "[wasm]") {
  auto module = load_example("status_503");
  View view = request_view("/v1/completions", "");
  view.status = 500;
  auto verdict = run(*module, EntryPoint::kOnResponse, view, test_limits());
  REQUIRE(verdict.ok());
  CHECK(verdict->action == Action::kModify);
  CHECK(verdict->status == 503);
  view.status = 200;
  auto ok = run(*module, EntryPoint::kOnResponse, view, test_limits());
  REQUIRE(ok.ok());
  CHECK(ok->action == Action::kContinue);
}

TEST_CASE("wasm examples: the hostile ones fail their call", "[wasm][attack]") {
  View view = request_view("/v1/completions", "");
  auto loop = run(*load_example("infinite_loop"), EntryPoint::kOnRequest, view, test_limits());
  CHECK(loop.status().reason() == "wasm_budget_exceeded");
  auto grow = run(*load_example("grow_memory"), EntryPoint::kOnRequest, view, test_limits());
  CHECK(grow.status().reason() == "wasm_trap");
  CHECK_THAT(grow.status().message(), Catch::Contains("unreachable"));
  auto oob = run(*load_example("out_of_bounds"), EntryPoint::kOnRequest, view, test_limits());
  CHECK(oob.status().reason() == "wasm_trap");
  CHECK_THAT(oob.status().message(), Catch::Contains("out of bounds"));
}

TEST_CASE("wasm examples: grow_memory succeeds under a larger cap", "[wasm]") {
  Limits limits = test_limits();
  limits.max_memory_pages = 4096;
  auto verdict = run(*load_example("grow_memory", limits), EntryPoint::kOnRequest,
                     request_view("/", ""), limits);
  INFO(verdict.status().message());
  REQUIRE(verdict.ok());
  CHECK(verdict->action == Action::kModify);
}
