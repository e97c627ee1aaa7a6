#include "common/wasm/module.h"

#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::wasm;
using smg::wasm::testing::example_bytes;
using smg::wasm::testing::wasm_bytes;

namespace {

const char* kEntry = R"((func (export "smg_on_request") (result i32) (i32.const 0)))";

std::string module_with(const std::string& parts) {
  return wasm_bytes("(module " + parts + " (memory (export \"memory\") 1))");
}

void check_refused(const std::string& bytes, const std::string& reason,
                   const std::string& message_part, const Limits& limits = {}) {
  auto module = Module::load(bytes, limits);
  REQUIRE_FALSE(module.ok());
  CHECK(module.status().reason() == reason);
  CHECK_THAT(module.status().message(), Catch::Contains(message_part));
  CHECK(module.status().message().find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("wasm module: loads the clang-built examples", "[wasm]") {
  for (const char* name : {"add_header", "reject_domain", "cap_max_tokens", "status_503",
                           "infinite_loop", "grow_memory", "out_of_bounds", "read_credentials"}) {
    INFO(name);
    std::string bytes = example_bytes(name);
    auto module = Module::load(bytes, {});
    INFO(module.status().message());
    REQUIRE(module.ok());
    CHECK((*module)->sha256_hex() == smg::crypto::sha256_hex(bytes));
    CHECK((*module)->size_bytes() == bytes.size());
  }
  auto on_response = Module::load(example_bytes("add_header"), {});
  CHECK((*on_response)->exports(EntryPoint::kOnResponse));
  CHECK_FALSE((*on_response)->exports(EntryPoint::kOnRequest));
}

TEST_CASE("wasm module: refuses bytes that are not a valid core module", "[wasm][attack]") {
  SECTION("not a wasm file") {
    check_refused("#!/bin/sh\nrm -rf /\n", "wasm_invalid", "invalid wasm module: ");
  }
  SECTION("truncated") {
    std::string bytes = example_bytes("cap_max_tokens");
    check_refused(bytes.substr(0, bytes.size() / 2), "wasm_invalid", "invalid wasm module");
  }
  SECTION("empty") { check_refused("", "wasm_empty", "empty"); }
  SECTION("a component") {
    check_refused(std::string("\0asm\x0d\0\x01\0", 8), "wasm_not_core", "components");
  }
  SECTION("larger than the limit") {
    Limits limits;
    limits.max_module_bytes = 100;
    check_refused(example_bytes("read_credentials"), "wasm_too_large", "100 bytes", limits);
  }
  SECTION("fails validation, with wabt's message") {
    // i32.const 0; end  ->  i64.const 0; end: returns an i64 where the type says i32.
    std::string bytes = module_with(kEntry);
    auto at = bytes.find(std::string("\x41\x00\x0b", 3));
    REQUIRE(at != std::string::npos);
    bytes[at] = '\x42';
    check_refused(bytes, "wasm_invalid", "type mismatch");
  }
}

TEST_CASE("wasm module: refuses valid wasm that breaks the ABI", "[wasm][attack]") {
  SECTION("no entry point") { check_refused(module_with(""), "wasm_no_entry", "smg_on_request"); }
  SECTION("entry point of the wrong type") {
    check_refused(
        module_with(R"((func (export "smg_on_request") (param i32) (result i32) (i32.const 0)))"),
        "wasm_bad_export", "() -> i32");
  }
  SECTION("no exported memory") {
    check_refused(wasm_bytes(std::string("(module (memory 1) ") + kEntry + ")"), "wasm_no_memory",
                  "memory");
  }
  SECTION("an import that is not an smg host function") {
    check_refused(module_with(std::string(R"((import "wasi_snapshot_preview1" "fd_write"
                                              (func (param i32 i32 i32 i32) (result i32))))") +
                              kEntry),
                  "wasm_bad_import", "wasi_snapshot_preview1.fd_write");
  }
  SECTION("an smg import of the wrong type") {
    check_refused(module_with(std::string(R"((import "smg" "read" (func (param i32))))") + kEntry),
                  "wasm_bad_import", "wrong type");
  }
  SECTION("a host function re-exported as the entry point") {
    check_refused(wasm_bytes(R"((module
        (import "smg" "header_count" (func $count (result i32)))
        (memory (export "memory") 1)
        (export "smg_on_request" (func $count))))"),
                  "wasm_bad_export", "smg_on_request");
  }
  SECTION("a start function (it would run outside the budget)") {
    check_refused(module_with(std::string("(func $s (loop (br 0))) (start $s) ") + kEntry),
                  "wasm_start_function", "start function");
  }
}

TEST_CASE("wasm module: refuses sizes over the limits", "[wasm][attack]") {
  SECTION("memory minimum over max_memory_pages") {
    check_refused(
        wasm_bytes(std::string("(module (memory (export \"memory\") 2000) ") + kEntry + ")"),
        "wasm_memory_too_large", "1024-page limit");
  }
  SECTION("a huge table") {
    check_refused(module_with(std::string("(table 4000000 funcref) ") + kEntry),
                  "wasm_table_too_large", "elements");
  }
  SECTION("locals over kMaxLocals") {
    std::string locals;
    for (int i = 0; i < 5000; ++i) locals += " i64";
    check_refused(module_with("(func (local" + locals + ")) " + kEntry), "wasm_too_many_locals",
                  "locals");
  }
  SECTION("a data segment outside its memory fails at load, not per request") {
    check_refused(module_with(std::string("(data (i32.const 70000) \"x\") ") + kEntry),
                  "wasm_instantiation_failed", "out of bounds");
  }
}
