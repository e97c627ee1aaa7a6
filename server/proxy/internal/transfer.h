// Transfer: one upstream HTTP exchange on a Lane, driven on the calling thread with
// curl_multi_perform + curl_multi_poll (short polls, so abort checks run even while the worker is
// silent). In kBuffer mode the body is collected (capped); in kRelay mode body bytes are held
// back (CURLPAUSE) until pump() hands them, as they arrive, to a StreamSink.
// Thread-safety: one thread at a time.
//
//   auto transfer = std::make_unique<Transfer>(pool, pool->acquire(), Transfer::Mode::kRelay, 0);
//   Status s = transfer->start(request);
//   if (s.ok()) { s = transfer->wait_for_head(); }
//   if (s.ok()) { use(transfer->status()); transfer->pump(sink); }
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "server/http/exchange.h"
#include "server/proxy/internal/curl_status.h"
#include "server/proxy/internal/header_lines.h"
#include "server/proxy/internal/lane_pool.h"
#include "server/proxy/upstream_client.h"

namespace smg::proxy::internal {

class Transfer {
 public:
  enum class Mode { kBuffer, kRelay };

  // REQUIRES: lane != nullptr. max_body_bytes applies to kBuffer only.
  Transfer(std::shared_ptr<LanePool> pool, std::unique_ptr<Lane> lane, Mode mode,
           std::size_t max_body_bytes);
  // Aborts an unfinished transfer (closing its connection) and returns the lane to the pool.
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // REQUIRES (kBuffer): `request` outlives the transfer; its body is not copied.
  Status start(const UpstreamRequest& request);
  // Drives until the final status line and headers are in.
  Status wait_for_head();
  // kBuffer: drives to the end of the response.
  Status run_to_end();
  // kRelay: see UpstreamStream::pump.
  bool pump(smg::server::StreamSink& sink);

  int status() const { return head_.status(); }
  const UpstreamHeaders& headers() const { return head_.headers(); }
  UpstreamHeaders take_headers() { return head_.take_headers(); }
  std::string take_body() { return std::move(body_); }
  const Status& end_status() const { return end_status_; }
  std::size_t bytes_received() const { return bytes_received_; }

 private:
  static size_t on_header(char* data, size_t size, size_t count, void* user);
  static size_t on_body(char* data, size_t size, size_t count, void* user);
  size_t buffer(std::string_view bytes);
  size_t relay(std::string_view bytes);
  void configure(const UpstreamRequest& request);
  void set_method_and_body(const UpstreamRequest& request);
  // Runs libcurl until the transfer ends, `stop` returns true, or abort_if_ fires.
  void drive(const std::function<bool()>& stop);
  void collect_finished();
  void finish(CURLcode code);

  std::shared_ptr<LanePool> pool_;
  std::unique_ptr<Lane> lane_;
  const Mode mode_;
  const std::size_t max_body_bytes_;
  curl_slist* request_headers_ = nullptr;
  std::function<bool()> abort_if_;
  ResponseHead head_;
  std::string body_;                         // kBuffer
  smg::server::StreamSink* sink_ = nullptr;  // kRelay, during pump()
  bool attached_ = false;                    // the easy handle is in the multi handle
  bool paused_ = false;
  bool pumped_ = false;
  bool done_ = false;
  StopCause cause_;
  Status end_status_;
  std::size_t bytes_received_ = 0;
};

}  // namespace smg::proxy::internal
