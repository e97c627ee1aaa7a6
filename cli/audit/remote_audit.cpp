#include "cli/audit/remote_audit.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "cli/remote/sse_decoder.h"
#include "common/http/form.h"

namespace smg::cli {
namespace {

// The gateway sends a keepalive every 15 s; three missed ones mean the connection is dead.
constexpr std::chrono::seconds kStallTimeout{45};
constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

// An answer from the gateway (reason "http_<status>", see gateway_client.h), as opposed to a
// transport failure: retrying cannot fix a 401 or 403.
bool is_http_error(const Status& status) {
  const std::string& reason = status.reason();
  return reason.size() > 5 && reason.rfind("http_", 0) == 0 &&
         reason.find_first_not_of("0123456789", 5) == std::string::npos;
}

std::string follow_path(const std::string& since, const std::string& last_event_id) {
  std::string path = "/admin/audit?follow=1";
  if (last_event_id.empty() && !since.empty()) path += "&since=" + http::percent_encode(since);
  return path;
}

}  // namespace

Status fetch_audit(const GatewayClient& client, const std::string& since,
                   const AuditEventSink& sink) {
  std::string path = "/admin/audit";
  if (!since.empty()) path += "?since=" + http::percent_encode(since);
  auto answer = client.call("GET", path);
  if (!answer.ok()) return answer.status();
  auto events = answer->find("events");
  if (!answer->is_object() || events == answer->end() || !events->is_array()) {
    return unavailable("bad_audit_answer", "the gateway's /admin/audit answer has no events list");
  }
  for (const nlohmann::json& event : *events) sink(event);
  return {};
}

Status follow_audit(const GatewayClient& client, const std::string& since,
                    const AuditEventSink& sink, std::ostream& notices) {
  std::string last_event_id;
  auto backoff = kFirstBackoff;
  for (bool first = true;; first = false) {
    SseDecoder decoder;  // a fresh parser per connection; only the event id carries over
    bool received = false;
    std::map<std::string, std::string> headers;
    if (!last_event_id.empty()) headers["Last-Event-ID"] = last_event_id;
    Status status = client.stream(
        follow_path(since, last_event_id), headers,
        [&](std::string_view chunk) {
          received = true;
          for (const SseEvent& event : decoder.feed(chunk)) {
            nlohmann::json parsed = nlohmann::json::parse(event.data, nullptr, false);
            if (!parsed.is_discarded()) sink(parsed);
            if (!event.id.empty()) last_event_id = event.id;
          }
          return true;
        },
        kStallTimeout);
    if (!status.ok() && (is_http_error(status) || (first && !received))) return status;
    if (received) backoff = kFirstBackoff;
    notices << "audit stream ended (" << (status.ok() ? "closed by the gateway" : status.message())
            << "); reconnecting" << (last_event_id.empty() ? "" : " after event " + last_event_id)
            << "\n"
            << std::flush;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace smg::cli
