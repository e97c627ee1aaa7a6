// WASM middleware loader and runtime: any bytes offered as a module must be refused with a
// Status or loaded; a loaded module must then run both entry points within a small budget and
// return a verdict or a Status. Never a crash, an abort or an unbounded run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/wasm/module.h"
#include "common/wasm/runner.h"

namespace {

smg::wasm::Limits fuzz_limits() {
  smg::wasm::Limits limits;
  limits.max_memory_pages = 16;
  limits.max_instructions = 20'000;
  limits.max_stack_bytes = 64 * 1024;
  limits.max_body_bytes = 4096;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const smg::wasm::Limits kLimits = fuzz_limits();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto module = smg::wasm::Module::load(bytes, kLimits);
  if (!module.ok()) return 0;
  smg::wasm::View view;
  view.method = "POST";
  view.path = "/v1/chat/completions";
  view.headers = {{"content-type", "application/json"}};
  view.body = R"({"max_tokens":100})";
  for (auto entry : {smg::wasm::EntryPoint::kOnRequest, smg::wasm::EntryPoint::kOnResponse}) {
    if ((*module)->exports(entry)) (void)smg::wasm::run(**module, entry, view, kLimits);
  }
  return 0;
}
