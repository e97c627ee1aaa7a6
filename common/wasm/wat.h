// WebAssembly text (.wat) to binary with wabt's own parser and writer, in process: the tests and
// the bench write their modules as text, and `smgctl wasm add` accepts a .wat file.
//
//   auto bytes = smg::wasm::compile_wat(R"((module (memory (export "memory") 1) ...))");
//   if (!bytes.ok()) std::cerr << bytes.status().message();   // "wat:3:5: error: ..."
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::wasm {

Result<std::string> compile_wat(std::string_view text);

}  // namespace smg::wasm
