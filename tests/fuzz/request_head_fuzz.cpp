// Request heads from the network, through what the gateway does with them before a worker sees
// them: Beast's parser reads the bytes in short pieces (as the listener's connections do), the
// listener's head checks (request_head.h: bounds, header syntax, framing) accept or refuse, the
// proxy drops hop-by-hop and pseudo headers and adds its own (forwarding_headers.h), and the
// worker-bound head is built (request_lines.h, what UpstreamClient writes). Whatever the input:
// no crash, and every header line of that head is one line (no CR, LF or NUL) of a token name:
// nothing a caller sends can become a second request on the worker connection.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/http/exchange.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/http/exchange.h"
#include "server/http/header_syntax.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/http/header_syntax.h"
#include "server/http/request_head.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/http/request_head.h"
#include "server/http/request_target.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/proxy/forwarding_headers.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/proxy/forwarding_headers.h"
#include "server/proxy/internal/request_lines.cpp"  // NOLINT(bugprone-suspicious-include)
#include "server/proxy/internal/request_lines.h"
#include "server/proxy/upstream_headers.cpp"  // NOLINT(bugprone-suspicious-include)

namespace {

namespace http = boost::beast::http;

void check_one_line(const std::string& line) {
  if (line.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) std::abort();
  auto colon = line.find_first_of(":;");
  if (colon == std::string::npos || !smg::server::is_header_name(line.substr(0, colon))) {
    std::abort();
  }
}

// What the proxy does with an accepted request's headers.
void forward(smg::server::Request request) {
  request.remote_addr = "127.0.0.1";
  (void)smg::proxy::arrived_through_us(request);
  smg::proxy::UpstreamHeaders headers;
  for (const auto& [name, value] : request.headers) {
    if (!smg::proxy::is_hop_by_hop(name, request)) headers.emplace_back(name, value);
  }
  smg::proxy::add_forwarding_headers(request, headers);
  smg::proxy::UpstreamRequest upstream{"POST", "http://10.0.0.7:8000/v1/chat/completions",
                                       std::move(headers), "{}"};
  smg::proxy::internal::UpstreamTarget target{false, "10.0.0.7", "8000", "/v1/chat/completions",
                                              "10.0.0.7:8000"};
  std::string head = smg::proxy::internal::upstream_request_head(upstream, target);
  // One request: the head ends at its only blank line, and every line between is a header.
  std::size_t end = head.find("\r\n\r\n");
  if (end == std::string::npos || end + 4 != head.size()) std::abort();
  std::size_t at = head.find("\r\n") + 2;  // past the request line
  while (at < end + 2) {
    std::size_t next = head.find("\r\n", at);
    check_one_line(head.substr(at, next - at));
    at = next + 2;
  }
}

// Feeds `input` to the parser in short pieces, as TCP gives them, until `ready` or an error.
// Returns false on an error (the connection would close); `input` keeps what was not parsed.
template <class Ready>
bool parse(http::request_parser<http::string_body>& parser, std::string_view& input,
           std::string& buffered, Ready ready) {
  while (!ready(parser)) {
    boost::beast::error_code error;
    if (!buffered.empty()) {
      std::size_t used = parser.put(boost::asio::buffer(buffered), error);
      buffered.erase(0, used);
      if (error && error != http::error::need_more) return false;
      if (ready(parser)) return true;
      if (used > 0 && !buffered.empty()) continue;
    }
    if (input.empty()) return false;  // the client went away mid-request
    std::size_t n =
        std::min<std::size_t>(input.size(), 1 + static_cast<unsigned char>(input[0]) % 61);
    buffered.append(input.substr(0, n));
    input.remove_prefix(n);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string buffered;
  // Keep-alive: every request the bytes hold, as on one connection.
  for (int i = 0; i < 16 && (!input.empty() || !buffered.empty()); ++i) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(smg::server::kMaxHeadBytes);
    parser.body_limit(1 << 20);
    if (!parse(parser, input, buffered, [](auto& p) { return p.is_header_done(); })) return 0;
    if (smg::server::check_head(parser.get())) return 0;  // refused, connection closed
    forward(smg::server::to_request(parser.get()));
    if (!parse(parser, input, buffered, [](auto& p) { return p.is_done(); })) return 0;
  }
  return 0;
}
