#include "common/jwks/jwks_cache.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "common/crypto/crypto.h"

namespace smg::jwks {
namespace {

Status unavailable_status() {
  return unavailable("jwks_unavailable", "the identity provider's keys are unavailable");
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::chrono::seconds ttl_from_cache_control(std::string_view cache_control,
                                            const JwksCacheOptions& options) {
  std::string value = lower(cache_control);
  std::string_view rest = value;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view directive = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (directive == "no-store" || directive == "no-cache") {
      return options.default_ttl;
    }
    if (!directive.starts_with("max-age=")) {
      continue;
    }
    std::string_view number = directive.substr(8);
    long long seconds = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), seconds);
    if (error != std::errc() || end != number.data() + number.size() || seconds < 0) {
      return options.default_ttl;
    }
    return std::clamp(std::chrono::seconds(seconds), options.min_ttl, options.max_ttl);
  }
  return options.default_ttl;
}

JwksCache::JwksCache(JwksCacheOptions options, const http::HttpClient& client, const Clock& clock)
    : options_(std::move(options)), client_(client), clock_(clock) {}

Result<KeySetPtr> JwksCache::key_set() {
  {
    std::lock_guard lock(mutex_);
    if (set_ && clock_.steady_now() < expires_at_) {
      return set_;
    }
  }
  return refresh(Trigger::kExpired);
}

Result<KeySetPtr> JwksCache::key_set_for_kid(std::string_view kid) {
  auto current = key_set();
  if (!current.ok() || (*current)->find(kid) != nullptr) {
    return current;
  }
  return refresh(Trigger::kKidMiss, kid);
}

Result<Jwk> JwksCache::find_key(std::string_view kid) {
  auto set = key_set_for_kid(kid);
  if (!set.ok()) {
    return set.status();
  }
  if (const Jwk* key = (*set)->find(kid)) {
    return *key;
  }
  // The JWT layer answers its own jwt_unknown_kid when verifying; this is the cache's lookup.
  return Status(Code::kNotFound, "jwks_unknown_kid", "no key with that kid in the issuer's set");
}

uint64_t JwksCache::generation() const { return generation_.load(std::memory_order_acquire); }

uint64_t JwksCache::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetch_count_;
}

// A start-up or expiry fetch leaves the kid-miss cooldown alone: a key published just after
// start-up must not wait for it. Only a failure holds every kind of fetch off.
bool JwksCache::should_fetch_locked(Trigger trigger, std::string_view kid, TimePoint now) const {
  if (now < retry_after_) {
    return false;
  }
  if (trigger == Trigger::kExpired) {
    return !set_ || now >= expires_at_;
  }
  if (set_ && set_->find(kid) != nullptr) {
    return false;  // a fetch this thread waited for brought the kid
  }
  return !last_kid_miss_fetch_ || now - *last_kid_miss_fetch_ >= options_.kid_miss_cooldown;
}

Result<KeySetPtr> JwksCache::current_or_unavailable_locked() const {
  if (set_) {
    return set_;
  }
  return unavailable_status();
}

// Single-flight: one thread fetches, the others wait for its outcome instead of fetching too, and
// then judge again with it (an expiry fetch that did not bring a new kid leaves that kid its own
// refetch; a kid-miss fetch or a failure holds the waiters off).
Result<KeySetPtr> JwksCache::refresh(Trigger trigger, std::string_view kid) {
  std::unique_lock lock(mutex_);
  fetch_done_.wait(lock, [this] { return !fetching_; });
  TimePoint now = clock_.steady_now();
  if (!should_fetch_locked(trigger, kid, now)) {
    return current_or_unavailable_locked();
  }
  fetching_ = true;
  if (trigger == Trigger::kKidMiss) {
    last_kid_miss_fetch_ = now;
  }
  ++fetch_count_;
  lock.unlock();

  Result<KeySetPtr> fetched = unavailable_status();
  std::string fingerprint;
  std::chrono::seconds ttl = options_.default_ttl;
  auto uri = resolve_jwks_uri();
  auto response = uri.ok() ? fetch(*uri) : Result<http::Response>(uri.status());
  if (response.ok()) {
    auto parsed = JwkSet::parse(response->body);
    if (parsed.ok()) {
      fetched = KeySetPtr(std::make_shared<const JwkSet>(std::move(*parsed)));
      fingerprint = crypto::sha256(response->body);
      ttl = ttl_from_cache_control(response->header("cache-control"), options_);
    }
  }

  lock.lock();
  fetching_ = false;
  if (fetched.ok()) {
    store_locked(*fetched, fingerprint, ttl, now);
  } else {
    retry_after_ = now + options_.kid_miss_cooldown;
  }
  fetch_done_.notify_all();
  return current_or_unavailable_locked();
}

void JwksCache::store_locked(KeySetPtr set, const std::string& fingerprint,
                             std::chrono::seconds ttl, TimePoint now) {
  if (fingerprint != fingerprint_) {
    generation_.fetch_add(1, std::memory_order_release);
    fingerprint_ = fingerprint;
  }
  set_ = std::move(set);
  expires_at_ = now + ttl;
}

Result<http::Response> JwksCache::fetch(const std::string& url) const {
  if (Status s = http::check_fetch_url(url); !s.ok()) {
    return s;
  }
  http::Request request;
  request.url = url;
  request.headers["Accept"] = "application/json";
  request.timeout = options_.timeout;
  request.max_response_bytes = options_.max_response_bytes;
  request.follow_redirects = false;
  request.tls = options_.tls;
  auto response = client_.send(request);
  if (!response.ok()) {
    return response;
  }
  if (response->status != 200 || response->body.size() > options_.max_response_bytes) {
    return unavailable("jwks_fetch_failed", "identity provider answered with an error");
  }
  return response;
}

// The explicit jwks_uri, or the one discovered from the issuer (remembered once found).
Result<std::string> JwksCache::resolve_jwks_uri() {
  if (!options_.jwks_uri.empty()) {
    return options_.jwks_uri;
  }
  {
    std::lock_guard lock(mutex_);
    if (!jwks_uri_.empty()) {
      return jwks_uri_;
    }
  }
  std::string base = options_.issuer;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  auto response = fetch(base + "/.well-known/openid-configuration");
  if (!response.ok()) {
    return response.status();
  }
  auto doc = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  bool valid = !doc.is_discarded() && doc.is_object() && doc.contains("issuer") &&
               doc["issuer"].is_string() && doc["issuer"] == options_.issuer &&
               doc.contains("jwks_uri") && doc["jwks_uri"].is_string();
  if (!valid) {
    return unavailable("oidc_discovery_invalid", "discovery document is invalid or mismatched");
  }
  std::string uri = doc["jwks_uri"].get<std::string>();
  std::lock_guard lock(mutex_);
  jwks_uri_ = uri;
  return uri;
}

}  // namespace smg::jwks
