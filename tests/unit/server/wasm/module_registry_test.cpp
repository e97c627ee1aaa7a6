#include "server/wasm/module_registry.h"

#include <catch2/catch.hpp>

#include "server/workers/worker.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::server::wasm;
using smg::wasm::testing::example_bytes;

namespace {

ModuleSpec spec_for(const std::string& example, bool on_request, bool on_response) {
  ModuleSpec spec;
  spec.name = example;
  spec.file_path = "/srv/" + example + ".wasm";
  spec.bytes = example_bytes(example);
  spec.on_request = on_request;
  spec.on_response = on_response;
  return spec;
}

}  // namespace

TEST_CASE("wasm registry: add, list in order, remove", "[wasm]") {
  ModuleRegistry registry({});
  auto first = registry.add(spec_for("reject_domain", true, false));
  auto second = registry.add(spec_for("add_header", false, true));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(smg::workers::is_uuid(*first));
  auto snapshot = registry.snapshot();
  REQUIRE(snapshot->size() == 2);
  CHECK((*snapshot)[0]->uuid == *first);
  CHECK((*snapshot)[1]->spec.bytes.empty());  // bytes are not kept once loaded

  auto listed = registry.to_json();
  REQUIRE(listed["modules"].size() == 2);
  const auto& meta = listed["modules"][0]["module_meta"];
  CHECK(meta["name"] == "reject_domain");
  CHECK(meta["file_path"] == "/srv/reject_domain.wasm");
  CHECK(meta["sha256_hash"].get<std::string>().size() == 64);
  CHECK(meta["size_bytes"] == example_bytes("reject_domain").size());
  CHECK(meta["attach_points"] == nlohmann::json::parse(R"([{"Middleware":"OnRequest"}])"));
  CHECK(meta["access_count"] == 0);
  CHECK(meta["last_accessed_at"].is_null());
  CHECK_THAT(meta["created_at"].get<std::string>(),
             Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)"));
  CHECK(listed["metrics"]["total_executions"] == 0);

  REQUIRE(registry.remove(*first).ok());
  CHECK(snapshot->size() == 2);  // a snapshot already taken is unchanged
  CHECK(registry.snapshot()->size() == 1);
  CHECK(registry.remove(*first).code() == smg::Code::kNotFound);
  CHECK(registry.find(*second) != nullptr);
  CHECK(registry.find(*first) == nullptr);
}

TEST_CASE("wasm registry: refusals", "[wasm]") {
  ModuleRegistry registry({});
  REQUIRE(registry.add(spec_for("status_503", false, true)).ok());
  SECTION("the same bytes twice (SMG refuses a duplicate SHA-256)") {
    auto again = registry.add(spec_for("status_503", false, true));
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == smg::Code::kAlreadyExists);
    CHECK(again.status().message() ==
          "Duplicate SHA256 hash detected: module with same sha256 already exists");
  }
  SECTION("an attach point whose export is missing") {
    auto wrong = registry.add(spec_for("add_header", true, false));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.status().message() == "Attach point OnRequest needs an export smg_on_request");
  }
  SECTION("no name, no attach point, not wasm") {
    auto unnamed = spec_for("reject_domain", true, false);
    unnamed.name = "";
    CHECK(registry.add(unnamed).status().message() == "Module name cannot be empty");
    CHECK(registry.add(spec_for("reject_domain", false, false)).status().reason() ==
          "wasm_no_attach_point");
    auto garbage = spec_for("reject_domain", true, false);
    garbage.bytes = "garbage";
    CHECK(registry.add(garbage).status().reason() == "wasm_invalid");
  }
  CHECK(registry.snapshot()->size() == 1);
}

TEST_CASE("wasm registry: execution stats in SMG's metrics shape", "[wasm]") {
  ExecutionStats stats;
  stats.record(true, 1500);
  stats.record(false, 4500);
  auto json = stats.to_json();
  CHECK(json["total_executions"] == 2);
  CHECK(json["successful_executions"] == 1);
  CHECK(json["failed_executions"] == 1);
  CHECK(json["total_execution_time_ms"] == 6);
  CHECK(json["max_execution_time_ms"] == 4);
  CHECK(json["average_execution_time_ms"].get<double>() == Approx(3.0));
}

TEST_CASE("wasm registry: RFC 3339 with nanoseconds", "[wasm]") {
  CHECK(format_rfc3339_nanos(1764660000123456789LL) == "2025-12-02T07:20:00.123456789Z");
  CHECK(format_rfc3339_nanos(0) == "1970-01-01T00:00:00.000000000Z");
}
