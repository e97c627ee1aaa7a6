#include "common/oidc/authorization_response.h"

#include <iterator>

#include "common/crypto/crypto.h"

namespace smg::oidc {
namespace {

// One value per name: a repeated parameter is as suspicious as a wrong one (RFC 6749 §3.1).
const std::string* single(const std::multimap<std::string, std::string>& params,
                          const std::string& name, bool& repeated) {
  auto [begin, end] = params.equal_range(name);
  if (begin == end) return nullptr;
  if (std::next(begin) != end) repeated = true;
  return &begin->second;
}

// The provider's error code, if it is a plain token: it is shown to the user.
std::string safe_code(const std::string& error) {
  for (char c : error) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!plain) return "invalid_response";
  }
  return error.substr(0, 64);
}

}  // namespace

Result<std::string> authorization_code_from_redirect(
    const std::multimap<std::string, std::string>& params, std::string_view expected_state) {
  bool repeated = false;
  const std::string* state = single(params, "state", repeated);
  const std::string* code = single(params, "code", repeated);
  const std::string* error = single(params, "error", repeated);
  if (repeated || state == nullptr || expected_state.empty() ||
      !crypto::constant_time_equal(*state, expected_state)) {
    return Status(Code::kFailedPrecondition, "oidc_state_mismatch",
                  "the login redirect did not carry this login's state: refused");
  }
  if (error != nullptr) {
    return Status(Code::kPermissionDenied, "oidc_login_denied",
                  "the identity provider ended the login: " + safe_code(*error));
  }
  if (code == nullptr || code->empty()) {
    return Status(Code::kFailedPrecondition, "oidc_code_missing",
                  "the login redirect carried no code");
  }
  return *code;
}

}  // namespace smg::oidc
