#include "server/gateway/request_id.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <string_view>

#include "common/clock/clock.h"
#include "common/crypto/crypto.h"

namespace smg::server {
namespace {

bool safe_id(const std::string& value) {
  return !value.empty() && value.size() <= 128 &&
         std::all_of(value.begin(), value.end(), [](char c) {
           auto u = static_cast<unsigned char>(c);
           return u > 0x20 && u < 0x7f && c != '"' && c != '\\';
         });
}

}  // namespace

// Generated ids lead with the time in milliseconds (12 hex digits), then 80 random bits, so they
// sort by creation time: the request log's request-id index then grows at its end instead of
// dirtying a random page per request. The random part is cut from a per-thread block of DRBG output fetched ~4 KiB at a time: one RAND_bytes call
// per request (DRBG lock, fork check, reseed test) was ~4% of the gateway's CPU under load. The
// gateway never forks after start-up, so no two processes share a block.
std::string generate_request_id() { return generate_request_id(unix_now_ms()); }

std::string generate_request_id(int64_t unix_ms) {
  constexpr std::size_t kIdBytes = 10;
  constexpr std::size_t kBlockBytes = kIdBytes * 340;
  thread_local std::string block;
  thread_local std::size_t used = 0;
  if (used + kIdBytes > block.size()) {
    block = crypto::random_bytes(kBlockBytes);
    used = 0;
  }
  std::string_view id(block.data() + used, kIdBytes);
  used += kIdBytes;
  char time_hex[13];
  std::snprintf(time_hex, sizeof time_hex, "%012llx",
                static_cast<unsigned long long>(unix_ms) & 0xffffffffffffULL);
  return "req-" + std::string(time_hex, 12) + crypto::to_hex(id);
}

std::string request_id_for(const Request& request) {
  static constexpr std::array<const char*, 4> kHeaders = {"x-request-id", "x-correlation-id",
                                                          "x-trace-id", "request-id"};
  for (const char* name : kHeaders) {
    if (auto value = request.header(name); value && safe_id(*value)) {
      return *value;
    }
  }
  return generate_request_id();
}

}  // namespace smg::server
