#include "server/proxy/internal/upstream_connection.h"

#include <sys/socket.h>

#include <cerrno>

namespace smg::proxy::internal {
UpstreamConnection::UpstreamConnection(const boost::asio::any_io_executor& executor,
                                       boost::asio::ssl::context* tls) {
  if (tls != nullptr) {
    tls_.emplace(executor, *tls);
  } else {
    plain_.emplace(executor);
  }
}

void UpstreamConnection::close() {
  boost::system::error_code ignored;
  socket().close(ignored);
}

bool UpstreamConnection::reusable(std::chrono::steady_clock::duration max_idle) const {
  if (std::chrono::steady_clock::now() - idle_since >= max_idle) return false;
  auto& self = const_cast<UpstreamConnection&>(*this);
  if (!self.socket().is_open() || buffer.size() > 0) return false;
  char byte;
  ssize_t n = ::recv(self.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // Nothing to read is the one healthy answer: data or EOF means the worker spoke or closed.
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace smg::proxy::internal
