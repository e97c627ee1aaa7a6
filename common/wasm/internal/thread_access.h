// Bounded execution on wabt 1.0.32's interpreter. Its public Func::Call runs a function to the
// end with no budget; Thread::Run(n, trap) steps at most n instructions but the call set-up it
// needs (PushCall, PopValues) and the stacks are private. Explicit template instantiation may
// name private members ([temp.spec.general]/6), which lets us take pointers to exactly those
// four, without patching or copying wabt. Nothing else of Thread is touched.
// C++17 only (wabt headers); include from runner.cpp only (one explicit instantiation each).
#pragma once

#include <vector>

#include "wabt/interp/interp.h"

namespace smg::wasm::internal {

namespace wi = wabt::interp;

struct PushCallTag {
  using type = wi::RunResult (wi::Thread::*)(const wi::DefinedFunc&, wi::Trap::Ptr*);
  friend type member_of(PushCallTag);
};
struct PopValuesTag {
  using type = void (wi::Thread::*)(const wi::ValueTypes&, wi::Values*);
  friend type member_of(PopValuesTag);
};
struct ValueStackTag {
  using type = std::vector<wi::Value> wi::Thread::*;
  friend type member_of(ValueStackTag);
};
struct CallStackTag {
  using type = std::vector<wi::Frame> wi::Thread::*;
  friend type member_of(CallStackTag);
};

template <typename Tag, typename Tag::type Member>
struct Exposer {
  friend typename Tag::type member_of(Tag) { return Member; }
};

template struct Exposer<PushCallTag, &wi::Thread::PushCall>;
template struct Exposer<PopValuesTag, &wi::Thread::PopValues>;
template struct Exposer<ValueStackTag, &wi::Thread::values_>;
template struct Exposer<CallStackTag, &wi::Thread::frames_>;

inline wi::RunResult push_call(wi::Thread& thread, const wi::DefinedFunc& func,
                               wi::Trap::Ptr* out_trap) {
  return (thread.*member_of(PushCallTag{}))(func, out_trap);
}
inline void pop_values(wi::Thread& thread, const wi::ValueTypes& types, wi::Values* out) {
  (thread.*member_of(PopValuesTag{}))(types, out);
}
inline std::vector<wi::Value>& value_stack(wi::Thread& thread) {
  return thread.*member_of(ValueStackTag{});
}
inline std::vector<wi::Frame>& call_stack(wi::Thread& thread) {
  return thread.*member_of(CallStackTag{});
}

}  // namespace smg::wasm::internal
