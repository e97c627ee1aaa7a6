// ParsingServer: cpp-httplib's request parsing and routing, driven by the EpollServer
// (epoll_server.h) instead of httplib's own accept loop and thread per connection. Register
// handlers on it as on any httplib::Server; the EpollServer calls process() for each request.
// Used by the gateway's Listener and by the dev worker.
// Thread-safety: as httplib::Server once its handlers are registered.
//
//   ParsingServer parser;
//   parser.Get("/health", handler);
//   EpollServer epoll(options, [&](ConnectionStream& s, bool close, bool& closed) {
//     return parser.process(s, close, closed); });
//   auto port = epoll.bind(host, 0, 4096);  parser.set_listening_socket(epoll.listening_socket());
#pragma once

#include <httplib.h>

#include "server/http/connection_stream.h"

namespace smg::server {

class ParsingServer final : public httplib::Server {
 public:
  bool process(ConnectionStream& stream, bool close_connection, bool& connection_closed) {
    if (stream.ssl() == nullptr) {
      return process_request(stream, close_connection, connection_closed, nullptr);
    }
    return process_request(stream, close_connection, connection_closed,
                           [&stream](httplib::Request& req) { req.ssl = stream.ssl(); });
  }
  // httplib ends chunked (streamed) bodies as soon as its listening socket is invalid, its sign
  // of shutting down: point it at the EpollServer's socket while serving, invalid once stopping.
  void set_listening_socket(int sock) { svr_sock_ = sock; }
};

}  // namespace smg::server
