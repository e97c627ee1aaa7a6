// Listener: the HTTP(S) engine edge. Reads each request (Boost.Beast's parser), turns it into a
// smg::server::Request, calls the gateway's handler and writes the smg::server::Response back
// (streamed bodies as chunked transfer). Everything gateway-specific stays out of this file, so the
// engine can be swapped without touching auth, routing or the proxy.
//
// HTTP and HTTPS run on Boost.Asio: a fixed set of I/O threads (io_threads) runs one io_context,
// and every connection is a coroutine (connection.h), so an idle keep-alive connection or a TLS
// handshake in progress holds no thread. The Handler and the HeadScreen are synchronous (they
// may block: bcrypt, SQLite, upstream calls), so they run on a bounded blocking pool
// (blocking_pool.h), never on an I/O thread; a streamed body's callback too, for as long as the
// stream lasts, so streams never starve short requests.
// Thread-safety: bind/serve from one controlling thread, stop() from any; the handler runs on many
// threads.
//
//   Listener listener(options, [&](Request& r) { return gateway.handle(r); });
//   auto port = listener.bind();          // Result<int>
//   std::thread t([&] { listener.serve(); });
//   ...; listener.stop(); t.join();
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "server/http/accept_backoff.h"
#include "server/http/exchange.h"
#include "server/http/io_runtime.h"

namespace smg::server {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 30000;                  // 0: any free port
  std::string tls_cert_path;         // both set: HTTPS
  std::string tls_key_path;
  std::size_t max_payload_bytes = 512u << 20;
  std::chrono::seconds keep_alive_timeout{2};
  std::size_t keep_alive_max_requests = 100000;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds head_timeout{10};  // the whole request head (slowloris): 408 past it
  // A body gets body_timeout plus a second per body_min_rate bytes (0: no rate); 408 past it.
  std::chrono::seconds body_timeout{20};
  std::size_t body_min_rate = 500;
  std::size_t max_connections = 0;        // --max-connections; 0: no cap
  int listen_backlog = 4096;
  std::size_t io_threads = 0;       // threads running the connections' coroutines; 0: one per core
  // Blocking-pool threads kept ready for handlers (more start on demand, up to max_threads, and
  // retire when idle); 0: one per core, at least 2.
  std::size_t serving_threads = 0;
  std::size_t max_threads = 2048;  // blocking-pool threads (handlers, screens, streams), at most
  // True for a request whose HeadScreen and Handler never block: they run on the I/O thread,
  // skipping the pool (health probes stay prompt however busy it is). Unset: none.
  std::function<bool(const Request& head)> runs_inline;
};

using Handler = std::function<Response(Request&)>;
// Runs on a request's head (no body yet) once the engine has checked its framing. A Response
// refuses the request: it is sent, the body is never read and the connection closes. nullopt
// lets the body be read and the Handler run; what the screen put in head.screen_state reaches
// the Handler's Request.
using HeadScreen = std::function<std::optional<Response>(Request& head)>;

class Listener {
 public:
  // `io`: the I/O threads to serve on, shared with what else runs on them (the gateway's
  // upstream client); null: the listener has its own, options.io_threads of them. REQUIRES: a
  // shared `io` outlives the listener and is run by nothing but this listener's serve().
  Listener(ListenerOptions options, Handler handler, HeadScreen screen = {},
           IoRuntime* io = nullptr);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and listens; returns the bound port. Fails with "listen_failed" or "tls_invalid".
  Result<int> bind();
  // Serves until stop(); returns false if serving failed.
  bool serve();
  void stop();
  bool tls() const;
  // Connections closed at accept because max_connections were open.
  std::uint64_t refused_connections() const;
  // accept() failures by reason; after each (but a connection's own) accepting pauses, 10 ms
  // doubling to 1 s (accept_backoff.h), while the open connections are served.
  std::uint64_t accept_errors(AcceptErrorReason reason) const;

 private:
  class Engine;
  ListenerOptions options_;
  Handler handler_;
  HeadScreen screen_;
  IoRuntime* io_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace smg::server
