// What a module decided about one exchange (SMG's `action`): continue, modify or reject.
//
//   switch (verdict.action) {
//     case smg::wasm::Action::kReject: return reply(verdict.status.value_or(400), verdict.body);
//     case smg::wasm::Action::kModify: apply(verdict);   // set, then add, then remove
//     case smg::wasm::Action::kContinue: break;
//   }
//
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/wasm/view.h"

namespace smg::wasm {

enum class Action { kContinue, kModify, kReject };

const char* action_name(Action action);  // "continue" | "modify" | "reject"

struct Verdict {
  Action action = Action::kContinue;
  // Recorded by the module; on kContinue they are empty. Headers are applied as SMG does: every
  // set (replace), then every add (append), then every remove, whatever order they were made in.
  std::optional<int> status;  // 100-599: reject status, or a response's new status
  std::vector<Header> headers_set;
  std::vector<Header> headers_add;
  std::vector<std::string> headers_remove;
  std::optional<std::string> body;
  // Instructions the call retired (for metrics and the bench).
  uint64_t instructions = 0;
};

}  // namespace smg::wasm
