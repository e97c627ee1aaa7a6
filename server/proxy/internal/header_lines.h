// Header lines between UpstreamClient and libcurl: the request header list handed to libcurl and
// the response head parsed from libcurl's header callback.
// Thread-safety: plain values and functions.
//
//   curl_slist* list = build_request_headers({{"Content-Type", "application/json"}});
//   ResponseHead head;
//   head.on_line("HTTP/1.1 200 OK\r\n"); head.on_line("A: b\r\n"); head.on_line("\r\n");
//   assert(head.complete() && head.status() == 200);
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "server/proxy/upstream_client.h"

namespace smg::proxy::internal {

// Caller headers minus those libcurl owns (Host stays: the caller may set it), plus empty
// "Accept:", "Content-Type:" and "Expect:" lines that stop libcurl adding its defaults unless the
// caller gave them. Empty values are sent as empty headers. Free with curl_slist_free_all.
curl_slist* build_request_headers(const UpstreamHeaders& headers);

// True for hop-by-hop headers (RFC 9110 7.6.1) and the framing headers libcurl computes.
bool is_connection_header(std::string_view name);

// The final response's status and headers, fed line by line. Interim 1xx responses are dropped;
// lines after the final head (trailers) are ignored.
class ResponseHead {
 public:
  void on_line(std::string_view line);
  bool complete() const { return complete_; }
  int status() const { return status_; }
  const UpstreamHeaders& headers() const { return headers_; }
  UpstreamHeaders take_headers() { return std::move(headers_); }

 private:
  int status_ = 0;
  bool complete_ = false;
  UpstreamHeaders headers_;
};

}  // namespace smg::proxy::internal
