// The host side of docs/wasm-abi.md. Every pointer a module passes is checked against its memory
// before use; a bad one traps the call (the module is skipped, never the gateway).
#include "common/wasm/internal/host_functions.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>

namespace smg::wasm::internal {
namespace {

using wabt::Result;
using wabt::interp::FuncType;
using wabt::interp::HostFunc;
using wabt::interp::Thread;
using wabt::interp::Trap;
using wabt::interp::u32;
using wabt::interp::Value;
using wabt::interp::Values;
using wabt::interp::ValueTypes;

Result trap(Thread& thread, Trap::Ptr* out_trap, std::string message) {
  *out_trap = Trap::New(thread.store(), message);
  return Result::Error;
}

// True when the bytes [ptr, ptr+len) are all inside the module's memory (an empty range at its
// end too, even for a memory of 0 pages).
bool in_memory(const CallState& state, u32 ptr, u32 len) {
  return state.memory != nullptr && static_cast<uint64_t>(ptr) + len <= state.memory->ByteSize();
}

// REQUIRES: in_memory(state, ptr, len) for a len > 0.
wabt::interp::u8* memory_at(const CallState& state, u32 ptr) {
  return state.memory->UnsafeData() + ptr;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view field_text(const View& view, int32_t field) {
  switch (static_cast<Field>(field)) {
    case Field::kMethod:
      return view.method;
    case Field::kPath:
      return view.path;
    case Field::kQuery:
      return view.query;
    case Field::kBody:
      return view.body;
    case Field::kRequestId:
      return view.request_id;
    case Field::kSubject:
      return view.subject;
    case Field::kRole:
      return view.role;
    case Field::kDomain:
      return view.domain;
  }
  return {};
}

class Calls {
 public:
  Calls(CallState& state, Thread& thread, const Values& params, Values& results,
        Trap::Ptr* out_trap)
      : state_(state), thread_(thread), params_(params), results_(results), out_trap_(out_trap) {}

  Result dispatch(HostFunction id, std::string_view name) {
    name_ = name;
    switch (id) {
      case HostFunction::kRead:
        return read();
      case HostFunction::kHeaderCount:
        return put_i32(static_cast<int32_t>(state_.view->headers.size()));
      case HostFunction::kHeaderName:
        return header_part(true);
      case HostFunction::kHeaderValue:
        return header_part(false);
      case HostFunction::kHeaderGet:
        return header_get();
      case HostFunction::kNowMs:
        results_[0] = Value::Make(static_cast<wabt::interp::u64>(state_.view->now_ms));
        return Result::Ok;
      case HostFunction::kStatus:
        return put_i32(state_.view->status);
      case HostFunction::kSetHeader:
        return header_edit(&state_.recorded.headers_set);
      case HostFunction::kAddHeader:
        return header_edit(&state_.recorded.headers_add);
      case HostFunction::kRemoveHeader:
        return header_remove();
      case HostFunction::kSetBody:
        return set_body();
      case HostFunction::kSetStatus:
        return set_status();
    }
    return fail("unknown host function");
  }

 private:
  u32 arg(std::size_t index) const { return params_[index].Get<u32>(); }

  Result put_i32(int32_t value) {
    results_[0] = Value::Make(static_cast<u32>(value));
    return Result::Ok;
  }

  Result fail(const std::string& why) {
    return trap(thread_, out_trap_, "smg." + std::string(name_) + ": " + why);
  }

  // Copies min(text.size(), cap) bytes to buf and answers the full length.
  Result copy_out(std::string_view text, u32 buf, u32 cap) {
    u32 count = static_cast<u32>(std::min<std::size_t>(text.size(), cap));
    if (!in_memory(state_, buf, cap)) return fail("buffer outside memory");
    if (count > 0) std::memcpy(memory_at(state_, buf), text.data(), count);
    return put_i32(static_cast<int32_t>(std::min<std::size_t>(text.size(), INT32_MAX)));
  }

  Result read_text(u32 ptr, u32 len, std::size_t max_len, std::string* out) {
    if (len > max_len) return fail("length over the limit");
    if (!in_memory(state_, ptr, len)) return fail("buffer outside memory");
    if (len > 0) out->assign(reinterpret_cast<const char*>(memory_at(state_, ptr)), len);
    return Result::Ok;
  }

  Result read() {
    int32_t field = static_cast<int32_t>(arg(0));
    if (field < 0 || field >= kFieldCount) return fail("unknown field");
    return copy_out(field_text(*state_.view, field), arg(1), arg(2));
  }

  Result header_part(bool name) {
    u32 index = arg(0);
    if (index >= state_.view->headers.size()) {
      if (!in_memory(state_, arg(1), arg(2))) return fail("buffer outside memory");
      return put_i32(-1);
    }
    const Header& header = state_.view->headers[index];
    return copy_out(name ? header.name : header.value, arg(1), arg(2));
  }

  Result header_get() {
    std::string name;
    if (wabt::Failed(read_text(arg(0), arg(1), kMaxHeaderBytes, &name))) return Result::Error;
    for (const Header& header : state_.view->headers) {
      if (same_name(header.name, name)) return copy_out(header.value, arg(2), arg(3));
    }
    if (!in_memory(state_, arg(2), arg(3))) return fail("buffer outside memory");
    return put_i32(-1);
  }

  Result count_edit() {
    if (++state_.header_edits > kMaxHeaderEdits) return fail("too many header edits");
    return Result::Ok;
  }

  Result header_edit(std::vector<Header>* edits) {
    Header header;
    if (wabt::Failed(count_edit()) ||
        wabt::Failed(read_text(arg(0), arg(1), kMaxHeaderBytes, &header.name)) ||
        wabt::Failed(read_text(arg(2), arg(3), kMaxHeaderBytes, &header.value))) {
      return Result::Error;
    }
    edits->push_back(std::move(header));
    return Result::Ok;
  }

  Result header_remove() {
    std::string name;
    if (wabt::Failed(count_edit()) ||
        wabt::Failed(read_text(arg(0), arg(1), kMaxHeaderBytes, &name))) {
      return Result::Error;
    }
    state_.recorded.headers_remove.push_back(std::move(name));
    return Result::Ok;
  }

  Result set_body() {
    std::string body;
    if (wabt::Failed(read_text(arg(0), arg(1), state_.limits->max_body_bytes, &body))) {
      return Result::Error;
    }
    state_.recorded.body = std::move(body);
    return Result::Ok;
  }

  Result set_status() {
    int32_t status = static_cast<int32_t>(arg(0));
    if (status < 100 || status > 599) return fail("status must be 100-599");
    state_.recorded.status = status;
    return Result::Ok;
  }

  CallState& state_;
  Thread& thread_;
  const Values& params_;
  Values& results_;
  Trap::Ptr* out_trap_;
  std::string_view name_;
};

ValueTypes value_types(std::string_view letters) {
  ValueTypes types;
  for (char letter : letters) {
    types.push_back(letter == 'I' ? wabt::Type::I64 : wabt::Type::I32);
  }
  return types;
}

const HostFunctionSpec& spec_of(HostFunction id) {
  for (const HostFunctionSpec& spec : kHostFunctions) {
    if (spec.id == id) return spec;
  }
  return kHostFunctions[0];  // unreachable: every id has a spec
}

}  // namespace

FuncType host_function_type(const HostFunctionSpec& spec) {
  return FuncType(value_types(spec.params), value_types(spec.results));
}

std::vector<HostFunc::Ptr> bind_imports(wabt::interp::Store& store, const Module::Impl& impl,
                                        CallState* state) {
  std::vector<HostFunc::Ptr> funcs;
  for (HostFunction id : impl.imports) {
    const HostFunctionSpec& spec = spec_of(id);
    auto func =
        HostFunc::New(store, host_function_type(spec),
                      [state, id, name = spec.name](Thread& thread, const Values& params,
                                                    Values& results, Trap::Ptr* out_trap) {
                        return Calls(*state, thread, params, results, out_trap).dispatch(id, name);
                      });
    funcs.push_back(std::move(func));
  }
  return funcs;
}

}  // namespace smg::wasm::internal
