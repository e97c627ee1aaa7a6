#include "common/wasm/verdict.h"

namespace smg::wasm {

const char* action_name(Action action) {
  switch (action) {
    case Action::kContinue:
      return "continue";
    case Action::kModify:
      return "modify";
    case Action::kReject:
      return "reject";
  }
  return "continue";
}

}  // namespace smg::wasm
