// One client connection of a Listener, served by one coroutine from accept to close: (TLS
// handshake,) then per request: wait idle for its first byte (keep_alive_timeout), read the head
// under its deadline (head_timeout), check it (request_head.h), screen it on the blocking pool,
// read the body under the mod_reqtimeout-style deadline, run the Handler on the blocking pool and
// write the Response, streamed ones chunk by chunk as their callback (on the pool) writes them.
// Pipelined bytes stay in the connection's buffer for the next request. No thread waits for the
// connection: an idle one costs a socket, a buffer and a coroutine frame.
// Thread-safety: a connection runs on its own strand; EngineShared is shared by all of them.
//
//   co_spawn(socket.get_executor(), serve_connection(std::move(socket), shared, tls), detached);
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>

#include "server/http/blocking_pool.h"
#include "server/http/connection_registry.h"
#include "server/http/listener.h"

namespace smg::server {

// What every connection of one listener shares: owned by the listener, outliving them all.
struct EngineShared {
  const ListenerOptions& options;
  const Handler& handler;
  const HeadScreen& screen;
  BlockingPool& pool;
  ConnectionRegistry& registry;
  const std::atomic<bool>& stopping;
  std::atomic<std::size_t>& open_connections;  // counted at accept, released at close
};

// REQUIRES: `socket` runs on a strand of its own; `tls` (null: plain HTTP) and `shared` outlive
// the coroutine. The connection was counted in shared.open_connections.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                              EngineShared& shared,
                                              boost::asio::ssl::context* tls);

}  // namespace smg::server
