// Raw HTTP/1.1 for attack tests: bytes written exactly as given (no client normalises them),
// and what the server sent back until it closed the connection or went quiet.
//
//   auto reply = smg::test::raw_exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
//   CHECK(reply.text.rfind("HTTP/1.1 200", 0) == 0);
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/support/loopback_socket.h"

namespace smg::test {

struct RawReply {
  std::string text;     // every byte received
  bool closed = false;  // the server closed the connection (EOF) within the wait
};

// Reads from `fd` until EOF or until nothing arrives for `quiet`.
inline RawReply read_until_quiet(int fd, std::chrono::milliseconds quiet) {
  RawReply reply;
  char buffer[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return reply;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      reply.closed = true;
      return reply;
    }
    reply.text.append(buffer, static_cast<std::size_t>(n));
  }
}

inline bool send_all(int fd, const std::string& bytes) {
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// One connection: send `bytes`, read the reply (see read_until_quiet), close.
inline RawReply raw_exchange(int port, const std::string& bytes,
                             std::chrono::milliseconds quiet = std::chrono::milliseconds(1500)) {
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  send_all(fd, bytes);
  RawReply reply = read_until_quiet(fd, quiet);
  ::close(fd);
  return reply;
}

// The status code of the first response in `text`, or 0.
inline int first_status(const std::string& text) {
  if (text.size() < 12 || text.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(text.substr(9, 3).c_str());
}

}  // namespace smg::test
