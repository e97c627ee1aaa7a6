#include "server/requestlog/request_record.h"

#include "common/clock/clock.h"

namespace smg::requestlog {
namespace {

nlohmann::json optional_count(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const RequestRecord& record) {
  return {{"request_id", record.request_id},
          {"time", format_rfc3339_ms(record.timestamp_ms)},
          {"timestamp_ms", record.timestamp_ms},
          {"caller", record.caller_subject},
          {"domain", record.caller_domain},
          {"auth_method", record.auth_method},
          {"model", record.model},
          {"worker", record.worker},
          {"route", record.route},
          {"status", record.status},
          {"upstream_status", record.upstream_status},
          {"latency_ms", static_cast<double>(record.latency_us) / 1000.0},
          {"ttfb_ms", static_cast<double>(record.ttfb_us) / 1000.0},
          {"stream", record.stream},
          {"prompt_tokens", optional_count(record.usage.prompt_tokens)},
          {"completion_tokens", optional_count(record.usage.completion_tokens)},
          {"total_tokens", optional_count(record.usage.total_tokens)},
          {"error_type", record.error_type}};
}

nlohmann::json to_json(const CapturedContent& content) {
  // Bodies may hold any bytes; the JSON keeps valid UTF-8 and replaces the rest.
  auto text = [](const std::string& bytes) {
    return nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return {{"request_body", nlohmann::json::parse(text(content.request_body))},
          {"response_body", nlohmann::json::parse(text(content.response_body))},
          {"request_truncated", content.request_truncated},
          {"response_truncated", content.response_truncated},
          {"captured_at", format_rfc3339_ms(content.captured_at_ms)},
          {"expires_at", format_rfc3339_ms(content.expires_at_ms)}};
}

}  // namespace smg::requestlog
