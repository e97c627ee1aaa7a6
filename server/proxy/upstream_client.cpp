#include "server/proxy/upstream_client.h"

#include <utility>

#include "server/proxy/internal/lane_pool.h"
#include "server/proxy/internal/transfer.h"

namespace smg::proxy {
namespace {

using internal::Transfer;

Result<std::unique_ptr<Transfer>> start_transfer(const std::shared_ptr<internal::LanePool>& pool,
                                                 const UpstreamRequest& request,
                                                 Transfer::Mode mode, std::size_t max_bytes) {
  std::unique_ptr<internal::Lane> lane = pool->acquire();
  if (lane == nullptr) {
    return internal_error("upstream_failed", "could not allocate a worker connection handle");
  }
  auto transfer = std::make_unique<Transfer>(pool, std::move(lane), mode, max_bytes);
  Status started = transfer->start(request);
  if (!started.ok()) {
    return started;
  }
  return transfer;
}

}  // namespace

UpstreamStream::UpstreamStream(std::unique_ptr<internal::Transfer> transfer)
    : transfer_(std::move(transfer)) {}

UpstreamStream::~UpstreamStream() = default;

int UpstreamStream::status() const { return transfer_->status(); }
const UpstreamHeaders& UpstreamStream::headers() const { return transfer_->headers(); }
bool UpstreamStream::pump(smg::server::StreamSink& sink) { return transfer_->pump(sink); }
const Status& UpstreamStream::end_status() const { return transfer_->end_status(); }
std::size_t UpstreamStream::bytes_relayed() const { return transfer_->bytes_received(); }

UpstreamClient::UpstreamClient(UpstreamClientOptions options)
    : options_(options),
      pool_(std::make_shared<internal::LanePool>(
          options.max_idle_lanes, options.max_connections_per_lane, options.idle_lane_ttl,
          options.refuse_link_local)) {}

UpstreamClient::~UpstreamClient() = default;

Result<UpstreamResponse> UpstreamClient::send(const UpstreamRequest& request) const {
  auto transfer =
      start_transfer(pool_, request, Transfer::Mode::kBuffer, options_.max_response_bytes);
  if (!transfer.ok()) {
    return transfer.status();
  }
  Status finished = (*transfer)->run_to_end();
  if (!finished.ok()) {
    return finished;
  }
  UpstreamResponse response;
  response.status = (*transfer)->status();
  response.headers = (*transfer)->take_headers();
  response.body = (*transfer)->take_body();
  return response;
}

Result<std::unique_ptr<UpstreamStream>> UpstreamClient::open(const UpstreamRequest& request) const {
  auto transfer = start_transfer(pool_, request, Transfer::Mode::kRelay, 0);
  if (!transfer.ok()) {
    return transfer.status();
  }
  Status head = (*transfer)->wait_for_head();
  if (!head.ok()) {
    return head;
  }
  return std::make_unique<UpstreamStream>(std::move(*transfer));
}

int http_status_for(const Status& status) {
  if (status.reason() == "upstream_timeout" || status.code() == Code::kDeadlineExceeded) {
    return 504;
  }
  return 502;
}

}  // namespace smg::proxy
