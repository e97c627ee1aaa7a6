#include "server/http/response_head.h"

#include <strings.h>

#include <boost/beast/http/status.hpp>
#include <cstdio>

namespace smg::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool is_framing_header(std::string_view name) {
  for (std::string_view framing :
       {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"}) {
    if (iequals(name, framing)) return true;
  }
  return false;
}

std::string_view reason(int status) {
  auto text = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return text.empty() || text.front() == '<' ? std::string_view("Unknown")
                                             : std::string_view(text.data(), text.size());
}

}  // namespace

bool status_has_body(int status) {
  return status >= 200 && status != 204 && status != 304;
}

std::string response_head(const Response& response, ResponseFraming framing) {
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " ";
  head += reason(response.status);
  head += "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : response.headers) {
    if (is_framing_header(name)) continue;
    has_type = has_type || iequals(name, "Content-Type");
    head += name + ": " + value + "\r\n";
  }
  if (!has_type && !response.content_type.empty()) {
    head += "Content-Type: " + response.content_type + "\r\n";
  }
  if (status_has_body(response.status)) {
    head += framing.chunked ? std::string("Transfer-Encoding: chunked\r\n")
                            : "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  if (framing.close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

std::string chunk_prefix(std::size_t size) {
  char text[24];
  int length = std::snprintf(text, sizeof text, "%zx\r\n", size);
  return std::string(text, static_cast<std::size_t>(length));
}

}  // namespace smg::server
