// WASM middleware cost per call on wabt's interpreter: a request with no module (the baseline:
// building the view the middleware would build), a header-adding module (what a call costs:
// fresh instance + run + verdict), instantiation alone, the instruction rate behind
// kInstructionsPerMs, and the one-off load (parse + validate) the SHA-256 cache saves.
//   build/bench/wasm_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/wasm/module.h"
#include "common/wasm/runner.h"
#include "common/wasm/wat.h"

namespace {

using namespace smg::wasm;

// As examples/wasm/add_header.c: x-wasm-processed, and the request id echoed back.
const char* kAddHeader = R"((module
  (import "smg" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "smg" "set_header" (func $set_header (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "x-wasm-processed") (data (i32.const 32) "true")
  (data (i32.const 64) "x-request-id")
  (func (export "smg_on_response") (result i32)
    (call $set_header (i32.const 0) (i32.const 16) (i32.const 32) (i32.const 4))
    (call $set_header (i32.const 64) (i32.const 12) (i32.const 1024)
        (call $read (i32.const 4) (i32.const 1024) (i32.const 256)))
    (i32.const 1))))";

const char* kLoop = R"((module
  (memory (export "memory") 1)
  (func (export "smg_on_request") (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
             (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
    (i32.const 0))))";

std::string bytes_of(const char* wat) {
  auto bytes = compile_wat(wat);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s\n", bytes.status().message().c_str());
    std::abort();
  }
  return *bytes;
}

std::shared_ptr<const Module> load(const char* wat) {
  auto module = Module::load(bytes_of(wat), {});
  if (!module.ok()) std::abort();
  return *module;
}

View sample_view() {
  View view;
  view.method = "POST";
  view.path = "/v1/chat/completions";
  view.headers = {{"content-type", "application/json"}, {"x-request-id", "req-1"}};
  view.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  view.request_id = "0b7c1f6e-8a47-4bde-9d3c-2f1e5a6b7c8d";
  view.status = 200;
  return view;
}

void BM_NoModule(benchmark::State& state) {
  for (auto _ : state) {
    View view = sample_view();
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_NoModule);

void BM_AddHeaderModule(benchmark::State& state) {
  auto module = load(kAddHeader);
  Limits limits;
  for (auto _ : state) {
    View view = sample_view();
    auto verdict = run(*module, EntryPoint::kOnResponse, view, limits);
    if (!verdict.ok() || verdict->headers_set.size() != 2) state.SkipWithError("bad verdict");
    benchmark::DoNotOptimize(verdict);
  }
}
BENCHMARK(BM_AddHeaderModule);

void BM_InstantiateOnly(benchmark::State& state) {
  auto module = load(kAddHeader);
  Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(instantiate_only(*module, limits));
}
BENCHMARK(BM_InstantiateOnly);

// Instantiation against the module's initial memory: wabt allocates and zeroes every page.
void BM_InstantiatePages(benchmark::State& state) {
  std::string wat = "(module (memory (export \"memory\") " + std::to_string(state.range(0)) +
                    ") (func (export \"smg_on_request\") (result i32) (i32.const 0)))";
  auto module = Module::load(bytes_of(wat.c_str()), {});
  if (!module.ok()) std::abort();
  Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(instantiate_only(**module, limits));
}
BENCHMARK(BM_InstantiatePages)->Arg(1)->Arg(16)->Arg(256);

// 9 M instructions per call: items/s is the interpreter's instruction rate.
void BM_InstructionRate(benchmark::State& state) {
  auto module = load(kLoop);
  Limits limits;
  limits.max_instructions = 100'000'000;
  View view = sample_view();
  uint64_t instructions = 0;
  for (auto _ : state) {
    auto verdict = run(*module, EntryPoint::kOnRequest, view, limits);
    if (!verdict.ok()) state.SkipWithError("loop failed");
    instructions += verdict.ok() ? verdict->instructions : 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(instructions));
}
BENCHMARK(BM_InstructionRate)->Unit(benchmark::kMillisecond);

void BM_LoadModule(benchmark::State& state) {
  std::string bytes = bytes_of(kAddHeader);
  for (auto _ : state) benchmark::DoNotOptimize(Module::load(bytes, {}));
}
BENCHMARK(BM_LoadModule);

}  // namespace

BENCHMARK_MAIN();
