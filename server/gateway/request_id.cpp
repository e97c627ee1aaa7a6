#include "server/gateway/request_id.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

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

// Ids are cut from a per-thread block of DRBG output fetched ~4 KiB at a time: one RAND_bytes call
// per request (DRBG lock, fork check, reseed test) was ~4% of the gateway's CPU under load. The
// gateway never forks after start-up, so no two processes share a block.
std::string generate_request_id() {
  constexpr std::size_t kIdBytes = 12;
  constexpr std::size_t kBlockBytes = kIdBytes * 340;
  thread_local std::string block;
  thread_local std::size_t used = 0;
  if (used + kIdBytes > block.size()) {
    block = crypto::random_bytes(kBlockBytes);
    used = 0;
  }
  std::string_view id(block.data() + used, kIdBytes);
  used += kIdBytes;
  return "req-" + crypto::to_hex(id);
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
