#include "common/bcrypt/bcrypt.h"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>

#include "common/crypto/crypto.h"

namespace smg::bcrypt {
namespace {

constexpr std::size_t kHashLength = 60;        // "$2b$12$" + 22 salt + 31 digest characters
constexpr std::size_t kSaltEntropyBytes = 16;  // bcrypt's salt is 128 bits

bool is_bcrypt_base64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Status malformed() {
  return invalid_argument("malformed_bcrypt_hash",
                          "not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost and 53 "
                          "characters)");
}

// struct crypt_data is 32 KiB: too big for small thread stacks, so it lives on the heap and is
// wiped afterwards because it holds the password's key schedule.
struct CryptData {
  CryptData() : data(std::make_unique<crypt_data>()) {}
  ~CryptData() { OPENSSL_cleanse(data.get(), sizeof(crypt_data)); }
  CryptData(const CryptData&) = delete;
  CryptData& operator=(const CryptData&) = delete;
  std::unique_ptr<crypt_data> data;
};

Status check_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return invalid_argument("password_too_long",
                            "password is longer than 72 bytes (bcrypt would ignore the rest)");
  }
  if (password.find('\0') != std::string_view::npos) {
    return invalid_argument("password_has_nul", "password contains a NUL byte");
  }
  return Status::ok_status();
}

// Runs crypt_rn with `setting` (a salt or a full hash); empty on failure.
std::string run_crypt(std::string_view password, const std::string& setting) {
  crypto::Secret phrase{std::string(password)};  // crypt_rn needs a NUL-terminated copy
  CryptData scratch;
  const char* out =
      crypt_rn(phrase.reveal().c_str(), setting.c_str(), scratch.data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') {
    return {};
  }
  return std::string(out);
}

}  // namespace

Result<int> parse_cost(std::string_view hash) {
  if (hash.size() != kHashLength || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' ||
      hash[6] != '$') {
    return malformed();
  }
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') {
    return malformed();
  }
  if (!is_digit(hash[4]) || !is_digit(hash[5])) {
    return malformed();
  }
  for (char c : hash.substr(7)) {
    if (!is_bcrypt_base64(c)) {
      return malformed();
    }
  }
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < kMinCost || cost > kMaxCost) {
    return malformed();
  }
  return cost;
}

Result<std::string> hash_password(std::string_view password, int cost) {
  if (cost < kMinCost || cost > kMaxCost) {
    return invalid_argument("bad_bcrypt_cost", "bcrypt cost must be between 4 and 31");
  }
  if (Status status = check_password(password); !status.ok()) {
    return status;
  }
  std::string entropy = crypto::random_bytes(kSaltEntropyBytes);
  char salt[CRYPT_GENSALT_OUTPUT_SIZE] = {};
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), entropy.data(),
                       static_cast<int>(entropy.size()), salt, sizeof(salt)) == nullptr) {
    return internal_error("bcrypt_failed", "could not make a bcrypt salt");
  }
  std::string hash = run_crypt(password, salt);
  if (hash.size() != kHashLength) {
    return internal_error("bcrypt_failed", "bcrypt hashing failed");
  }
  return hash;
}

Result<bool> verify_password(std::string_view password, std::string_view hash) {
  if (Result<int> cost = parse_cost(hash); !cost.ok()) {
    return cost.status();
  }
  if (!check_password(password).ok()) {
    return false;
  }
  std::string recomputed = run_crypt(password, std::string(hash));
  if (recomputed.empty()) {
    return malformed();  // libxcrypt refused the setting, e.g. a non-canonical salt
  }
  return crypto::constant_time_equal(recomputed, hash);
}

Result<std::string> dummy_hash(int cost) {
  // Nobody knows this password, so nothing verifies against the hash.
  crypto::Secret password{crypto::base64url_encode(crypto::random_bytes(32))};
  return hash_password(password.reveal(), cost);
}

}  // namespace smg::bcrypt
