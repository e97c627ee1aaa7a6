// Where a remote command goes and with which credential: the one place that decides it.
// Precedence: --server/--token flags, then SMG_TOKEN, then the chosen context
// (--context, else the current one) from $XDG_CONFIG_HOME/smgctl/ (cli/contexts/context_store.h).
// A context's credential goes only to that context's server: `--server OTHER` without
// `--context` ignores the stored contexts. OIDC credentials yield their access token, refreshed
// when it is about to expire (cli/login/session_refresh.h).
//
//   RemoteTarget target = resolve_target(context);   // throws UsageError when no server is known
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "cli/cli_context.h"

namespace smg::cli {

struct RemoteTarget {
  std::string server;        // base URL without a trailing slash, e.g. "https://gw.example:8443"
  std::string token;         // bearer credential; empty means none
  std::string cacert;        // PEM bundle to trust; empty means the system store
  bool insecure = false;     // skip TLS verification
  std::string context_name;  // the context used, empty when flags alone decided
  bool oidc_session = false;  // `token` comes from `smgctl login` (see unauthenticated_message)
  // Where `token` came from, for a 401 that names the credential that failed.
  enum class Source { kNone, kTokenFlag, kEnvironment, kContext, kLoginSession };
  Source source = Source::kNone;
  // A context not used because --server named another server (its credential stays home).
  std::string skipped_context;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // --request-timeout
  // Where "waiting for URL…" goes when an answer is slow: stderr when it is a terminal, else
  // nowhere (scripts and logs stay clean).
  std::ostream* wait_notice = nullptr;
  std::chrono::milliseconds wait_notice_after{std::chrono::seconds(2)};  // tests shorten it
};

// REQUIRES: nothing; throws UsageError with a one-line hint when no server can be found, the
// --context is unknown, or the context files are unsafe or malformed.
// An OIDC session's access token that expires within 30 s is refreshed first (and saved); a
// refresh the provider refuses throws CommandError(3, session_expired_message(context)).
RemoteTarget resolve_target(const CliContext& context);

// What to tell the user when the gateway answers 401: which credential was refused (or that none
// was sent, and why) and the command that fixes it; for an OIDC session, that it expired or was
// revoked and `smgctl login` is needed. `server_message` is the gateway's own words.
std::string unauthenticated_message(const RemoteTarget& target, const std::string& server_message);

}  // namespace smg::cli
