// Script: a Lua script for EVALSHA, with its SHA-1 computed once. RedisClient::eval() sends
// EVALSHA and falls back to EVAL when the server answers NOSCRIPT (first use, or after a
// restart or SCRIPT FLUSH), so the server's script cache refills by itself.
// Thread-safety: immutable after construction.
//
//   static const smg::redis::Script kTake("return redis.call('INCR', KEYS[1])");
//   auto count = client.eval(kTake, {"limit:alice"}, {});
#pragma once

#include <string>

namespace smg::redis {

class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }  // 40 lowercase hex characters

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace smg::redis
