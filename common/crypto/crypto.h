// Encoding and crypto helpers on OpenSSL: base64url, SHA-256, HMAC-SHA-256, secure random bytes,
// constant-time equality, and Secret (a string wiped from memory when it dies).
//
// base64url_decode is strict (RFC 7515 §2 / RFC 4648 §5 without padding): padding, whitespace,
// non-alphabet bytes and impossible lengths are errors, so one token has exactly one encoding.
// Thread-safety: all functions are thread-safe.
//
//   auto raw = smg::crypto::base64url_decode("eyJhbGciOiJSUzI1NiJ9");
//   std::string digest = smg::crypto::sha256_hex("secret");   // 64 lowercase hex chars
//   bool same = smg::crypto::constant_time_equal(a, b);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::crypto {

std::string base64url_encode(std::string_view bytes);
// Rejects '=', whitespace, any byte outside [A-Za-z0-9_-], a length of 1 mod 4, and non-zero
// trailing bits (non-canonical encodings).
Result<std::string> base64url_decode(std::string_view text);

// Standard base64 (RFC 4648 §4) with padding, as used in HTTP Basic.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

// Raw 32-byte digest and its 64-character lowercase hex form.
std::string sha256(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);
std::string hmac_sha256(std::string_view key, std::string_view message);

std::string to_hex(std::string_view bytes);
// Accepts upper or lower case; odd lengths and non-hex characters are errors.
Result<std::string> from_hex(std::string_view hex);

// Cryptographically secure bytes from OpenSSL's DRBG. Aborts if the DRBG fails: continuing without
// randomness would hand out guessable keys and session ids.
std::string random_bytes(std::size_t count);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Overwrites the string's bytes (OPENSSL_cleanse) and empties it.
void secure_erase(std::string& text);

// A secret string (key, password, token) that is wiped when destroyed or reassigned. It has no
// stream operator, so it cannot be logged by accident.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.value_.clear(); }
  Secret& operator=(Secret other) noexcept {
    secure_erase(value_);
    value_.swap(other.value_);
    return *this;
  }
  ~Secret() { secure_erase(value_); }

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::size_t size() const { return value_.size(); }

 private:
  std::string value_;
};

}  // namespace smg::crypto
