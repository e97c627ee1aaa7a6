#include "cli/remote/target.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/contexts/context_store.h"
#include "cli/exit_codes.h"
#include "cli/login/session_refresh.h"
#include "common/http/http_client.h"

namespace smg::cli {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The context a command should use: --context NAME (which must exist), else the current one.
std::optional<Context> chosen_context(const ContextStore& store, const std::string& requested) {
  if (requested.empty()) return store.current();
  std::optional<Context> context = store.find(requested);
  if (!context) {
    throw UsageError("no context named \"" + requested + "\" (see `smgctl context list`)");
  }
  return context;
}

// A `smgctl login` session's access token, refreshed when it is about to expire.
std::string session_bearer(ContextStore& store, const std::string& name) {
  auto http = http::make_curl_client();
  auto bearer = fresh_access_token(store, name, *http, SystemClock::instance());
  if (bearer.ok()) return *bearer;
  if (bearer.status().code() == Code::kUnauthenticated) {
    throw CommandError(kExitUnauthenticated, session_expired_message(name));
  }
  throw CommandError(kExitFailure, "could not refresh the session for context " + name + ": " +
                                       bearer.status().message());
}

ContextStore open_store() {
  auto store = ContextStore::open(ContextStore::default_dir());
  if (!store.ok()) throw UsageError(store.status().message());
  return std::move(*store);
}

// Fills what the flags and SMG_TOKEN left open from the context. A context's credential is only
// sent to that context's own server: `--server elsewhere` alone never picks up a stored token.
void apply_context(RemoteTarget& target, const CliContext& context) {
  const GlobalOptions& global = context.global;
  ContextStore store = open_store();
  std::optional<Context> chosen = chosen_context(store, global.context);
  if (!chosen) return;
  bool same_server =
      target.server.empty() || target.server == without_trailing_slash(chosen->server);
  if (!same_server && global.context.empty()) {
    if (target.token.empty()) target.skipped_context = chosen->name;
    return;
  }
  target.context_name = chosen->name;
  if (target.server.empty()) target.server = without_trailing_slash(chosen->server);
  if (global.cacert.empty()) target.cacert = chosen->cacert;
  if (!global.insecure) target.insecure = chosen->insecure;
  if (!target.token.empty()) return;
  auto credential = store.credential(chosen->name);
  if (!credential.ok()) throw UsageError(credential.status().message());
  if (credential->oidc) {
    target.token = session_bearer(store, chosen->name);
    target.oidc_session = true;
    target.source = RemoteTarget::Source::kLoginSession;
    return;
  }
  target.token = credential->bearer().reveal();
  if (!target.token.empty()) target.source = RemoteTarget::Source::kContext;
}

}  // namespace

RemoteTarget resolve_target(const CliContext& context) {
  RemoteTarget target;
  target.server = without_trailing_slash(context.global.server);
  target.token = context.global.token;
  if (!target.token.empty()) target.source = RemoteTarget::Source::kTokenFlag;
  if (target.token.empty()) {
    if (const char* env = std::getenv("SMG_TOKEN"); env != nullptr && env[0] != '\0') {
      target.token = env;
      target.source = RemoteTarget::Source::kEnvironment;
    }
  }
  target.cacert = context.global.cacert;
  target.insecure = context.global.insecure;
  target.request_timeout = context.global.request_timeout;
  if (context.err == &std::cerr && ::isatty(STDERR_FILENO) == 1) target.wait_notice = &std::cerr;
  bool flags_decide = !target.server.empty() && !target.token.empty();
  if (!flags_decide || !context.global.context.empty()) {
    apply_context(target, context);
  }
  if (target.server.empty()) {
    throw UsageError(
        "no gateway to talk to: pass --server URL or create a context (smgctl context set)");
  }
  return target;
}

std::string unauthenticated_message(const RemoteTarget& target,
                                    const std::string& server_message) {
  using Source = RemoteTarget::Source;
  if (target.oidc_session) return session_expired_message(target.context_name);
  switch (target.source) {
    case Source::kLoginSession: return session_expired_message(target.context_name);
    case Source::kTokenFlag:
      return server_message + ": the gateway refused the --token credential";
    case Source::kEnvironment:
      return server_message + ": the gateway refused the SMG_TOKEN credential (unset it to use "
                              "a context's)";
    case Source::kContext:
      return server_message + ": the gateway refused the key stored in context \"" +
             target.context_name + "\"; replace it: smgctl context set " + target.context_name +
             " --token-stdin";
    case Source::kNone:
      if (!target.token.empty()) return server_message + ": the gateway refused the credential";
      break;
  }
  if (!target.skipped_context.empty()) {
    return server_message + ": no credential was sent (context \"" + target.skipped_context +
           "\" is for another server; add --context " + target.skipped_context +
           " to send its credential here)";
  }
  return server_message + ": no credential was sent (pass --token-stdin via smgctl context set, "
                          "or SMG_TOKEN)";
}

}  // namespace smg::cli
