// A WASM middleware module parsed and validated once (wabt), ready to be instantiated per call.
// load() refuses, with a one-line reason: bytes that are not valid core WebAssembly (wabt's
// validator message), a start function (it would run outside the budget), imports other than
// the `smg` host functions of abi.h, a memory or table larger than the limits, a function with
// more than kMaxLocals locals, and a module exporting neither entry point or no `memory`.
// It also instantiates the module once, so a data segment that does not fit fails here and not
// on every request.
//
//   auto module = smg::wasm::Module::load(bytes, limits);
//   if (!module.ok()) return error(module.status().message());
//   bool on_request = (*module)->exports(smg::wasm::EntryPoint::kOnRequest);
//
// Thread-safety: immutable after load(); share it through shared_ptr<const Module>.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/wasm/abi.h"
#include "common/wasm/limits.h"

namespace smg::wasm {

inline constexpr uint32_t kMaxLocals = 4096;
inline constexpr uint32_t kMaxTableElements = 65536;

class Module {
 public:
  struct Impl;  // wabt's parsed module; see internal/module_impl.h

  // REQUIRES: nothing; any bytes are safe (a fuzz target feeds random ones).
  static Result<std::shared_ptr<const Module>> load(std::string_view bytes, const Limits& limits);

  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& sha256_hex() const { return sha256_hex_; }
  std::size_t size_bytes() const { return size_bytes_; }
  bool exports(EntryPoint entry) const;
  const Impl& impl() const { return *impl_; }

 private:
  Module(std::unique_ptr<Impl> impl, std::string sha256_hex, std::size_t size_bytes);

  std::unique_ptr<Impl> impl_;
  std::string sha256_hex_;
  std::size_t size_bytes_;
};

}  // namespace smg::wasm
