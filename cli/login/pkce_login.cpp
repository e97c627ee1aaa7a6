// smgctl login --pkce: Authorization Code + PKCE S256 with a loopback redirect (RFC 8252 §7.3).
#include <algorithm>

#include "cli/login/browser.h"
#include "cli/login/login_flow.h"
#include "cli/login/loopback_receiver.h"
#include "common/crypto/crypto.h"
#include "common/oidc/pkce.h"
#include "common/oidc/token_client.h"

namespace smg::cli {
namespace {

// Providers that list their PKCE methods must list S256; one that lists none may still do it
// (the code exchange then fails loudly if it does not).
bool supports_s256(const oidc::ProviderMetadata& metadata) {
  const auto& methods = metadata.code_challenge_methods_supported;
  return methods.empty() || std::find(methods.begin(), methods.end(), "S256") != methods.end();
}

std::string random_token() { return crypto::base64url_encode(crypto::random_bytes(32)); }

}  // namespace

Result<oidc::TokenSet> pkce_login(const LoginSeams& seams, const oidc::ProviderMetadata& metadata,
                                  oidc::ClientRegistration client, const PkceOptions& options,
                                  std::ostream& prompt) {
  if (!supports_s256(metadata)) {
    return Status(Code::kFailedPrecondition, "oidc_pkce_unsupported",
                  "the identity provider does not offer PKCE S256 (try --device)");
  }
  oidc::AuthorizationRequest request{random_token(), random_token(), ""};
  oidc::Pkce pkce = oidc::make_pkce();
  request.code_challenge = pkce.challenge;
  auto receiver = LoopbackReceiver::start(request.state);
  if (!receiver.ok()) return receiver.status();
  client.redirect_uri = (*receiver)->redirect_uri();
  std::string url = oidc::authorization_url(metadata, client, request);
  bool opened = options.open_browser && open_in_browser(url);
  prompt << (opened ? "Opened your browser to log in. If it did not open, visit:\n"
                    : "To log in, open this URL in a browser:\n")
         << "  " << url << "\n"
         << "Waiting for the login (redirect to " << client.redirect_uri << ")..." << std::endl;
  auto code = (*receiver)->wait_for_code(options.timeout);
  receiver->reset();
  if (!code.ok()) return code.status();
  return oidc::exchange_code_for_tokens(seams.http, seams.clock, metadata, client, *code,
                                        pkce.verifier);
}

}  // namespace smg::cli
