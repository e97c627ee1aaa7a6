#include "common/session/redis_pre_login_store.h"

#include "common/crypto/crypto.h"

namespace smg::session {
namespace {

// KEYS: login, client counter, total counter. ARGV: ttl, max_total, max_per_client, then the
// login's fields. Returns "ok", "limited" or "duplicate".
const redis::Script kAdd(R"lua(
local from_client = tonumber(redis.call('GET', KEYS[2]) or '0')
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
if total >= tonumber(ARGV[2]) or from_client >= tonumber(ARGV[3]) then return 'limited' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'duplicate' end
redis.call('HSET', KEYS[1], 'nonce', ARGV[4], 'code_verifier', ARGV[5], 'binding_sha256', ARGV[6],
           'client', ARGV[7], 'created_at', ARGV[8], 'client_key', KEYS[2], 'total_key', KEYS[3])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[1])
return 'ok'
)lua");

// KEYS: login. Returns its fields and deletes it (with its share of the counters), or nil.
const redis::Script kTake(R"lua(
local v = redis.call('HMGET', KEYS[1], 'nonce', 'code_verifier', 'binding_sha256', 'client',
                     'created_at', 'client_key', 'total_key')
if not v[1] then return false end
redis.call('DEL', KEYS[1])
for i = 6, 7 do
  if v[i] and tonumber(redis.call('GET', v[i]) or '0') > 0 then redis.call('DECR', v[i]) end
end
return {v[1], v[2], v[3], v[4], v[5]}
)lua");

Status unreachable() {
  return unavailable("session_store_unavailable", "Session store unavailable");
}

}  // namespace

RedisPreLoginStore::RedisPreLoginStore(redis::RedisClient& redis, PreLoginLimits limits,
                                       const Clock& clock, std::string key_prefix)
    : redis_(redis), limits_(limits), clock_(clock), prefix_(std::move(key_prefix)) {}

Status RedisPreLoginStore::add(const std::string& state, PendingLogin login) {
  std::string key = prefix_ + "login:" + crypto::sha256_hex(state);
  std::string client_key = prefix_ + "logins_from:" + crypto::sha256_hex(login.client);
  auto done = redis_.eval(
      kAdd, {key, client_key, prefix_ + "logins_total"},
      {std::to_string(limits_.ttl_secs), std::to_string(limits_.max_total),
       std::to_string(limits_.max_per_client), login.nonce, login.code_verifier,
       login.binding_sha256, login.client, std::to_string(clock_.now_seconds())});
  if (!done.ok()) return unreachable();
  if (done->text == "limited") {
    return Status(Code::kResourceExhausted, "oidc_login_rate_limited",
                  "Too many logins in progress");
  }
  if (done->text == "duplicate") {
    return invalid_argument("oidc_state_duplicate", "Duplicate login state");
  }
  return Status::ok_status();
}

Result<PendingLogin> RedisPreLoginStore::take(std::string_view state) {
  std::string key = prefix_ + "login:" + crypto::sha256_hex(state);
  auto found = redis_.eval(kTake, {key}, {});
  if (!found.ok()) return unreachable();
  if (!found->is_array() || found->elements.size() != 5) return oidc_state_invalid();
  const auto& v = found->elements;
  PendingLogin login{v[0].text, v[1].text, v[2].text, v[3].text, 0};
  try {
    login.created_at = std::stoll(v[4].text);
  } catch (...) {
    return oidc_state_invalid();
  }
  // Redis expiry is whole seconds; the TTL holds exactly against our clock too.
  if (clock_.now_seconds() - login.created_at >= limits_.ttl_secs) return oidc_state_invalid();
  return login;
}

}  // namespace smg::session
