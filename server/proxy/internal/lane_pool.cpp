#include "server/proxy/internal/lane_pool.h"

#include <sys/socket.h>

#include <iterator>
#include <utility>
#include <vector>

#include "server/workers/worker_target.h"

namespace smg::proxy::internal {

Lane::~Lane() {
  // Closes this lane's cached connections.
  curl_easy_cleanup(easy_);
  curl_multi_cleanup(multi_);
}

LanePool::LanePool(std::size_t max_idle, long max_connections_per_lane,
                   std::chrono::steady_clock::duration idle_ttl, bool refuse_link_local)
    : max_idle_(max_idle),
      max_connections_per_lane_(max_connections_per_lane),
      idle_ttl_(idle_ttl),
      refuse_link_local_(refuse_link_local) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  share_ = curl_share_init();
  if (share_ != nullptr) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &LanePool::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &LanePool::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

LanePool::~LanePool() {
  idle_.clear();  // every easy handle must leave the share before it is cleaned up
  if (share_ != nullptr) {
    curl_share_cleanup(share_);
  }
}

std::unique_ptr<Lane> LanePool::acquire() {
  std::unique_ptr<Lane> lane;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!idle_.empty()) {
      lane = std::move(idle_.back().lane);
      idle_.pop_back();
    }
  }
  if (lane == nullptr) {
    lane = make_lane();
    if (lane == nullptr) {
      return nullptr;
    }
  }
  // No curl_easy_reset: it frees and re-allocates every option (CA paths included) per request.
  // The options every transfer shares were set once in make_lane(); Transfer sets all the
  // others on every request.
  return lane;
}

void LanePool::release(std::unique_ptr<Lane> lane) {
  auto now = std::chrono::steady_clock::now();
  std::vector<IdleLane> expired;  // closed after the lock is dropped
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto fresh = idle_.begin();
    while (fresh != idle_.end() && now - fresh->since > idle_ttl_) {
      ++fresh;
    }
    expired.assign(std::make_move_iterator(idle_.begin()), std::make_move_iterator(fresh));
    idle_.erase(idle_.begin(), fresh);
    if (idle_.size() < max_idle_) {
      idle_.push_back({std::move(lane), now});
    }
  }
  // A lane beyond max_idle (still in `lane`) and expired ones close their connections here.
}

// libcurl's socket for a resolved address: none for a link-local or metadata one (libcurl then
// fails the connect, "upstream_connect_failed"), so a DNS name cannot lead there either.
curl_socket_t LanePool::open_checked_socket(void*, curlsocktype purpose, curl_sockaddr* address) {
  if (purpose == CURLSOCKTYPE_IPCXN && workers::is_refused_address(&address->addr)) {
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::unique_ptr<Lane> LanePool::make_lane() const {
  CURLM* multi = curl_multi_init();
  CURL* easy = curl_easy_init();
  if (multi == nullptr || easy == nullptr) {
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
    return nullptr;
  }
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connections_per_lane_);
  curl_easy_setopt(easy, CURLOPT_SHARE, share_);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // "" ignores http_proxy & co.
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "");  // and spares two getenv calls per transfer
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  if (refuse_link_local_) curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &open_checked_socket);
  return std::make_unique<Lane>(multi, easy);
}

void LanePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<LanePool*>(user)->share_locks_[static_cast<std::size_t>(data)].lock();
}

void LanePool::unlock(CURL*, curl_lock_data data, void* user) {
  static_cast<LanePool*>(user)->share_locks_[static_cast<std::size_t>(data)].unlock();
}

}  // namespace smg::proxy::internal
