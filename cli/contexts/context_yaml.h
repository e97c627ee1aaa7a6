// The on-disk shapes of config.yaml and credentials.yaml, and their YAML (yaml-cpp):
//
//   # config.yaml                      # credentials.yaml
//   current-context: prod              credentials:
//   contexts:                            prod:
//     - name: prod                         token: smg_...
//       server: https://gw.example        lab:
//       cacert: /etc/ssl/lab.pem            oidc: {issuer: ..., client_id: ..., access_token: ...,
//       insecure: false                            refresh_token: ..., id_token: ..., expires_at:
//       0,
//                                                  token_endpoint: ..., revocation_endpoint: ...}
// Unknown keys are ignored (a newer smgctl may add some); wrong types are errors naming the file
// and key, never a value. Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/contexts/context.h"
#include "common/status.h"

namespace smg::cli {

struct ContextConfig {
  std::vector<Context> contexts;
  std::string current_context;  // empty when none is chosen
};

using CredentialMap = std::map<std::string, Credential>;

// `path` only names the file in error messages.
Result<ContextConfig> parse_context_config(const std::string& text, const std::string& path);
std::string encode_context_config(const ContextConfig& config);

Result<CredentialMap> parse_credentials(const std::string& text, const std::string& path);
std::string encode_credentials(const CredentialMap& credentials);

}  // namespace smg::cli
