#include "server/gateway/request_id.h"

#include <algorithm>
#include <array>

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

std::string generate_request_id() { return "req-" + crypto::to_hex(crypto::random_bytes(12)); }

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
