#include "cli/exit_codes.h"

namespace smg::cli {

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return kExitOk;
    case Code::kInvalidArgument: return kExitUsage;
    case Code::kUnauthenticated: return kExitUnauthenticated;
    case Code::kPermissionDenied: return kExitForbidden;
    default: return kExitFailure;
  }
}

}  // namespace smg::cli
