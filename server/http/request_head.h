// What the engine decides on a request head by itself, before the gateway sees it: the head
// bounds (64 KiB, 100 fields, 8 KiB a line: 431; an 8 KiB target: 414), header syntax (names are
// tokens, values hold no CR, LF, NUL or other control character, raw or %-escaped: 400) and
// RFC 9112 framing, strictly, because a front proxy that reads a request differently from us is
// how requests get smuggled: bare-LF lines, Content-Length with Transfer-Encoding, lengths that
// are not digits or disagree, a transfer coding other than chunked, a bad chunk size: 400; a
// POST/PUT/PATCH with no framing at all: 411. Beast's parser refuses much of this itself
// (refusal_for_parse_error names its errors); check_head() covers what it accepts.
// Every refusal closes the connection: nothing after it on the connection is read as a request.
// Thread-safety: pure functions.
//
//   if (auto refusal = check_head(parser.get())) -> send refusal_response(*refusal), close
//   Request head = to_request(parser.get());
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/exchange.h"

namespace smg::server {

inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;
inline constexpr std::size_t kMaxHeaderFields = 100;
inline constexpr std::size_t kMaxHeaderLine = 8192;
inline constexpr std::size_t kMaxTargetBytes = 8192;

using RequestHead = boost::beast::http::request_header<>;

// An answer the engine gives itself: error_response(status, type, message, code).
struct EngineRefusal {
  int status = 400;
  std::string type = "invalid_request_error";
  std::string message;
  std::string code;
};

Response refusal_response(const EngineRefusal& refusal);

// The head's bounds, header syntax and framing, in that order.
std::optional<EngineRefusal> check_head(const RequestHead& head);

// The answer to a head or body Beast could not parse; nullopt when there is no one to answer
// (the client closed, or a read failed): close without a response. `unparsed` is what the read
// buffer still holds (on a head error, the head: Beast consumes it only once it parsed).
std::optional<EngineRefusal> refusal_for_parse_error(boost::beast::error_code error,
                                                     std::string_view unparsed);

EngineRefusal head_timeout_refusal();
EngineRefusal body_too_slow_refusal();
EngineRefusal payload_too_large_refusal();
// A chunked body Beast or the chunk grammar (chunked_framing.h) refused: 400 invalid_framing.
EngineRefusal chunked_body_refusal();

// The head as the gateway sees it: method, decoded path and query, the headers (without
// cpp-httplib's pseudo-header names). No body, peer or TLS flag yet.
Request to_request(const RequestHead& head);

// Expect: 100-continue.
bool expects_continue(const RequestHead& head);

}  // namespace smg::server
