#include "server/ratelimit/redis_limiter_store.h"

#include <cstdlib>

#include "common/log/logger.h"

namespace smg::ratelimit {
namespace {

// KEYS: one hash per scope. ARGV[1]: now in µs ("" = Redis TIME), ARGV[2]: the request's tokens,
// then per scope its tokens and requests per minute. The same formulas as scope_bucket.cpp.
// Returns {allowed, tokens_1, requests_1, tokens_2, ...} (what was left before the debit, as
// strings: Lua numbers would come back truncated to integers).
const redis::Script kReserve(R"lua(
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local tokens = tonumber(ARGV[2])
local states = {}
local out = {1}
for i = 1, #KEYS do
  local tpm = tonumber(ARGV[1 + 2 * i])
  local rpm = tonumber(ARGV[2 + 2 * i])
  local h = redis.call('HMGET', KEYS[i], 't', 'r', 'u')
  local tk, rq, u = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
  if tk == nil or rq == nil or u == nil then tk, rq, u = tpm, rpm, now end
  if now > u then
    local e = (now - u) / 1e6
    tk = math.min(tpm, tk + e * tpm / 60)
    rq = math.min(rpm, rq + e * rpm / 60)
    u = now
  end
  states[i] = {tk, rq, u, tpm, rpm}
  if tk < math.min(tokens, tpm) or rq < 1 then out[1] = 0 end
  out[#out + 1] = tostring(tk)
  out[#out + 1] = tostring(rq)
end
if out[1] == 1 then
  for i = 1, #KEYS do
    local s = states[i]
    local tk, rq = s[1] - tokens, s[2] - 1
    redis.call('HSET', KEYS[i], 't', tostring(tk), 'r', tostring(rq), 'u', tostring(s[3]))
    -- Gone once it would be full again: a new hash starts full, so nothing is lost.
    local full_in = math.max((s[4] - tk) / s[4], (s[5] - rq) / s[5]) * 60000
    redis.call('PEXPIRE', KEYS[i], math.ceil(full_in) + 1000)
  end
end
return out
)lua");

// KEYS: the scopes; ARGV[1]: now ("" = TIME), ARGV[2]: used − reserved, then per scope tpm, rpm.
const redis::Script kSettle(R"lua(
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local delta = tonumber(ARGV[2])
for i = 1, #KEYS do
  local tpm = tonumber(ARGV[1 + 2 * i])
  local rpm = tonumber(ARGV[2 + 2 * i])
  local h = redis.call('HMGET', KEYS[i], 't', 'r', 'u')
  local tk, rq, u = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
  if tk ~= nil and rq ~= nil and u ~= nil then
    if now > u then
      local e = (now - u) / 1e6
      tk = math.min(tpm, tk + e * tpm / 60)
      rq = math.min(rpm, rq + e * rpm / 60)
      u = now
    end
    tk = math.min(tpm, tk - delta)
    redis.call('HSET', KEYS[i], 't', tostring(tk), 'r', tostring(rq), 'u', tostring(u))
    local full_in = math.max((tpm - tk) / tpm, (rpm - rq) / rpm) * 60000
    redis.call('PEXPIRE', KEYS[i], math.ceil(full_in) + 1000)
  end
end
return 1
)lua");

std::string format_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

double number_of(const redis::Reply& reply) {
  if (reply.is_integer()) return static_cast<double>(reply.integer);
  return std::strtod(reply.text.c_str(), nullptr);
}

}  // namespace

RedisLimiterStore::RedisLimiterStore(redis::RedisClient& client, RedisStoreOptions options,
                                     metrics::Registry& metrics)
    : client_(client),
      options_(std::move(options)),
      local_(options_.clock != nullptr ? *options_.clock : SystemClock::instance()),
      fallbacks_(metrics.counter("smg_rate_limit_fallback_total",
                                 "Rate-limit decisions made per replica because Redis was "
                                 "unreachable")),
      settle_dropped_(metrics.counter("smg_rate_limit_settle_dropped_total",
                                      "Token settlements dropped: the queue to Redis was full")),
      thread_([this] { settle_loop(); }) {}

RedisLimiterStore::~RedisLimiterStore() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::vector<std::string> RedisLimiterStore::keys_of(const std::vector<ScopeRequest>& scopes) const {
  std::vector<std::string> keys;
  for (const ScopeRequest& scope : scopes) {
    // "{tenant}#rule:x": the tenant part is the hash tag, shared by a request's scopes.
    std::size_t rule = scope.key.find("#rule:");
    std::string tenant = scope.key.substr(0, rule);
    std::string rest = rule == std::string::npos ? "" : scope.key.substr(rule);
    keys.push_back(options_.key_prefix + "rl:{" + tenant + "}" + rest);
  }
  return keys;
}

std::vector<std::string> RedisLimiterStore::args_of(const std::vector<ScopeRequest>& scopes,
                                                    double amount) const {
  std::string now;
  if (options_.clock != nullptr) {
    now = std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                             options_.clock->steady_now().time_since_epoch())
                             .count());
  }
  std::vector<std::string> args{now, format_number(amount)};
  for (const ScopeRequest& scope : scopes) {
    args.push_back(std::to_string(scope.limits.tokens_per_minute));
    args.push_back(std::to_string(scope.limits.requests_per_minute));
  }
  return args;
}

Decision RedisLimiterStore::fall_back(const std::vector<ScopeRequest>& scopes, double tokens,
                                      const Status& why) {
  fallbacks_.inc();
  if (!in_outage_.exchange(true)) {
    log::warn("smg::ratelimit", "Redis unreachable: rate limits fall back to per-replica limits",
              {{"reason", why.reason()}});
  }
  return local_.reserve(scopes, tokens);
}

Decision RedisLimiterStore::reserve(const std::vector<ScopeRequest>& scopes, double tokens) {
  auto reply = client_.eval(kReserve, keys_of(scopes), args_of(scopes, tokens));
  if (!reply.ok()) return fall_back(scopes, tokens, reply.status());
  if (!reply->is_array() || reply->elements.size() != 1 + 2 * scopes.size()) {
    return fall_back(scopes, tokens, Status(Code::kInternal, "redis_reply", "unexpected reply"));
  }
  if (in_outage_.exchange(false)) {
    log::info("smg::ratelimit", "Redis reachable again: rate limits are cluster-wide again");
  }
  Decision decision;
  decision.store = this;
  decision.allowed = number_of(reply->elements[0]) == 1;
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    BucketState state{number_of(reply->elements[1 + 2 * i]), number_of(reply->elements[2 + 2 * i]),
                      0};
    decision.scopes.push_back(check(state, scopes[i].limits, tokens, 1));
  }
  return decision;
}

void RedisLimiterStore::settle(const std::vector<ScopeRequest>& scopes, double delta) {
  if (delta == 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= options_.settle_queue_size) {
      settle_dropped_.inc();
      return;
    }
    queue_.push_back({scopes, delta});
  }
  changed_.notify_all();
}

void RedisLimiterStore::send_settlement(const Settlement& settlement) {
  auto reply = client_.eval(kSettle, keys_of(settlement.scopes),
                            args_of(settlement.scopes, settlement.delta));
  // Redis gone: the settlement is lost (the reservation stays the charge); nothing to retry.
  (void)reply;
}

void RedisLimiterStore::settle_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    Settlement next = std::move(queue_.front());
    queue_.pop_front();
    ++sending_;
    lock.unlock();
    send_settlement(next);
    lock.lock();
    --sending_;
    changed_.notify_all();
  }
}

void RedisLimiterStore::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.empty() && sending_ == 0; });
}

}  // namespace smg::ratelimit
