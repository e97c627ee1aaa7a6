// The `smg` host functions of abi.h, bound to one call's state. A fresh Store gets fresh host
// functions, so nothing a module records can leak into another call.
// C++17 only (wabt headers), like the rest of the runtime's sources.
#pragma once

#include <cstddef>
#include <vector>

#include "common/wasm/internal/module_impl.h"
#include "common/wasm/limits.h"
#include "common/wasm/verdict.h"
#include "common/wasm/view.h"

namespace smg::wasm::internal {

// Everything a call's host functions read and write. `memory` is set once the instance exists.
struct CallState {
  const View* view = nullptr;
  const Limits* limits = nullptr;
  wabt::interp::Memory* memory = nullptr;
  Verdict recorded;  // action filled in by the runner from the entry point's result
  int header_edits = 0;
};

// One HostFunc per import of `impl`, in import order, for Instance::Instantiate. Keep the
// pointers alive while the instance lives (they are its roots in the Store).
// REQUIRES: `state` outlives every call made through the returned functions.
std::vector<wabt::interp::HostFunc::Ptr> bind_imports(wabt::interp::Store& store,
                                                      const Module::Impl& impl, CallState* state);

// The wasm type of a host function (for matching a module's imports at load time).
wabt::interp::FuncType host_function_type(const HostFunctionSpec& spec);

}  // namespace smg::wasm::internal
