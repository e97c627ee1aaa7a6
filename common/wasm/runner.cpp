// The budgeted call. wabt's Thread::Run(n) steps at most n instructions; between slices we check
// the instruction budget and the stack sizes. The call stack is reserved to the stack cap plus
// one slice, so the interpreter's own "call stack exhausted" check is never the one that fires:
// in wabt 1.0.32 that check, reached through call_indirect, sets a trap but keeps running
// (upstream #2464), which would run instructions on a broken stack.
#include "common/wasm/runner.h"

#include <algorithm>
#include <new>
#include <string>

#include "common/wasm/internal/host_functions.h"
#include "common/wasm/internal/module_impl.h"
#include "common/wasm/internal/thread_access.h"

namespace smg::wasm {
namespace {

namespace wi = wabt::interp;

constexpr int kSliceInstructions = 100;
constexpr std::size_t kFrameBytes = sizeof(wi::Frame);
constexpr std::size_t kValueBytes = sizeof(wi::Value);
// A frame also holds the callee's locals, at most kMaxLocals values: the stack check between
// slices can be late by at most kSliceInstructions calls.

Status trap_status(const std::string& message) {
  return Status(Code::kFailedPrecondition, "wasm_trap", "wasm trap: " + message);
}

std::size_t max_frames(const Limits& limits) {
  return std::max<std::size_t>(limits.max_stack_bytes / kFrameBytes, 1);
}

bool stack_over(wi::Thread& thread, const Limits& limits) {
  std::size_t bytes = internal::value_stack(thread).size() * kValueBytes +
                      internal::call_stack(thread).size() * kFrameBytes;
  return bytes > limits.max_stack_bytes;
}

// One fresh instance with the call's host functions bound to `state`.
class Instance {
 public:
  Instance(const Module::Impl& impl, internal::CallState* state)
      : store_(impl.features), module_(wi::Module::New(store_, impl.desc)) {
    host_functions_ = internal::bind_imports(store_, impl, state);
  }

  Status instantiate() {
    wi::RefVec imports;
    for (const auto& func : host_functions_) imports.push_back(func.ref());
    wi::Trap::Ptr trap;
    instance_ = wi::Instance::Instantiate(store_, module_.ref(), imports, &trap);
    if (!instance_) {
      std::string why = trap ? trap->message() : std::string("unknown error");
      return Status(Code::kFailedPrecondition, "wasm_instantiation_failed",
                    "wasm instantiation failed: " + why);
    }
    return Status();
  }

  wi::Memory* memory(const Module::Impl& impl) {
    return store_.UnsafeGet<wi::Memory>(instance_->exports()[impl.memory_export]).get();
  }

  Result<int32_t> call(wi::Index export_index, const Limits& limits, uint64_t* instructions);

 private:
  wi::Store store_;  // first: every RefPtr below must be released before it
  wi::Module::Ptr module_;
  std::vector<wi::HostFunc::Ptr> host_functions_;
  wi::Instance::Ptr instance_;
};

Result<int32_t> Instance::call(wi::Index export_index, const Limits& limits,
                               uint64_t* instructions) {
  auto func = store_.UnsafeGet<wi::DefinedFunc>(instance_->exports()[export_index]);
  wi::Thread thread(store_);
  internal::call_stack(thread).reserve(max_frames(limits) + kSliceInstructions + 1);
  wi::Trap::Ptr trap;
  if (internal::push_call(thread, *func, &trap) != wi::RunResult::Ok) {
    return trap_status(trap ? trap->message() : "call failed");
  }
  wi::RunResult result = wi::RunResult::Ok;
  *instructions = 0;
  while (result == wi::RunResult::Ok) {
    if (*instructions >= limits.max_instructions) {
      return Status(Code::kResourceExhausted, "wasm_budget_exceeded",
                    "wasm module ran past its budget of " +
                        std::to_string(limits.max_instructions) + " instructions");
    }
    result = thread.Run(kSliceInstructions, &trap);
    *instructions += kSliceInstructions;
    if (result == wi::RunResult::Ok && (trap || stack_over(thread, limits))) {
      return Status(
          Code::kResourceExhausted, "wasm_stack_exhausted",
          "wasm module ran past its stack of " + std::to_string(limits.max_stack_bytes) + " bytes");
    }
  }
  if (result == wi::RunResult::Trap) return trap_status(trap ? trap->message() : "trap");
  if (result == wi::RunResult::Exception) return trap_status("uncaught exception");
  wi::Values results;
  internal::pop_values(thread, func->type().results, &results);
  return static_cast<int32_t>(results.at(0).Get<wi::u32>());
}

Result<Verdict> to_verdict(int32_t code, Verdict recorded) {
  switch (code) {
    case kActionContinue: {
      Verdict verdict;
      verdict.instructions = recorded.instructions;
      return verdict;
    }
    case kActionModify:
      recorded.action = Action::kModify;
      return recorded;
    case kActionReject:
      recorded.action = Action::kReject;
      return recorded;
    default:
      return Status(Code::kFailedPrecondition, "wasm_bad_action",
                    "wasm module returned unknown action " + std::to_string(code));
  }
}

Result<Verdict> run_unguarded(const Module& module, EntryPoint entry, const View& view,
                              const Limits& limits) {
  const Module::Impl& impl = module.impl();
  internal::CallState state;
  state.view = &view;
  state.limits = &limits;
  Instance instance(impl, &state);
  if (Status status = instance.instantiate(); !status.ok()) return status;
  state.memory = instance.memory(impl);
  const auto& export_index =
      entry == EntryPoint::kOnRequest ? impl.on_request_export : impl.on_response_export;
  uint64_t instructions = 0;
  Result<int32_t> code = instance.call(export_index.value(), limits, &instructions);
  if (!code.ok()) return code.status();
  state.recorded.instructions = instructions;
  return to_verdict(*code, std::move(state.recorded));
}

}  // namespace

Result<Verdict> run(const Module& module, EntryPoint entry, const View& view,
                    const Limits& limits) {
  if (!module.exports(entry)) {
    return Status(Code::kFailedPrecondition, "wasm_no_entry",
                  "wasm module does not export " + std::string(entry_export_name(entry)));
  }
  // wabt allocates with new: a module's memory or tables within the limits can still meet an
  // exhausted machine. That is this call's failure, not the gateway's.
  try {
    return run_unguarded(module, entry, view, limits);
  } catch (const std::bad_alloc&) {
    return Status(Code::kResourceExhausted, "wasm_out_of_memory", "wasm call out of memory");
  }
}

Status instantiate_only(const Module& module, const Limits& limits) {
  (void)limits;
  try {
    internal::CallState state;
    View view;
    state.view = &view;
    state.limits = &limits;
    Instance instance(module.impl(), &state);
    return instance.instantiate();
  } catch (const std::bad_alloc&) {
    return Status(Code::kResourceExhausted, "wasm_out_of_memory", "wasm call out of memory");
  }
}

}  // namespace smg::wasm
