// The bytes of a response head, and of chunked framing, as the engine writes them: the status
// line, the Response's headers (the framing headers Content-Length, Transfer-Encoding,
// Connection and Keep-Alive are the engine's alone), Content-Type from Response.content_type
// unless a header names one, then Content-Length or Transfer-Encoding: chunked (none for 1xx,
// 204 and 304) and Connection: close when the connection ends after this response.
// Thread-safety: pure functions.
//
//   std::string head = response_head(response, {.chunked = false, .close = true});
//   write(head + response.body);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/http/exchange.h"

namespace smg::server {

struct ResponseFraming {
  bool chunked = false;  // a streamed body; otherwise Content-Length: response.body.size()
  bool close = false;    // Connection: close
};

std::string response_head(const Response& response, ResponseFraming framing);

// 1xx, 204 and 304 carry no body and no framing headers.
bool status_has_body(int status);

// "<hex size>\r\n": what precedes a chunk of `size` bytes (followed by the bytes and "\r\n").
std::string chunk_prefix(std::size_t size);
inline constexpr std::string_view kChunkSuffix = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace smg::server
