// Test helpers for WASM middleware: modules from WAT text (compiled in process by wabt) and the
// C examples built by examples/wasm/CMakeLists.txt.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/wasm/module.h"
#include "common/wasm/wat.h"

namespace smg::wasm::testing {

inline std::string wasm_bytes(const std::string& wat) {
  auto bytes = compile_wat(wat);
  INFO(bytes.status().message());
  REQUIRE(bytes.ok());
  return *bytes;
}

inline std::shared_ptr<const Module> load_wat(const std::string& wat, const Limits& limits = {}) {
  auto module = Module::load(wasm_bytes(wat), limits);
  INFO(module.status().message());
  REQUIRE(module.ok());
  return *module;
}

inline std::string example_path(const std::string& name) {
  return std::string(SMG_WASM_EXAMPLES_DIR) + "/" + name + ".wasm";
}

inline std::string example_bytes(const std::string& name) {
  std::ifstream in(example_path(name), std::ios::binary);
  INFO("example " << example_path(name));
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::shared_ptr<const Module> load_example(const std::string& name,
                                                  const Limits& limits = {}) {
  auto module = Module::load(example_bytes(name), limits);
  INFO(module.status().message());
  REQUIRE(module.ok());
  return *module;
}

// A module whose on_request body is `body` (WAT instructions leaving an i32 action), with the
// smg imports most tests need and one page of memory.
inline std::string on_request_wat(const std::string& body, const std::string& extra = "") {
  return R"((module
  (import "smg" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "smg" "header_get" (func $header_get (param i32 i32 i32 i32) (result i32)))
  (import "smg" "set_header" (func $set_header (param i32 i32 i32 i32)))
  (import "smg" "add_header" (func $add_header (param i32 i32 i32 i32)))
  (import "smg" "remove_header" (func $remove_header (param i32 i32)))
  (import "smg" "set_body" (func $set_body (param i32 i32)))
  (import "smg" "set_status" (func $set_status (param i32)))
  )" + extra +
         R"(
  (memory (export "memory") 1)
  (func (export "smg_on_request") (result i32)
    )" + body +
         R"()))";
}

}  // namespace smg::wasm::testing
