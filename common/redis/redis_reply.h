// Reply: one Redis reply as a plain value (hiredis's redisReply, copied out so no C memory
// escapes the client). Error replies never reach callers as a Reply: the client turns them into
// a Status (reason "redis_error").
// Thread-safety: plain values.
//
//   auto reply = client.command({"GET", key});
//   if (reply.ok() && reply->is_string()) use(reply->text);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smg::redis {

struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string text{};  // kString, kStatus, kError
  int64_t integer = 0;  // kInteger
  std::vector<Reply> elements{};  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_string() const { return type == Type::kString; }
  bool is_integer() const { return type == Type::kInteger; }
  bool is_array() const { return type == Type::kArray; }
};

}  // namespace smg::redis
