#include "server/discovery/kube_client.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/version/version.h"

namespace smg::discovery {

// One request's state, shared with libcurl's callbacks.
struct KubeExchange {
  const ChunkHandler* on_chunk = nullptr;  // WATCH: a 200 body goes here
  std::string body;                        // LIST, and any non-200 answer
  std::size_t max_body = std::size_t{64} << 20;
  long status = 0;
  bool aborted = false;  // on_chunk said stop
  bool too_large = false;
  const std::atomic<bool>* cancelled = nullptr;
};

namespace {

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<KubeExchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    auto space = line.find(' ');
    exchange->status = space == std::string_view::npos ? 0 : std::atol(line.data() + space + 1);
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<KubeExchange*>(user);
  size_t bytes = size * count;
  if (exchange->on_chunk != nullptr && exchange->status == 200) {
    if ((*exchange->on_chunk)(std::string_view(data, bytes))) return bytes;
    exchange->aborted = true;
    return 0;
  }
  if (exchange->body.size() + bytes > exchange->max_body) {
    exchange->too_large = true;
    return 0;
  }
  exchange->body.append(data, bytes);
  return bytes;
}

// libcurl calls this at least once a second, also while a WATCH sits idle: the stop check.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* exchange = static_cast<KubeExchange*>(user);
  return exchange->cancelled->load() ? 1 : 0;
}

Status transport_failure(CURLcode code, const KubeExchange& exchange) {
  std::string detail = curl_easy_strerror(code);
  if (code == CURLE_ABORTED_BY_CALLBACK) return unavailable("kube_cancelled", "stopped");
  if (exchange.aborted) return unavailable("kube_stream_aborted", "watch ended by the reader");
  if (exchange.too_large) {
    return Status(Code::kResourceExhausted, "kube_failed", "API answer exceeds the size limit");
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return unavailable("kube_connect_failed", "cannot connect to the API: " + detail);
    case CURLE_OPERATION_TIMEDOUT:
      return Status(Code::kDeadlineExceeded, "kube_timeout", "API request timed out");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return unavailable("kube_tls_failed", "TLS with the API failed: " + detail);
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return unavailable("kube_stream_dropped", "API connection dropped: " + detail);
    default:
      return unavailable("kube_failed", "API request failed: " + detail);
  }
}

Status http_failure(long status) {
  std::string message = "API answered HTTP " + std::to_string(status);
  switch (status) {
    case 401:
      return unauthenticated("kube_unauthorized", message);
    case 403:
      return Status(Code::kPermissionDenied, "kube_forbidden", message);
    case 410:
      return Status(Code::kFailedPrecondition, "kube_gone", message);
    default:
      return unavailable("kube_http_error", message);
  }
}

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

void configure_tls(CURL* curl, const KubeConnection& connection) {
  if (!connection.ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, connection.ca_file.c_str());
  if (!connection.ca_pem.empty()) set_blob(curl, CURLOPT_CAINFO_BLOB, connection.ca_pem);
  if (connection.insecure_skip_tls_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!connection.client_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, connection.client_cert_file.c_str());
  }
  if (!connection.client_cert_pem.empty())
    set_blob(curl, CURLOPT_SSLCERT_BLOB, connection.client_cert_pem);
  if (!connection.client_key_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEY, connection.client_key_file.c_str());
  }
  if (!connection.client_key_pem.empty())
    set_blob(curl, CURLOPT_SSLKEY_BLOB, connection.client_key_pem);
}

}  // namespace

// libcurl's socket callbacks, so cancel() can shut a socket that libcurl is waiting on.
curl_socket_t KubeClient::open_socket(void* client, curlsocktype /*purpose*/,
                                      curl_sockaddr* address) {
  auto* self = static_cast<KubeClient*>(client);
  std::lock_guard<std::mutex> guard(self->sockets_mutex_);
  if (self->cancelled_.load()) return CURL_SOCKET_BAD;
  int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd >= 0) self->sockets_.insert(fd);
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int KubeClient::close_socket(void* client, curl_socket_t fd) {
  auto* self = static_cast<KubeClient*>(client);
  std::lock_guard<std::mutex> guard(self->sockets_mutex_);
  self->sockets_.erase(fd);  // under the lock: cancel() never shuts a reused descriptor
  return ::close(fd);
}

void KubeClient::cancel() {
  cancelled_.store(true);
  std::lock_guard<std::mutex> guard(sockets_mutex_);
  for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

KubeClient::KubeClient(KubeConnection connection, PodQuery query)
    : connection_(std::move(connection)), query_(std::move(query)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl_ = curl_easy_init();
}

KubeClient::~KubeClient() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
}

std::string KubeClient::escape(const std::string& text) const {
  char* escaped = curl_easy_escape(curl_, text.c_str(), static_cast<int>(text.size()));
  std::string out = escaped == nullptr ? std::string() : std::string(escaped);
  curl_free(escaped);
  return out;
}

std::string KubeClient::pods_path() const {
  std::string path = connection_.server + "/api/v1";
  if (!query_.namespace_name.empty()) path += "/namespaces/" + escape(query_.namespace_name);
  return path + "/pods?labelSelector=" + escape(selector_query(query_.selector));
}

std::string KubeClient::list_url(const std::string& continue_token) const {
  std::string url = pods_path() + "&limit=" + std::to_string(query_.page_size);
  if (!continue_token.empty()) url += "&continue=" + escape(continue_token);
  return url;
}

std::string KubeClient::watch_url(const std::string& resource_version) const {
  return pods_path() + "&watch=true&resourceVersion=" + escape(resource_version) +
         "&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(query_.watch_timeout.count());
}

Status KubeClient::perform(const std::string& url, KubeExchange& exchange,
                           std::chrono::milliseconds timeout) {
  if (cancelled_.load()) return unavailable("kube_cancelled", "stopped");
  if (curl_ == nullptr) return internal_error("kube_failed", "curl_easy_init failed");
  auto token = connection_.bearer_token();
  if (!token.ok()) return token.status();
  CURL* curl = curl_;
  curl_easy_reset(curl);  // keeps the connection cache
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  if (!token->empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + *token).c_str());
  exchange.cancelled = &cancelled_;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, ("smg/" + std::string(version::smg_version())).c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  if (exchange.on_chunk != nullptr) {
    // A watch may idle between events, so no overall limit: a stall limit instead.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(timeout.count() / 1000));
  } else {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &KubeClient::open_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(curl, CURLOPT_CLOSESOCKETFUNCTION, &KubeClient::close_socket);
  curl_easy_setopt(curl, CURLOPT_CLOSESOCKETDATA, this);
  configure_tls(curl, connection_);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) return transport_failure(code, exchange);
  return exchange.status == 200 ? Status::ok_status() : http_failure(exchange.status);
}

Result<PodListPage> KubeClient::list_pods(const std::string& continue_token) {
  KubeExchange exchange;
  Status done = perform(list_url(continue_token), exchange, query_.request_timeout);
  if (!done.ok()) return done;
  return parse_pod_list(exchange.body);
}

Status KubeClient::watch_pods(const std::string& resource_version, const ChunkHandler& on_chunk) {
  KubeExchange exchange;
  exchange.on_chunk = &on_chunk;
  exchange.max_body = 64 * 1024;  // a non-200 answer is a Status object
  return perform(watch_url(resource_version), exchange,
                 std::chrono::duration_cast<std::chrono::milliseconds>(query_.watch_timeout) +
                     std::chrono::seconds(60));
}

}  // namespace smg::discovery
