#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "common/http/http_client.h"

namespace smg::http {
namespace {

struct Transfer {
  Response response;
  std::size_t max_bytes = 0;
  bool too_large = false;
  const std::function<bool(std::string_view)>* on_chunk = nullptr;
  long status = 0;  // from the status line, so a streamed body knows whether it is a success
  bool aborted = false;
  bool head_received = false;  // the blank line ending the headers has arrived
  std::chrono::milliseconds head_timeout{0};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool head_timed_out = false;
  long os_errno = 0;  // the connect() failure, for "refused" versus "unreachable"
};

// Called by libcurl about once a second and on every transfer step: ends a transfer whose
// response head is late (Request::head_timeout).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->head_received || transfer->head_timeout.count() <= 0) return 0;
  if (std::chrono::steady_clock::now() - transfer->started < transfer->head_timeout) return 0;
  transfer->head_timed_out = true;
  return 1;  // makes curl abort with CURLE_ABORTED_BY_CALLBACK
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (*transfer->on_chunk && transfer->status >= 200 && transfer->status < 300) {
    if ((*transfer->on_chunk)(std::string_view(data, bytes))) return bytes;
    transfer->aborted = true;
    return 0;
  }
  if (transfer->response.body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response.headers.clear();  // a new response (e.g. after 100 Continue)
    auto space = line.find(' ');
    transfer->status = space == std::string::npos ? 0 : std::atol(line.c_str() + space + 1);
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) {
    // The blank line after the headers; a 1xx answer's head is followed by the real one.
    if ((line == "\r\n" || line == "\n") && (transfer->status < 100 || transfer->status >= 200)) {
      transfer->head_received = true;
    }
    return size * count;
  }
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  transfer->response.headers[name] = value;
  return size * count;
}

// Plain words for what went wrong; libcurl's own strings ("Transferred a partial file") mean
// little to the people who read them.
Status connect_failure(const Transfer& transfer) {
  switch (transfer.os_errno) {
    case ECONNREFUSED:
      return unavailable("http_connect_failed", "connection refused");
    case EHOSTUNREACH:
    case ENETUNREACH:
      return unavailable("http_connect_failed", "no route to the host");
    case ETIMEDOUT:
      return Status(Code::kDeadlineExceeded, "http_timeout",
                    "the connection was not accepted in time");
    default:
      return unavailable("http_connect_failed", "could not connect");
  }
}

Status curl_failure(CURLcode code, const Transfer& transfer) {
  if (transfer.aborted) {
    return unavailable("http_aborted", "transfer ended by the receiver");
  }
  if (transfer.too_large) {
    return Status(Code::kResourceExhausted, "http_too_large", "response exceeds the size limit");
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status(Code::kDeadlineExceeded, "http_timeout", "no answer in time");
    case CURLE_ABORTED_BY_CALLBACK:
      if (!transfer.head_timed_out) break;
      return Status(Code::kDeadlineExceeded, "http_timeout", "no answer in time");
    case CURLE_COULDNT_CONNECT:
      return connect_failure(transfer);
    case CURLE_COULDNT_RESOLVE_HOST:
      return unavailable("http_dns_failed", "the host name does not resolve");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return unavailable("http_tls_untrusted", code == CURLE_SSL_CACERT_BADFILE
                                                   ? "the CA bundle cannot be read"
                                                   : "the server's TLS certificate is not trusted");
    case CURLE_SSL_CONNECT_ERROR:
      return unavailable("http_tls_failed", "the TLS handshake failed");
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
      return unavailable("http_partial",
                         "the connection was closed before the answer was complete");
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return unavailable("http_bad_answer", "the answer was not HTTP");
    default:
      break;
  }
  return unavailable("http_failed", std::string("request failed: ") + curl_easy_strerror(code));
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  Result<Response> send(const Request& request) const override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      return internal_error("http_failed", "curl_easy_init failed");
    }
    Transfer transfer;
    transfer.max_bytes = request.max_response_bytes;
    transfer.on_chunk = &request.on_body_chunk;
    transfer.head_timeout = request.head_timeout;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    configure(curl, request, headers, transfer);
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    } else {
      curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &transfer.os_errno);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) {
      return curl_failure(code, transfer);
    }
    return std::move(transfer.response);
  }

 private:
  static void configure(CURL* curl, const Request& request, curl_slist* headers,
                        Transfer& transfer) {
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    long long connect_ms = 10000;
    if (request.timeout.count() > 0) {
      connect_ms = std::min<long long>(connect_ms, request.timeout.count());
    }
    if (request.head_timeout.count() > 0) {
      connect_ms = std::min<long long>(connect_ms, request.head_timeout.count());
    }
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_ms));
    if (request.stall_timeout.count() > 0) {
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                       static_cast<long>(request.stall_timeout.count()));
    }
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!request.on_body_chunk) {
      curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(request.max_response_bytes));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    if (request.head_timeout.count() > 0) {
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    if (!request.tls.ca_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, request.tls.ca_file.c_str());
    }
    if (request.tls.insecure) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  }
};

}  // namespace

std::string Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::unique_ptr<HttpClient> make_curl_client() { return std::make_unique<CurlHttpClient>(); }

}  // namespace smg::http
