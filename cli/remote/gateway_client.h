// GatewayClient: smgctl's calls to a gateway's control plane over libcurl
// (common/http), with the target's TLS settings and bearer credential. The credential only ever
// travels in the Authorization header: never in a URL, a message or an error.
//
// Failures become a Status whose Code gives smgctl's exit code (cli/exit_codes.h): 401 →
// kUnauthenticated (3), 403 → kPermissionDenied (4), 404 → kNotFound, 409 → kAlreadyExists,
// 501 → kUnimplemented, other 4xx → kFailedPrecondition and 5xx → kUnavailable (all 1; a 400 is
// the server refusing what smgctl sent, not a usage error). The message is the server's
// `error.message` on one line with the HTTP status; a connection failure names the server URL
// and says in plain words what happened and what to try ("nothing is listening at URL (is
// smgctl serve running?)"), never libcurl's own strings.
// A 401 for an OIDC session (`smgctl login`) says the session expired or was revoked instead.
//
// Timeouts (--request-timeout, RemoteTarget::request_timeout, 30 s by default): call() waits at
// most that long for the whole answer; stream() waits that long for the answer to start, then
// only gives up on a stream silent for its `stall_timeout`, so `audit tail -f` is never cut. A
// call still waiting after 2 s says "waiting for URL…" on RemoteTarget::wait_notice (stderr on a
// terminal).
// Thread-safety: const methods may be called from many threads.
//
//   GatewayClient client(resolve_target(context));
//   Result<nlohmann::json> workers = client.call("GET", "/workers");
//   nlohmann::json added = require_ok(client.call("POST", "/workers", &body));  // throws
//   CommandError
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/remote/target.h"
#include "common/http/http_client.h"
#include "common/status.h"

namespace smg::cli {

class GatewayClient {
 public:
  // `http` defaults to libcurl; tests may pass a fake.
  explicit GatewayClient(RemoteTarget target, std::shared_ptr<const http::HttpClient> http = {});

  const RemoteTarget& target() const { return target_; }

  // How long call() waits for an answer (the target's request_timeout unless set; completion
  // uses a short one).
  void set_call_timeout(std::chrono::milliseconds timeout) { call_timeout_ = timeout; }

  // One request; `body` (when given) is sent as JSON. A 2xx answer yields its JSON body (null
  // when empty or not JSON); anything else fails as described above.
  Result<nlohmann::json> call(const std::string& method, const std::string& path,
                              const nlohmann::json* body = nullptr) const;

  // A long-lived GET (SSE): a 2xx body is handed to `on_chunk` as it arrives until the server
  // closes (OK), `on_chunk` returns false (OK), nothing arrives for `stall_timeout`, or the
  // connection fails. Non-2xx answers fail as call() does.
  Status stream(const std::string& path, const std::map<std::string, std::string>& headers,
                const std::function<bool(std::string_view)>& on_chunk,
                std::chrono::seconds stall_timeout) const;

 private:
  http::Request request(const std::string& method, const std::string& path) const;
  Status transport_failure(const Status& status) const;
  Status answer_failure(long status, const std::string& body) const;

  RemoteTarget target_;
  std::shared_ptr<const http::HttpClient> http_;
  std::chrono::milliseconds call_timeout_;
};

// The one-line message for a transport failure (an http::HttpClient reason) talking to `server`
// with `timeout` in force, e.g. "nothing is listening at http://127.0.0.1:9 (is smgctl serve
// running?)".
std::string transport_message(const Status& failure, const std::string& server,
                              std::chrono::milliseconds timeout);

// The Status for a non-2xx answer (see the top comment). `body` is the response body.
Status http_error_status(long status, const std::string& body);

// For commands: the value, or a CommandError carrying the failure's exit code and message.
nlohmann::json require_ok(Result<nlohmann::json> result);

}  // namespace smg::cli
