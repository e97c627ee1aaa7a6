#include "server/http/request_head.h"

#include <strings.h>

#include <boost/beast/http/error.hpp>

#include "server/http/header_syntax.h"
#include "server/http/request_target.h"

namespace smg::server {
namespace {

namespace http = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

EngineRefusal framing(std::string message) {
  return {400, "invalid_request_error", std::move(message), "invalid_framing"};
}

EngineRefusal head_too_large() {
  return {431, "request_header_fields_too_large",
          "The request head is over 64 KiB or 100 header fields", ""};
}

std::optional<EngineRefusal> check_bounds(const RequestHead& head) {
  std::size_t fields = 0;
  for (const auto& field : head) {
    if (++fields > kMaxHeaderFields) return head_too_large();
    if (field.name_string().size() + 2 + field.value().size() > kMaxHeaderLine) {
      return EngineRefusal{431, "request_header_fields_too_large",
                           "A request header line is longer than 8192 bytes", ""};
    }
  }
  if (head.target().size() > kMaxTargetBytes) {
    return EngineRefusal{414, "uri_too_long", "The request target is longer than 8192 bytes", ""};
  }
  return std::nullopt;
}

std::optional<EngineRefusal> check_syntax(const RequestHead& head) {
  for (const auto& field : head) {
    std::string_view name = field.name_string(), value = field.value();
    if (!is_header_name(name) || !is_header_value(value) || holds_encoded_control(value)) {
      return EngineRefusal{400, "invalid_request_error",
                           "A request header has an invalid name or value", "invalid_header"};
    }
  }
  return std::nullopt;
}

std::optional<EngineRefusal> check_framing(const RequestHead& head) {
  std::string_view length;
  auto lengths = head.equal_range(http::field::content_length);
  for (auto field = lengths.first; field != lengths.second; ++field) {
    if (!all_digits(field->value()) || (!length.empty() && field->value() != length)) {
      return framing("Content-Length must be one decimal length");
    }
    length = field->value();
  }
  auto codings = head.equal_range(http::field::transfer_encoding);
  bool chunked = codings.first != codings.second;
  if (chunked && (std::next(codings.first) != codings.second ||
                  !iequals(codings.first->value(), "chunked"))) {
    return framing("Transfer-Encoding must be chunked, once");
  }
  if (chunked && !length.empty()) return framing("Content-Length and Transfer-Encoding together");
  auto method = head.method();
  bool needs_body =
      method == http::verb::post || method == http::verb::put || method == http::verb::patch;
  if (needs_body && !chunked && length.empty()) {
    return EngineRefusal{411, "length_required",
                         "A request body needs Content-Length or chunked Transfer-Encoding",
                         "length_required"};
  }
  return std::nullopt;
}

// A line of the head that ends in LF alone (Beast calls it a bad value or version).
bool has_bare_lf(std::string_view unparsed) {
  std::string_view head = unparsed.substr(0, unparsed.find("\r\n\r\n"));
  for (std::size_t at = head.find('\n'); at != std::string_view::npos;
       at = head.find('\n', at + 1)) {
    if (at == 0 || head[at - 1] != '\r') return true;
  }
  return false;
}

}  // namespace

Response refusal_response(const EngineRefusal& refusal) {
  return error_response(refusal.status, refusal.type, refusal.message, refusal.code);
}

std::optional<EngineRefusal> check_head(const RequestHead& head) {
  if (auto refusal = check_bounds(head)) return refusal;
  if (auto refusal = check_syntax(head)) return refusal;
  return check_framing(head);
}

std::optional<EngineRefusal> refusal_for_parse_error(boost::beast::error_code error,
                                                     std::string_view unparsed) {
  if (error.category() != http::make_error_code(http::error::bad_method).category()) {
    return std::nullopt;  // a socket error: nobody to answer
  }
  switch (static_cast<http::error>(error.value())) {
    case http::error::end_of_stream:
    case http::error::partial_message:
    case http::error::need_more:
    case http::error::need_buffer:
    case http::error::stale_parser:
    case http::error::short_read:
      return std::nullopt;
    case http::error::header_limit:
      return head_too_large();
    case http::error::body_limit:
      return payload_too_large_refusal();
    case http::error::bad_content_length:
    case http::error::multiple_content_length:
      return framing("Content-Length must be one decimal length");
    case http::error::bad_transfer_encoding:
      return framing("Transfer-Encoding must be chunked, once, and never with Content-Length");
    case http::error::bad_chunk:
    case http::error::bad_chunk_extension:
      return chunked_body_refusal();
    default:
      break;
  }
  if (has_bare_lf(unparsed)) return framing("A request head line ends in LF without CR");
  return EngineRefusal{400, "invalid_request_error", "Malformed HTTP request", ""};
}

EngineRefusal head_timeout_refusal() {
  return {408, "request_timeout", "The request head did not arrive in time", ""};
}

EngineRefusal body_too_slow_refusal() {
  return {408, "request_timeout", "The request body arrived too slowly", ""};
}

EngineRefusal chunked_body_refusal() {
  return framing("The chunked request body breaks RFC 9112 chunk framing");
}

EngineRefusal payload_too_large_refusal() {
  return {413, "payload_too_large", "Request body too large", ""};
}

Request to_request(const RequestHead& head) {
  Request out;
  out.method = std::string(head.method_string());
  RequestTarget target = split_target(head.target());
  out.path = std::move(target.path);
  out.query = std::move(target.query);
  out.query_string = std::move(target.query_string);
  for (const auto& field : head) {
    std::string_view name = field.name_string();
    if (!is_library_pseudo_header(name)) {
      out.headers.emplace(std::string(name), std::string(field.value()));
    }
  }
  return out;
}

bool expects_continue(const RequestHead& head) {
  auto expect = head.find(http::field::expect);
  return expect != head.end() && iequals(expect->value(), "100-continue");
}

}  // namespace smg::server
