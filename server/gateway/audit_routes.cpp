#include "server/gateway/audit_routes.h"

#include <chrono>

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

}  // namespace

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
