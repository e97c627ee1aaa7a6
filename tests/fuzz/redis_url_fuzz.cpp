// Redis URL parser (server.state.redis_url_env's value): never crashes, a parsed URL has the
// documented shape, and an error never echoes the password.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/redis/redis_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto url = smg::redis::parse_redis_url(input);
  if (url.ok()) {
    if (url->host.empty() || url->port < 1 || url->port > 65535 || url->db < 0) std::abort();
    // describe() is what logs show: host, port and database only, so never the password.
    bool v6 = url->host.find(':') != std::string::npos;
    std::string shown = v6 ? "[" + url->host + "]" : url->host;
    if (url->describe() !=
        "redis://" + shown + ":" + std::to_string(url->port) + "/" + std::to_string(url->db)) {
      std::abort();
    }
    return 0;
  }
  // The credentials sit between "redis://" and the last '@': never in the message.
  std::size_t at = input.rfind('@');
  if (input.rfind("redis://", 0) == 0 && at != std::string::npos && at > 8) {
    std::string credentials = input.substr(8, at - 8);
    std::size_t colon = credentials.find(':');
    std::string password = colon == std::string::npos ? "" : credentials.substr(colon + 1);
    // The parser's messages are fixed English (letters, digits, spaces and ":/()[].,@'-"), so a
    // password made of those alone may occur in one by chance ("redis://l: control c@..." holds
    // " control c", a piece of "control character or space"). A password with any other byte
    // cannot be in a message unless the message echoed it.
    bool distinctive = password.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "
                           ":/()[].,@'-") != std::string::npos;
    if (password.size() >= 6 && distinctive &&
        url.status().message().find(password) != std::string::npos) {
      std::abort();
    }
  }
  return 0;
}
