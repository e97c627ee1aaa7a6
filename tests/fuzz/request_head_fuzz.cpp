// Request heads from the network, through what the gateway does with them before a worker sees
// them: cpp-httplib parses the bytes (as the listener's ParsingServer does), the listener's
// header validation (header_syntax.h) accepts or refuses, the proxy drops hop-by-hop and pseudo
// headers and adds its own (forwarding_headers.h), and the worker-bound lines are built
// (header_lines.h). Whatever the input: no crash, and every line handed to libcurl is one line
// (no CR, LF or NUL) of a token name: nothing a caller sends can become a second request on the
// worker connection.
#include <httplib.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/http/exchange.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/http/exchange.h"
#include "server/http/header_syntax.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/http/header_syntax.h"
#include "server/proxy/forwarding_headers.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/proxy/forwarding_headers.h"
#include "server/proxy/internal/header_lines.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/proxy/internal/header_lines.h"
#include "server/proxy/upstream_headers.cpp"  // NOLINT(bugprone-suspicious-include)

namespace {

// The input as a connection: read() hands it out in pieces, write() discards the answer.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool is_readable() const override { return at_ < size_; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, size_ - at_);
    if (n == 0) return 0;
    n = std::min<size_t>(n, 1 + (data_[at_] % 61));  // short reads, as TCP gives them
    std::memcpy(ptr, data_ + at_, n);
    at_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 30000;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

void check_one_line(const std::string& line) {
  if (line.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) std::abort();
  auto colon = line.find_first_of(":;");
  if (colon == std::string::npos || !smg::server::is_header_name(line.substr(0, colon))) {
    std::abort();
  }
}

// What the listener and the proxy do with an accepted request's headers.
void forward(const httplib::Request& in) {
  if (smg::server::first_invalid_header(in.headers)) return;  // 400, connection closed
  smg::server::Request request;
  request.method = in.method;
  request.path = in.path;
  request.remote_addr = "127.0.0.1";
  for (const auto& [name, value] : in.headers) {
    if (!smg::server::is_library_pseudo_header(name)) request.headers.emplace(name, value);
  }
  (void)smg::proxy::arrived_through_us(request);
  smg::proxy::UpstreamHeaders headers;
  for (const auto& [name, value] : request.headers) {
    if (!smg::proxy::is_hop_by_hop(name, request)) headers.emplace_back(name, value);
  }
  smg::proxy::add_forwarding_headers(request, headers);
  curl_slist* lines = smg::proxy::internal::build_request_headers(headers);
  for (curl_slist* line = lines; line != nullptr; line = line->next) check_one_line(line->data);
  curl_slist_free_all(lines);
}

class FuzzServer final : public httplib::Server {
 public:
  FuzzServer() {
    auto handler = [](const httplib::Request& req, httplib::Response& res) {
      forward(req);
      res.set_content("ok", "text/plain");
    };
    Get(".*", handler);
    Post(".*", handler);
    Put(".*", handler);
    Delete(".*", handler);
    Patch(".*", handler);
    Options(".*", handler);
  }
  void run(httplib::Stream& stream) {
    // Keep-alive: every request the bytes hold, as on one connection.
    for (int i = 0; i < 16 && stream.is_readable(); ++i) {
      bool closed = false;
      if (!process_request(stream, false, closed, nullptr) || closed) return;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzServer server;
  MemoryStream stream(data, size);
  server.run(stream);
  return 0;
}
