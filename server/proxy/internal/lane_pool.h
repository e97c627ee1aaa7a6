// LanePool: keep-alive connection reuse for UpstreamClient.
//
// A Lane is a curl multi handle plus one easy handle. The multi handle owns the connection cache,
// so a lane handed back after a transfer keeps its idle keep-alive connections for the next one,
// whichever thread runs it. Lanes are reused last-in first-out so the warmest connections go first.
// (libcurl's CURL_LOCK_DATA_CONNECT share would pool connections across handles, but libcurl does
// not support using such shared connections from concurrent threads, so only DNS and TLS sessions
// are shared, under per-kind mutexes.)
// Thread-safety: acquire() and release() may be called from any thread; a Lane is used by one
// thread at a time. A lane idle for longer than the idle TTL is closed on the next release(), so
// sockets the workers have long since closed (or those of removed workers) do not linger.
//
//   auto pool = std::make_shared<LanePool>(256, 8, std::chrono::seconds(60));
//   std::unique_ptr<Lane> lane = pool->acquire();    // nullptr if libcurl is out of memory
//   curl_multi_add_handle(lane->multi(), lane->easy());  ...  remove it again, then:
//   pool->release(std::move(lane));
#pragma once

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace smg::proxy::internal {

class Lane {
 public:
  Lane(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {}
  ~Lane();
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  CURLM* multi() const { return multi_; }
  CURL* easy() const { return easy_; }

 private:
  CURLM* multi_;
  CURL* easy_;
};

class LanePool {
 public:
  // refuse_link_local: connections to link-local or metadata addresses (worker_target.h) fail
  // as connect errors, whatever name resolved to them.
  LanePool(std::size_t max_idle, long max_connections_per_lane,
           std::chrono::steady_clock::duration idle_ttl, bool refuse_link_local = true);
  ~LanePool();
  LanePool(const LanePool&) = delete;
  LanePool& operator=(const LanePool&) = delete;

  // An idle lane or a new one; its easy handle keeps the options common to every transfer
  // (share, HTTP/1.1, protocols, no signals, no redirects, no proxy, TCP options) and the
  // previous transfer's others, which Transfer overwrites. nullptr when libcurl cannot allocate.
  std::unique_ptr<Lane> acquire();
  // REQUIRES: the lane's easy handle is not in its multi handle.
  void release(std::unique_ptr<Lane> lane);

 private:
  struct IdleLane {
    std::unique_ptr<Lane> lane;
    std::chrono::steady_clock::time_point since;
  };

  std::unique_ptr<Lane> make_lane() const;
  static curl_socket_t open_checked_socket(void* user, curlsocktype purpose,
                                           curl_sockaddr* address);
  static void lock(CURL* easy, curl_lock_data data, curl_lock_access access, void* user);
  static void unlock(CURL* easy, curl_lock_data data, void* user);

  const std::size_t max_idle_;
  const long max_connections_per_lane_;
  const std::chrono::steady_clock::duration idle_ttl_;
  const bool refuse_link_local_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;
  std::mutex mutex_;
  std::vector<IdleLane> idle_;  // oldest first; guarded by mutex_
};

}  // namespace smg::proxy::internal
