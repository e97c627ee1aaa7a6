// wabt's side of a loaded Module: the validated ModuleDesc (memory and table maxima already
// clamped to the limits) and what load() worked out once so a call does no lookups by name.
// Include only from the runtime's C++17 sources: wabt 1.0.32's interp headers do not compile
// as C++20 (a destructor spelled ~FreeList<T>()), see common/CMakeLists.txt.
#pragma once

#include <optional>
#include <vector>

#include "common/wasm/abi.h"
#include "common/wasm/module.h"
#include "wabt/interp/interp.h"

namespace smg::wasm {

struct Module::Impl {
  wabt::interp::ModuleDesc desc;
  wabt::Features features;
  // Host function behind each import, in import order.
  std::vector<HostFunction> imports;
  // Export indices (into Instance::exports()).
  wabt::interp::Index memory_export = 0;
  std::optional<wabt::interp::Index> on_request_export;
  std::optional<wabt::interp::Index> on_response_export;
};

}  // namespace smg::wasm
