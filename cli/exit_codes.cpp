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

std::string listen_failure_message(const Status& status) {
  std::string message = status.message();
  if (message.find("in use") != std::string::npos) {
    message += " (another smgctl serve? try --port 0)";
  }
  return message;
}

}  // namespace smg::cli
