// Runs one entry point of a loaded Module on one View, in a fresh instance (a new wabt Store:
// memory, globals and tables start from the module's initial state every call, so no state
// survives between calls), within the Limits. The result is the module's Verdict, or a Status
// when it trapped (reason "wasm_trap"), ran out of instructions ("wasm_budget_exceeded") or
// stack ("wasm_stack_exhausted"), returned an unknown action ("wasm_bad_action"), or could not
// be instantiated ("wasm_instantiation_failed"). Never throws, never crashes on a module.
//
//   auto verdict = smg::wasm::run(*module, smg::wasm::EntryPoint::kOnRequest, view, limits);
//   if (!verdict.ok()) { log(verdict.status().message()); }   // fail open or closed
//
// Thread-safety: run() may be called from many threads at once, on the same Module too.
#pragma once

#include "common/status.h"
#include "common/wasm/limits.h"
#include "common/wasm/module.h"
#include "common/wasm/verdict.h"
#include "common/wasm/view.h"

namespace smg::wasm {

// REQUIRES: module.exports(entry).
Result<Verdict> run(const Module& module, EntryPoint entry, const View& view, const Limits& limits);

// Instantiates without calling anything (load() uses it; the bench times it alone).
Status instantiate_only(const Module& module, const Limits& limits);

}  // namespace smg::wasm
