// The loopback redirect listener of `smgctl login --pkce` (RFC 8252 §7.3): an HTTP server on
// 127.0.0.1 and a port the OS picks, answering one path, /callback. The first redirect that
// reaches it decides the login: a matching `state` yields the code, anything else (a forged or
// stale redirect, the provider's error) ends the login. The browser gets a small page saying
// which, and that the tab can be closed.
// Thread-safety: one owning thread; the server's threads only touch the guarded outcome.
//
//   auto receiver = LoopbackReceiver::start(state);
//   std::string redirect_uri = (*receiver)->redirect_uri();   // http://127.0.0.1:PORT/callback
//   auto code = (*receiver)->wait_for_code(std::chrono::minutes(5));
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"

namespace httplib {
class Server;
}

namespace smg::cli {

class LoopbackReceiver {
 public:
  // Reasons: "loopback_listen_failed".
  static Result<std::unique_ptr<LoopbackReceiver>> start(std::string expected_state);
  ~LoopbackReceiver();
  LoopbackReceiver(const LoopbackReceiver&) = delete;
  LoopbackReceiver& operator=(const LoopbackReceiver&) = delete;

  std::string redirect_uri() const;
  // The code of the first redirect, or why there is none: authorization_code_from_redirect's
  // reasons, or "oidc_login_timeout" when nothing arrived within `timeout`.
  Result<std::string> wait_for_code(std::chrono::seconds timeout);

 private:
  explicit LoopbackReceiver(std::string expected_state);
  void stop();

  std::string expected_state_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::optional<Result<std::string>> outcome_;
};

}  // namespace smg::cli
