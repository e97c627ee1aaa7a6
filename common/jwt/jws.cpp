#include "common/jwt/jws.h"

#include <array>

#include "common/crypto/crypto.h"
#include "common/jwt/jwt_error.h"

namespace smg::jwt {
namespace {

// Splits into exactly three parts; a fourth dot (JWE has five parts) is malformed.
bool split_compact(std::string_view token, std::array<std::string_view, 3>& parts) {
  std::size_t first = token.find('.');
  if (first == std::string_view::npos) {
    return false;
  }
  std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return false;
  }
  parts = {token.substr(0, first), token.substr(first + 1, second - first - 1),
           token.substr(second + 1)};
  return true;
}

Result<nlohmann::json> decode_object(std::string_view part) {
  auto bytes = crypto::base64url_decode(part);
  if (!bytes.ok()) {
    return to_status(JwtError::kBadBase64);
  }
  auto doc = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return to_status(JwtError::kMalformed);
  }
  return doc;
}

Status check_header(const nlohmann::json& header) {
  if (header.contains("crit")) {
    return to_status(JwtError::kCritUnsupported);
  }
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return to_status(JwtError::kMalformed);
  }
  auto kid = header.find("kid");
  if (kid != header.end() && !kid->is_string()) {
    return to_status(JwtError::kMalformed);
  }
  return Status::ok_status();
}

}  // namespace

Result<Jws> parse_jws(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) {
    return to_status(JwtError::kTooLarge);
  }
  std::array<std::string_view, 3> parts;
  if (!split_compact(token, parts) || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return to_status(JwtError::kMalformed);
  }
  Jws jws;
  auto signature = crypto::base64url_decode(parts[2]);
  if (!signature.ok()) {
    return to_status(JwtError::kBadBase64);
  }
  jws.signature = std::move(*signature);
  auto header = decode_object(parts[0]);
  if (!header.ok()) {
    return header.status();
  }
  auto payload = decode_object(parts[1]);
  if (!payload.ok()) {
    return payload.status();
  }
  if (Status s = check_header(*header); !s.ok()) {
    return s;
  }
  jws.header = std::move(*header);
  jws.payload = std::move(*payload);
  jws.alg = jws.header["alg"].get<std::string>();
  if (auto kid = jws.header.find("kid"); kid != jws.header.end()) {
    jws.kid = kid->get<std::string>();
    jws.has_kid = true;
  }
  jws.signing_input = std::string(token.substr(0, parts[0].size() + 1 + parts[1].size()));
  return jws;
}

}  // namespace smg::jwt
