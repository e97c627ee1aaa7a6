// Counters the dev worker keeps so tests can see what reached it: how many inference requests,
// how many streams are open or ended and how, and which credential and headers the last one
// carried (served as GET /dev/stats, which needs the worker's key when it has one). A credential
// is never served back: Authorization, Proxy-Authorization, Cookie and X-API-Key appear as
// "sha256:<hex of the value>", enough for a test to tell which key arrived.
// Thread-safety: every member may be called from any thread.
//
//   DevStats stats;
//   auto in_flight = stats.begin_request();      // released when the token dies
//   stats.record_data_plane({{"authorization", "Bearer k"}});
//   stats.stream_started(); ... stats.stream_finished(/*completed=*/true);
//   nlohmann::json doc = stats.snapshot().to_json();
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace smg::devworker {

struct DevWorkerStats {
  std::uint64_t requests = 0;        // data-plane (inference and /v1/models) requests seen
  std::uint64_t total_requests = 0;  // every request except GET /dev/stats
  std::uint64_t in_flight = 0;       // data-plane requests being answered, streams included
  std::uint64_t active_streams = 0;
  std::uint64_t peak_streams = 0;
  std::uint64_t streams_completed = 0;
  std::uint64_t streams_aborted = 0;
  // "sha256:<hex>" of the last data-plane request's Authorization, or empty when it had none.
  std::string last_authorization;
  std::map<std::string, std::string> last_headers;  // its headers, names lower-cased, credentials
                                                    // as digests

  nlohmann::json to_json() const;
};

// "sha256:<hex>": what /dev/stats shows in place of a credential header's value.
std::string credential_digest(const std::string& value);

class DevStats {
 public:
  // Counts one in-flight data-plane request until the returned token is destroyed.
  std::shared_ptr<void> begin_request();
  void count_any_request() { ++total_requests_; }
  // REQUIRES: header names already lower-cased.
  void record_data_plane(std::map<std::string, std::string> headers);
  void stream_started();
  void stream_finished(bool completed);
  std::uint64_t in_flight() const { return in_flight_; }

  DevWorkerStats snapshot() const;

 private:
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> total_requests_{0};
  std::atomic<std::uint64_t> in_flight_{0};
  std::atomic<std::uint64_t> active_streams_{0};
  std::atomic<std::uint64_t> peak_streams_{0};
  std::atomic<std::uint64_t> streams_completed_{0};
  std::atomic<std::uint64_t> streams_aborted_{0};
  mutable std::mutex last_mutex_;
  std::map<std::string, std::string> last_headers_;
};

}  // namespace smg::devworker
