#include "server/proxy/internal/transfer.h"

#include <utility>

namespace smg::proxy::internal {
namespace {

// How long one curl_multi_poll may sleep: bounds how late a client disconnect or abort_if is
// noticed while the worker sends nothing.
constexpr int kPollIntervalMs = 50;

}  // namespace

Transfer::Transfer(std::shared_ptr<LanePool> pool, std::unique_ptr<Lane> lane, Mode mode,
                   std::size_t max_body_bytes)
    : pool_(std::move(pool)),
      lane_(std::move(lane)),
      mode_(mode),
      max_body_bytes_(max_body_bytes) {}

Transfer::~Transfer() {
  if (attached_) {
    // Removing an unfinished HTTP/1.1 transfer makes libcurl close its connection.
    curl_multi_remove_handle(lane_->multi(), lane_->easy());
  }
  curl_slist_free_all(request_headers_);
  pool_->release(std::move(lane_));
}

Status Transfer::start(const UpstreamRequest& request) {
  abort_if_ = request.abort_if;
  request_headers_ = build_request_headers(request.headers);
  configure(request);
  if (curl_multi_add_handle(lane_->multi(), lane_->easy()) != CURLM_OK) {
    done_ = true;
    end_status_ = internal_error("upstream_failed", "could not start the worker request");
    return end_status_;
  }
  attached_ = true;
  return Status();
}

// Sets every option that differs between transfers (the lane set the common ones once), so
// nothing of the lane's previous transfer carries over.
void Transfer::configure(const UpstreamRequest& request) {
  CURL* easy = lane_->easy();
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  set_method_and_body(request);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request_headers_);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  curl_off_t cap = mode_ == Mode::kBuffer ? static_cast<curl_off_t>(max_body_bytes_) : 0;
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, cap);  // 0: no limit
}

void Transfer::set_method_and_body(const UpstreamRequest& request) {
  CURL* easy = lane_->easy();
  const std::string& method = request.method;
  bool has_body = !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  curl_easy_setopt(easy, CURLOPT_NOBODY, 0L);  // a previous HEAD's
  if (has_body) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    // A stream outlives open()'s caller's request, so libcurl keeps its own copy of the body.
    curl_easy_setopt(easy, mode_ == Mode::kRelay ? CURLOPT_COPYPOSTFIELDS : CURLOPT_POSTFIELDS,
                     request.body.data());
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  }
  const char* implied = has_body ? "POST" : (method == "HEAD" ? "HEAD" : "GET");
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method != implied ? method.c_str() : nullptr);
}

Status Transfer::wait_for_head() {
  drive([this] { return head_.complete(); });
  if (done_ && !end_status_.ok()) {
    return end_status_;
  }
  if (!head_.complete()) {
    return unavailable("upstream_failed", "the worker sent no complete response head");
  }
  return Status();
}

Status Transfer::run_to_end() {
  drive([] { return false; });
  return end_status_;
}

bool Transfer::pump(smg::server::StreamSink& sink) {
  if (pumped_) {
    return end_status_.ok();
  }
  pumped_ = true;
  sink_ = &sink;
  if (paused_) {
    paused_ = false;
    curl_easy_pause(lane_->easy(), CURLPAUSE_CONT);  // delivers the held bytes to on_body now
  }
  drive([this, &sink] { return cause_.client_disconnected || !sink.client_connected(); });
  if (!done_) {
    cause_.client_disconnected = true;
    finish(CURLE_WRITE_ERROR);
  }
  sink_ = nullptr;
  return end_status_.ok();
}

void Transfer::drive(const std::function<bool()>& stop) {
  while (!done_) {
    int running = 0;
    if (curl_multi_perform(lane_->multi(), &running) != CURLM_OK) {
      finish(CURLE_FAILED_INIT);
      return;
    }
    collect_finished();
    if (done_ || stop()) {
      return;
    }
    if (abort_if_ && abort_if_()) {
      cause_.aborted = true;
      finish(CURLE_ABORTED_BY_CALLBACK);
      return;
    }
    curl_multi_poll(lane_->multi(), nullptr, 0, kPollIntervalMs, nullptr);
  }
}

void Transfer::collect_finished() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(lane_->multi(), &queued)) {
    if (message->msg == CURLMSG_DONE) {
      finish(message->data.result);
    }
  }
}

void Transfer::finish(CURLcode code) {
  if (done_) {
    return;
  }
  done_ = true;
  curl_off_t pretransfer_us = 0;
  curl_easy_getinfo(lane_->easy(), CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  cause_.connected = pretransfer_us > 0;
  end_status_ = transfer_status(code, cause_);
  curl_multi_remove_handle(lane_->multi(), lane_->easy());
  attached_ = false;
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->head_.on_line(std::string_view(data, size * count));
  return size * count;
}

size_t Transfer::on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view bytes(data, size * count);
  return transfer->mode_ == Mode::kBuffer ? transfer->buffer(bytes) : transfer->relay(bytes);
}

size_t Transfer::buffer(std::string_view bytes) {
  if (body_.size() + bytes.size() > max_body_bytes_) {
    cause_.too_large = true;
    return 0;  // libcurl aborts with CURLE_WRITE_ERROR
  }
  body_.append(bytes);
  bytes_received_ += bytes.size();
  return bytes.size();
}

size_t Transfer::relay(std::string_view bytes) {
  if (sink_ == nullptr) {
    paused_ = true;  // open() has the head; the body waits for pump()
    return CURL_WRITEFUNC_PAUSE;
  }
  if (!sink_->client_connected() || !sink_->write(bytes)) {
    cause_.client_disconnected = true;
    return 0;
  }
  bytes_received_ += bytes.size();
  return bytes.size();
}

}  // namespace smg::proxy::internal
