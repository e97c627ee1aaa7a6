#include "cli/login/session_refresh.h"

#include "common/oidc/token_client.h"

namespace smg::cli {
namespace {

void apply(OidcTokens& stored, oidc::TokenSet fresh) {
  stored.access_token = crypto::Secret(std::move(fresh.access_token));
  stored.refresh_token = crypto::Secret(std::move(fresh.refresh_token));
  if (!fresh.id_token.empty()) stored.id_token = crypto::Secret(std::move(fresh.id_token));
  stored.expires_at = fresh.expires_at;
}

}  // namespace

bool needs_refresh(const OidcTokens& tokens, int64_t now_seconds) {
  if (tokens.access_token.empty()) return true;
  return tokens.expires_at != 0 && tokens.expires_at - now_seconds < kRefreshMarginSeconds;
}

Result<std::string> fresh_access_token(ContextStore& store, const std::string& context_name,
                                       const http::HttpClient& http, const Clock& clock) {
  std::string bearer;
  Status updated = store.update_credential(context_name, [&](Credential& credential) -> Status {
    if (!credential.oidc) {
      return not_found("oidc_session_missing",
                       "context " + context_name + " holds no login session");
    }
    OidcTokens& tokens = *credential.oidc;
    if (!needs_refresh(tokens, clock.now_seconds())) {
      bearer = tokens.access_token.reveal();  // fresh already (maybe another process refreshed)
      return Status::ok_status();
    }
    oidc::ClientRegistration client;
    client.client_id = tokens.client_id;
    auto fresh = oidc::refresh_tokens(http, clock, tokens.token_endpoint, client,
                                      tokens.refresh_token.reveal());
    bool still_valid = tokens.expires_at > clock.now_seconds();
    if (!fresh.ok() && fresh.status().code() != Code::kUnauthenticated && still_valid) {
      // The provider is unreachable but the token has seconds left: use them.
      bearer = tokens.access_token.reveal();
      return Status::ok_status();
    }
    if (!fresh.ok()) return fresh.status();
    bearer = fresh->access_token;
    apply(tokens, std::move(*fresh));
    return Status::ok_status();
  });
  if (!updated.ok()) return updated;
  return bearer;
}

std::string session_expired_message(const std::string& context_name) {
  return "session for context " + context_name +
         " expired or was revoked: run `smgctl login` again";
}

}  // namespace smg::cli
