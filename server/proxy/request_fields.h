// The parts of an OpenAI-style JSON request body the proxy routes by: `model`, `stream` and, for
// tenant token limits `max_tokens`, and for cache-aware routing and prompt counting only, the text (chat message contents, `prompt`, `text`, `input`).
// Without the text the body is read by nlohmann's SAX parser, validated but never built into a
// document: a long chat history costs no allocations per message. Top-level members only; a
// member given twice counts as its last value, and a value of the wrong type as absent (as a
// parsed document would read them).
//
//   auto fields = read_request_fields(body, router.policy().uses_request_text());
//   if (!fields) return error_response(400, ..., "Request body must be a JSON object", ...);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smg::proxy {

struct RequestFields {
  std::string model;   // empty when absent or not a string
  bool stream = false;
  std::string text;    // only with want_text
  // `max_completion_tokens`, else `max_tokens`, when a non-negative integer.
  std::optional<uint64_t> max_tokens;
};

// nullopt when the body is not one JSON object.
std::optional<RequestFields> read_request_fields(std::string_view body, bool want_text);

}  // namespace smg::proxy
