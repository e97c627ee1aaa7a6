#include "server/gateway/audit_routes.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/clock/clock.h"
#include "common/config/duration.h"

namespace smg::server {
namespace {

constexpr auto kHeartbeat = std::chrono::seconds(15);

std::string sse_event(const audit::AuditEvent& event) {
  return "id: " + std::to_string(event.sequence) + "\ndata: " + audit::to_json_line(event) + "\n\n";
}

Result<uint64_t> parse_sequence(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument("bad_sequence", "sequence must be a decimal number");
  }
  return std::stoull(text);
}

std::string sse_event(const audit::StreamedEvent& event) {
  return "id: " + event.id + "\ndata: " + event.event.dump() + "\n\n";
}

Response stream_unavailable_response() {
  Response response = error_response(503, "service_unavailable",
                                     "The cluster audit stream is unavailable",
                                     "audit_stream_unavailable");
  response.set_header("Retry-After", "1");
  return response;
}

// The backlog a cluster request asks for: after an id, from a time, or everything kept.
// `floor` is the id the asked-for range starts after: a follow whose backlog is empty waits for
// events after it, so one added between the backlog's read and the wait is not skipped.
Result<std::vector<audit::StreamedEvent>> cluster_backlog(const Request& request,
                                                          audit::RedisAuditStream& stream,
                                                          std::string& floor) {
  constexpr std::size_t kLimit = 10000;
  std::string since = request.query_param("since");
  auto last_event_id = request.header("Last-Event-ID");
  if (last_event_id || since.rfind("seq:", 0) == 0) {
    std::string id = last_event_id ? *last_event_id : since.substr(4);
    if (!audit::valid_stream_id(id)) {
      return invalid_argument("bad_sequence", "event id must look like 1733300000000-0");
    }
    floor = id;
    return stream.after(id, kLimit);
  }
  if (!since.empty()) {
    auto window = config::parse_duration_ms(since);
    if (!window.ok()) return window.status();
    int64_t from_ms = std::max<int64_t>(0, unix_now_ms() - *window);
    // The range starts at from_ms-0: after the last id of the millisecond before.
    floor = from_ms == 0 ? "0-0" : std::to_string(from_ms - 1) + "-18446744073709551615";
    return stream.since_time(from_ms, kLimit);
  }
  floor = "0-0";
  return stream.after("0", kLimit);
}

}  // namespace

Response handle_cluster_audit_request(const Request& request, audit::RedisAuditStream& stream,
                                      const audit::AuditLog& log) {
  std::string floor;
  auto backlog = cluster_backlog(request, stream, floor);
  if (!backlog.ok() && backlog.status().code() == Code::kInvalidArgument) {
    return error_response(400, "invalid_request_error", backlog.status().message());
  }
  if (!backlog.ok()) return stream_unavailable_response();
  if (request.query_param("follow") != "1") {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& event : *backlog) events.push_back(event.event);
    Response response = json_response(200, {{"events", events}});
    response.set_header("Cache-Control", "no-store");
    return response;
  }
  std::string cursor = backlog->empty() ? floor : backlog->back().id;
  Response response;
  response.content_type = "text/event-stream";
  response.set_header("Cache-Control", "no-store");
  response.stream = [&stream, &log, backlog = std::move(*backlog), cursor](StreamSink& sink) mutable {
    for (const auto& event : backlog) {
      if (!sink.write(sse_event(event))) return false;
    }
    auto quiet_since = std::chrono::steady_clock::now();
    while (sink.client_connected() && !log.is_shut_down()) {
      // Short blocking reads, so a gone client or a shutdown is noticed within a second.
      auto batch = stream.wait_after(cursor, std::chrono::milliseconds(1000));
      if (!batch.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // Redis down: retry
      }
      if (batch.ok() && !batch->empty()) {
        for (const auto& event : *batch) {
          if (!sink.write(sse_event(event))) return false;
          cursor = event.id;
        }
        quiet_since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - quiet_since > kHeartbeat) {
        if (!sink.write(": keepalive\n\n")) return false;
        quiet_since = std::chrono::steady_clock::now();
      }
    }
    return false;
  };
  return response;
}

Response handle_audit_request(const Request& request, audit::AuditLog& log) {
  std::vector<audit::AuditEvent> backlog;
  std::string since = request.query_param("since");
  auto last_event_id = request.header("Last-Event-ID");
  if (last_event_id || since.rfind("seq:", 0) == 0) {
    auto sequence = parse_sequence(last_event_id ? *last_event_id : since.substr(4));
    if (!sequence.ok()) return error_response(400, "invalid_request_error", sequence.status().message());
    backlog = log.since_sequence(*sequence);
  } else if (!since.empty()) {
    auto window = config::parse_duration_ms(since);
    if (!window.ok()) return error_response(400, "invalid_request_error", window.status().message());
    backlog = log.since_time(unix_now_ms() - *window);
  } else {
    backlog = log.since_sequence(0);
  }
  if (request.query_param("follow") != "1") {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& event : backlog) events.push_back(audit::to_json(event));
    Response response = json_response(200, {{"events", events}});
    response.set_header("Cache-Control", "no-store");
    return response;
  }
  Response response;
  response.content_type = "text/event-stream";
  response.set_header("Cache-Control", "no-store");
  uint64_t start_after = backlog.empty() ? log.last_sequence() : backlog.back().sequence;
  response.stream = [&log, backlog = std::move(backlog), start_after](StreamSink& sink) {
    for (const auto& event : backlog) {
      if (!sink.write(sse_event(event))) return false;
    }
    uint64_t cursor = start_after;
    while (sink.client_connected() && !log.is_shut_down()) {
      if (!log.wait_for_newer(cursor, kHeartbeat)) {
        if (!sink.write(": keepalive\n\n")) return false;
        continue;
      }
      for (const auto& event : log.since_sequence(cursor)) {
        if (!sink.write(sse_event(event))) return false;
        cursor = event.sequence;
      }
    }
    return false;
  };
  return response;
}

}  // namespace smg::server
