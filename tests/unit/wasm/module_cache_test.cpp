#include "common/wasm/module_cache.h"

#include <catch2/catch.hpp>

#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::wasm;
using smg::wasm::testing::example_bytes;

TEST_CASE("wasm module cache: parses the same bytes once", "[wasm]") {
  ModuleCache cache({}, 2);
  std::string bytes = example_bytes("status_503");
  auto first = cache.load(bytes);
  auto second = cache.load(bytes);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->get() == second->get());
  CHECK(cache.loads() == 1);
}

TEST_CASE("wasm module cache: keeps the most recently used, refuses without caching", "[wasm]") {
  ModuleCache cache({}, 2);
  std::string a = example_bytes("status_503");
  std::string b = example_bytes("add_header");
  std::string c = example_bytes("reject_domain");
  REQUIRE(cache.load(a).ok());
  REQUIRE(cache.load(b).ok());
  REQUIRE(cache.load(a).ok());  // a is now the most recent
  REQUIRE(cache.load(c).ok());  // evicts b
  CHECK(cache.size() == 2);
  CHECK(cache.loads() == 3);
  REQUIRE(cache.load(a).ok());
  CHECK(cache.loads() == 3);
  REQUIRE(cache.load(b).ok());
  CHECK(cache.loads() == 4);
  CHECK_FALSE(cache.load("not wasm").ok());
  CHECK(cache.size() == 2);
}
