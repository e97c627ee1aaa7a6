#include "common/wasm/wat.h"

#include <catch2/catch.hpp>

using smg::wasm::compile_wat;

TEST_CASE("wasm wat: compiles text to a binary module", "[wasm]") {
  auto bytes = compile_wat("(module (func (export \"f\") (result i32) (i32.const 1)))");
  REQUIRE(bytes.ok());
  CHECK(bytes->substr(0, 8) == std::string("\0asm\1\0\0\0", 8));
}

TEST_CASE("wasm wat: reports the first error with its line and column", "[wasm]") {
  auto bytes = compile_wat("(module\n  (func (result i32) (i64.const 1)))");
  REQUIRE_FALSE(bytes.ok());
  CHECK(bytes.status().reason() == "wat_invalid");
  CHECK_THAT(bytes.status().message(), Catch::StartsWith("wat:2:"));
  CHECK_FALSE(compile_wat("(module (func $f (call $missing)))").ok());
  CHECK_FALSE(compile_wat("not even text").ok());
}
