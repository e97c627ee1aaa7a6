#include "cli/remote/target.h"

#include <cstdlib>

namespace smg::cli {

RemoteTarget resolve_target(const CliContext& context) {
  RemoteTarget target;
  target.server = context.global.server;
  target.token = context.global.token;
  if (target.token.empty()) {
    if (const char* env = std::getenv("SMG_TOKEN"); env != nullptr) {
      target.token = env;
    }
  }
  target.cacert = context.global.cacert;
  target.insecure = context.global.insecure;
  while (!target.server.empty() && target.server.back() == '/') {
    target.server.pop_back();
  }
  if (target.server.empty()) {
    throw UsageError("no gateway to talk to: pass --server URL or set a context");
  }
  return target;
}

}  // namespace smg::cli
