// Per-call budgets of a WASM middleware module (`server.wasm` in YAML). A module
// that crosses one is stopped and the call fails; nothing it did is applied.
//
//   smg::wasm::Limits limits;                       // SMG's defaults
//   limits.max_instructions = smg::wasm::instructions_for_ms(250);
//
// Thread-safety: a plain value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace smg::wasm {

// Instructions wabt's interpreter retires per millisecond on the reference machine (2-core
// Debian 12 VM, measured by bench/wasm_bench with a tight loop, under load from other builds).
// The time budget is an instruction budget so that a call's fate never depends on how busy the
// machine is.
inline constexpr uint64_t kInstructionsPerMs = 80'000;

constexpr uint64_t instructions_for_ms(uint64_t ms) { return ms * kInstructionsPerMs; }

struct Limits {
  // Linear memory ceiling in 64 KiB pages (1024 = 64 MiB). A module whose minimum is larger is
  // refused at load; memory.grow past it fails (returns -1, as the spec says).
  uint32_t max_memory_pages = 1024;
  // Instructions per call: max_execution_time_ms (1000) of SMG as instructions.
  uint64_t max_instructions = instructions_for_ms(1000);
  // The interpreter's value and call stacks together (16-byte values, 40-byte frames).
  uint32_t max_stack_bytes = 1024 * 1024;
  // Largest body a module sees or may set; a larger request body is not given to modules.
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  // Largest module file accepted.
  std::size_t max_module_bytes = 16 * 1024 * 1024;
};

}  // namespace smg::wasm
