#include "server/gateway/request_recorder.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>

#include "common/text/capped_text.h"
#include "server/requestlog/usage.h"

namespace smg::server {
namespace {

using requestlog::CapturedContent;
using requestlog::RequestRecord;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxErrorTypeBytes = 64;

int64_t micros_since(Clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
}

// Appends up to the cap; true when something had to be left out.
bool append_capped(std::string& out, std::string_view bytes, std::size_t cap) {
  std::size_t room = cap > out.size() ? cap - out.size() : 0;
  out.append(bytes.substr(0, room));
  return bytes.size() > room;
}

// A streamed response being recorded: lives until the stream ends or is abandoned, and submits
// its record exactly once, whichever comes first.
struct StreamRecording {
  requestlog::RequestLogWriter* writer = nullptr;
  RequestRecord record;
  Clock::time_point started;
  requestlog::SseUsageScanner usage;
  bool saw_first_byte = false;
  std::size_t capture_cap = 0;  // 0: not capturing
  std::string response_body;
  bool response_truncated = false;
  bool submitted = false;

  void submit() {
    if (submitted) return;
    submitted = true;
    record.latency_us = micros_since(started);
    if (!saw_first_byte) record.ttfb_us = record.latency_us;
    record.usage = usage.usage();
    if (record.content) {
      record.content->response_body = std::move(response_body);
      record.content->response_truncated = response_truncated;
    }
    writer->submit(std::move(record));
  }
  ~StreamRecording() { submit(); }
};

// Passes every byte on to the client's sink and lets the recording see it on the way.
class RecordingSink final : public StreamSink {
 public:
  RecordingSink(StreamSink& client, StreamRecording& recording)
      : client_(client), recording_(recording) {}
  bool write(std::string_view bytes) override {
    if (!recording_.saw_first_byte && !bytes.empty()) {
      recording_.saw_first_byte = true;
      recording_.record.ttfb_us = micros_since(recording_.started);
    }
    recording_.usage.feed(bytes);
    if (recording_.capture_cap > 0 && !recording_.response_truncated) {
      recording_.response_truncated =
          append_capped(recording_.response_body, bytes, recording_.capture_cap);
    }
    return client_.write(bytes);
  }
  bool client_connected() const override { return client_.client_connected(); }

 private:
  StreamSink& client_;
  StreamRecording& recording_;
};

// The same for a body pulled from a BodySource: every piece is seen on its way to the client.
class RecordingSource final : public BodySource {
 public:
  RecordingSource(std::shared_ptr<BodySource> inner, std::shared_ptr<StreamRecording> recording)
      : inner_(std::move(inner)), recording_(std::move(recording)) {}

  void pull(std::function<void(BodyPiece)> ready) override {
    inner_->pull([this, ready = std::move(ready)](BodyPiece piece) {
      see(piece);
      ready(std::move(piece));
    });
  }
  void cancel() override {
    cancelled_ = true;
    inner_->cancel();
  }

 private:
  void see(const BodyPiece& piece) {
    StreamRecording& r = *recording_;
    if (!r.saw_first_byte && !piece.bytes.empty()) {
      r.saw_first_byte = true;
      r.record.ttfb_us = micros_since(r.started);
    }
    r.usage.feed(piece.bytes);
    if (r.capture_cap > 0 && !r.response_truncated) {
      r.response_truncated = append_capped(r.response_body, piece.bytes, r.capture_cap);
    }
    if (piece.failed) r.record.error_type = cancelled_ ? "client_disconnected" : "stream_aborted";
    if (piece.end || piece.failed) r.submit();
  }

  std::shared_ptr<BodySource> inner_;
  std::shared_ptr<StreamRecording> recording_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

bool CaptureSettings::applies_to(const std::string& caller_domain) const {
  if (!enabled) return false;
  return domains.empty() ||
         std::find(domains.begin(), domains.end(), caller_domain) != domains.end();
}

std::string error_type_of(const std::string& body) {
  if (body.find("\"error\"") == std::string::npos) return "error";
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("error")) return "error";
  const auto& error = parsed["error"];
  for (const char* field : {"code", "type"}) {
    if (error.is_object() && error.contains(field) && error[field].is_string()) {
      auto value = error[field].get<std::string>();
      if (!value.empty()) return value.substr(0, kMaxErrorTypeBytes);
    }
  }
  return "error";
}

RequestRecorder::RequestRecorder(requestlog::RequestLogWriter& writer, CaptureSettings capture)
    : writer_(writer), capture_(std::move(capture)) {}

RequestRecord RequestRecorder::base_record(const RecordedRequest& recorded,
                                           const Response& response) const {
  RequestRecord record;
  record.request_id = recorded.request.request_id;
  record.timestamp_ms = recorded.started_unix_ms;
  record.caller_subject = recorded.principal.subject;
  record.caller_domain = recorded.principal.domain;
  record.auth_method = auth_method_name(recorded.principal.auth_method);
  record.model = text::capped_client_text(recorded.info.model);  // the client's, uncapped
  record.worker = recorded.info.worker;
  record.route = recorded.route;
  record.status = response.status;
  record.upstream_status = recorded.info.upstream_status;
  record.stream = recorded.info.stream && response.streams();
  record.client_addr = recorded.request.remote_addr;
  if (response.status >= 400) {
    record.error_type = response.streams() ? "upstream_http_" + std::to_string(response.status)
                                        : error_type_of(response.body);
  }
  if (capture_.applies_to(record.caller_domain)) {
    CapturedContent content;
    content.request_truncated =
        append_capped(content.request_body, recorded.request.body, capture_.max_body_bytes);
    content.captured_at_ms = recorded.started_unix_ms;
    content.expires_at_ms = recorded.started_unix_ms + capture_.retention_ms;
    record.content = std::move(content);
  }
  return record;
}

void RequestRecorder::record(const RecordedRequest& recorded, Response& response) {
  RequestRecord record = base_record(recorded, response);
  if (!response.streams()) {
    record.latency_us = micros_since(recorded.started);
    record.ttfb_us = record.latency_us;  // a buffered body goes out in one piece
    if (response.status < 400) record.usage = requestlog::usage_from_json(response.body);
    if (record.content) {
      record.content->response_truncated = append_capped(
          record.content->response_body, response.body, capture_.max_body_bytes);
    }
    writer_.submit(std::move(record));
    return;
  }
  auto recording = std::make_shared<StreamRecording>();
  recording->writer = &writer_;
  recording->started = recorded.started;
  recording->capture_cap = record.content ? capture_.max_body_bytes : 0;
  recording->record = std::move(record);
  if (response.source) {
    response.source = std::make_shared<RecordingSource>(std::move(response.source), recording);
    return;
  }
  response.stream = [inner = std::move(response.stream), recording](StreamSink& sink) {
    RecordingSink recording_sink(sink, *recording);
    bool completed = inner(recording_sink);
    if (!completed) {
      recording->record.error_type = sink.client_connected() ? "stream_aborted" : "client_disconnected";
    }
    recording->submit();
    return completed;
  };
}

}  // namespace smg::server
