// HttpClient: the outbound HTTP seam (JWKS and discovery fetches, OIDC token calls, the CLI's calls
// to a gateway). The libcurl implementation enforces a timeout, a response size cap and, unless
// asked, no redirects. Tests inject a fake.
// Thread-safety: CurlHttpClient::send may be called from many threads at once.
//
//   auto client = smg::http::make_curl_client();
//   smg::http::Request req{.url = "https://idp.example/.well-known/openid-configuration"};
//   smg::Result<smg::http::Response> res = client->send(req);
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::http {

struct TlsOptions {
  std::string ca_file;      // PEM bundle to trust instead of the system store
  bool insecure = false;    // skip certificate verification (CLI --insecure only)
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::size_t max_response_bytes = 1 << 20;
  bool follow_redirects = false;
  TlsOptions tls;
  // Streaming (SSE): when set, a 2xx body is handed over chunk by chunk as it arrives instead of
  // being collected (no size cap; other statuses are still collected into Response::body).
  // Returning false ends the transfer (reason "http_aborted"). Use timeout 0 for no overall
  // limit and `stall_timeout` to give up on a connection that went silent.
  std::function<bool(std::string_view)> on_body_chunk;
  std::chrono::seconds stall_timeout{0};  // 0: never
  // When set, the response head (status line and headers) must arrive within this time: a
  // server that accepts and never answers fails fast ("http_timeout"), while a long stream that
  // started answering is limited only by `timeout` and `stall_timeout`. 0: no separate limit.
  std::chrono::milliseconds head_timeout{0};
};

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;

  // Empty when absent.
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Fails with reason "http_timeout", "http_connect_failed" (refused or unreachable),
  // "http_dns_failed" (the host name does not resolve), "http_too_large", "http_tls_failed",
  // "http_tls_untrusted" (the peer's certificate failed verification), "http_partial" (the peer
  // closed the connection before the answer was complete), "http_bad_answer" (not HTTP, e.g.
  // http:// to a TLS port), "http_aborted" (on_body_chunk said stop) or "http_failed". Messages
  // are plain words without libcurl's strings or the URL ("connection refused"); callers add
  // the URL and their own hint. Any HTTP status (including 4xx/5xx and 3xx) is a successful
  // Response.
  virtual Result<Response> send(const Request& request) const = 0;
};

std::unique_ptr<HttpClient> make_curl_client();

// True for URLs whose host is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(const std::string& url);
// The same test for a bare host or listen address ("127.0.0.1", "::1", "[::1]", "localhost");
// "127.example.com" is not loopback.
bool is_loopback_host(const std::string& host);
// Policy shared by JWKS/discovery/OIDC fetches: https, or http to a loopback host.
Status check_fetch_url(const std::string& url);

}  // namespace smg::http
