#include "common/basic/basic_authenticator.h"

#include <algorithm>

#include "common/basic/basic_header.h"
#include "common/bcrypt/bcrypt.h"

namespace smg::basic {
namespace {

Status invalid_credentials() {
  return unauthenticated("basic_invalid", "invalid username or password");
}

}  // namespace

Result<std::unique_ptr<BasicAuthenticator>> BasicAuthenticator::build(std::vector<BasicUser> users,
                                                                       BasicOptions options,
                                                                       const Clock& clock) {
  if (users.empty()) {
    return invalid_argument("basic_no_users", "basic.users: at least one user is required");
  }
  int cost = bcrypt::kMinCost;
  for (std::size_t i = 0; i < users.size(); ++i) {
    auto user_cost = bcrypt::parse_cost(users[i].password_hash);
    if (!user_cost.ok()) {
      return invalid_argument("basic_bad_hash", "basic.users[" + std::to_string(i) + "] (" +
                                                    users[i].username +
                                                    "): password hash is not a bcrypt hash");
    }
    cost = std::max(cost, *user_cost);
    for (std::size_t j = 0; j < i; ++j) {
      if (users[j].username == users[i].username) {
        return invalid_argument("basic_duplicate_user", "basic.users[" + std::to_string(i) +
                                                            "]: duplicate username " +
                                                            users[i].username);
      }
    }
  }
  // The dummy has the highest configured cost so an unknown user is never the fast path.
  auto dummy = bcrypt::dummy_hash(cost);
  if (!dummy.ok()) return dummy.status();
  return std::unique_ptr<BasicAuthenticator>(
      new BasicAuthenticator(std::move(users), options, clock, std::move(*dummy)));
}

BasicAuthenticator::BasicAuthenticator(std::vector<BasicUser> users, BasicOptions options,
                                       const Clock& clock, std::string dummy_hash)
    : users_(std::move(users)), options_(options), clock_(clock),
      dummy_hash_(std::move(dummy_hash)), hmac_key_(crypto::random_bytes(32)) {}

std::string BasicAuthenticator::cache_key(const BasicUser& user, std::string_view password) const {
  std::string material = user.username;
  material += '\0';
  material += password;
  material += '\0';
  material += user.password_hash;
  std::string key = crypto::hmac_sha256(hmac_key_.reveal(), material);
  crypto::secure_erase(material);
  return key;
}

bool BasicAuthenticator::cache_hit(const std::string& key) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return false;
  if (it->second->second <= clock_.now_seconds()) {
    cache_lru_.erase(it->second);
    cache_.erase(it);
    return false;
  }
  cache_lru_.splice(cache_lru_.begin(), cache_lru_, it->second);
  return true;
}

void BasicAuthenticator::cache_store(const std::string& key) {
  std::lock_guard lock(cache_mutex_);
  if (cache_.count(key) != 0) return;
  cache_lru_.emplace_front(key, clock_.now_seconds() + options_.cache_ttl.count());
  cache_[key] = cache_lru_.begin();
  while (cache_lru_.size() > options_.cache_entries) {
    cache_.erase(cache_lru_.back().first);
    cache_lru_.pop_back();
  }
}

Result<bool> BasicAuthenticator::bounded_verify(std::string_view password,
                                                const std::string& hash) {
  {
    std::unique_lock lock(bcrypt_mutex_);
    bool admitted = bcrypt_freed_.wait_for(lock, options_.bcrypt_queue_timeout, [&] {
      return bcrypt_running_ < options_.max_concurrent_bcrypt;
    });
    if (!admitted) {
      return Status(Code::kResourceExhausted, "basic_busy",
                    "too many password checks in progress; retry shortly");
    }
    ++bcrypt_running_;
    ++bcrypt_runs_;
  }
  auto matched = bcrypt::verify_password(password, hash);
  {
    std::lock_guard lock(bcrypt_mutex_);
    --bcrypt_running_;
  }
  bcrypt_freed_.notify_one();
  return matched;
}

Result<BasicIdentity> BasicAuthenticator::authenticate(std::string_view header_value) {
  auto credentials = parse_basic_header(header_value);
  if (!credentials.ok()) return credentials.status();
  const std::string& password = credentials->password.reveal();
  auto user = std::find_if(users_.begin(), users_.end(), [&](const BasicUser& u) {
    return crypto::constant_time_equal(u.username, credentials->username);
  });
  if (user == users_.end()) {
    auto spent = bounded_verify(password, dummy_hash_);  // same time as a real user
    if (!spent.ok()) return spent.status();
    return invalid_credentials();
  }
  std::string key = cache_key(*user, password);
  if (!cache_hit(key)) {
    auto matched = bounded_verify(password, user->password_hash);
    if (!matched.ok()) return matched.status();
    if (!*matched) return invalid_credentials();
    cache_store(key);
  }
  return BasicIdentity{user->username, user->subject, user->domain, user->permissions};
}

uint64_t BasicAuthenticator::bcrypt_runs() const {
  std::lock_guard lock(bcrypt_mutex_);
  return bcrypt_runs_;
}

}  // namespace smg::basic
