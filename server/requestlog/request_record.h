// RequestRecord: one data-plane request as the request log keeps it (who called which model on
// which worker, how it ended, how long it took, how many tokens it used), and the request and
// response bodies captured beside it when content capture is on for the caller's domain.
// Plain values; to_json() is the shape the report APIs return.
//
//   RequestRecord r{.request_id = "abc", .route = "chat_completions", .status = 200};
//   nlohmann::json row = to_json(r);
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace smg::requestlog {

// Token counts from the worker's `usage` object; nullopt when the worker did not say.
struct TokenUsage {
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;
  std::optional<int64_t> total_tokens;

  bool empty() const { return !prompt_tokens && !completion_tokens && !total_tokens; }
};

struct CapturedContent {
  std::string request_body;
  std::string response_body;  // for streams, the raw SSE as relayed
  bool request_truncated = false;
  bool response_truncated = false;
  int64_t captured_at_ms = 0;
  int64_t expires_at_ms = 0;  // retention: purged at or after this time
};

struct RequestRecord {
  int64_t seq = 0;  // assigned by the store; the pagination cursor
  std::string request_id;
  int64_t timestamp_ms = 0;  // when the request arrived (Unix ms)
  std::string caller_subject;  // e.g. caller:app1; empty when the data plane is open
  std::string caller_domain;   // e.g. example/prod; scopes who may see the record
  std::string auth_method;     // caller_token | api_key | jwt | none
  std::string model;
  std::string worker;  // the worker URL that answered; empty when none was picked
  std::string route;   // route name, e.g. chat_completions
  int status = 0;          // what the gateway answered
  int upstream_status = 0;  // what the worker answered; 0 when no worker answered
  int64_t latency_us = 0;  // arrival to the last byte handed to the client
  int64_t ttfb_us = 0;     // arrival to the first response byte
  bool stream = false;
  TokenUsage usage;
  std::string error_type;  // empty on success; e.g. model_not_found, invalid-token
  std::string client_addr;
  std::optional<CapturedContent> content;  // only on the way in; reads load it separately
};

nlohmann::json to_json(const RequestRecord& record);
nlohmann::json to_json(const CapturedContent& content);

}  // namespace smg::requestlog
