#include "server/devworker/dev_stats.h"

#include <utility>

#include "common/crypto/crypto.h"

namespace smg::devworker {
namespace {

bool is_credential_header(const std::string& lower_name) {
  return lower_name == "authorization" || lower_name == "proxy-authorization" ||
         lower_name == "cookie" || lower_name == "x-api-key";
}

}  // namespace

std::string credential_digest(const std::string& value) {
  return "sha256:" + crypto::sha256_hex(value);
}

nlohmann::json DevWorkerStats::to_json() const {
  return {{"requests", requests},
          {"total_requests", total_requests},
          {"in_flight", in_flight},
          {"active_streams", active_streams},
          {"peak_streams", peak_streams},
          {"streams_completed", streams_completed},
          {"streams_aborted", streams_aborted},
          {"last_authorization", last_authorization},
          {"last_headers", last_headers}};
}

std::shared_ptr<void> DevStats::begin_request() {
  ++in_flight_;
  // The deleter is the only thing this token does: no object is owned.
  return std::shared_ptr<void>(nullptr, [this](void*) { --in_flight_; });
}

void DevStats::record_data_plane(std::map<std::string, std::string> headers) {
  ++requests_;
  for (auto& [name, value] : headers) {
    if (is_credential_header(name)) value = credential_digest(value);
  }
  std::lock_guard<std::mutex> lock(last_mutex_);
  last_headers_ = std::move(headers);
}

void DevStats::stream_started() {
  std::uint64_t now = ++active_streams_;
  std::uint64_t peak = peak_streams_.load();
  while (now > peak && !peak_streams_.compare_exchange_weak(peak, now)) {
  }
}

void DevStats::stream_finished(bool completed) {
  // Count the outcome before releasing the slot so a poller that sees active_streams == 0 also
  // sees the stream's outcome.
  ++(completed ? streams_completed_ : streams_aborted_);
  --active_streams_;
}

DevWorkerStats DevStats::snapshot() const {
  DevWorkerStats stats;
  stats.requests = requests_;
  stats.total_requests = total_requests_;
  stats.in_flight = in_flight_;
  stats.active_streams = active_streams_;
  stats.peak_streams = peak_streams_;
  stats.streams_completed = streams_completed_;
  stats.streams_aborted = streams_aborted_;
  std::lock_guard<std::mutex> lock(last_mutex_);
  stats.last_headers = last_headers_;
  auto it = last_headers_.find("authorization");
  stats.last_authorization = it == last_headers_.end() ? std::string() : it->second;
  return stats;
}

}  // namespace smg::devworker
