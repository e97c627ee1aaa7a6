// CallerConfig: one data-plane caller token as configured (`server.callers` in the YAML),
// read by the serve config and built into a CallerTokenStore (caller_tokens.h). Here, in the
// auth layer, so that auth needs nothing from the gateway that is built on it.
#pragma once

#include <string>

namespace smg::server {

// A data-plane caller token (`server.callers`): subject `caller:<token_id>`.
struct CallerConfig {
  std::string token_id;
  std::string token_sha256_hex;  // from token_sha256, or the SHA-256 of $token_env
  std::string domain;            // <project>/<env>
  std::string status = "active";  // active | disabled | suspended | expired | rotated
  bool metrics_admin = false;     // grants `metrics, read` in domain
  bool content_admin = false;     // grants `content:capture, delete|purge` in domain
};

}  // namespace smg::server
