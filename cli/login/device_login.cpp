// smgctl login --device: RFC 8628 from a terminal.
#include <thread>

#include "cli/login/login_flow.h"

namespace smg::cli {

bool sleep_for_real(std::chrono::seconds duration) {
  std::this_thread::sleep_for(duration);
  return true;
}

Result<oidc::TokenSet> device_login(const LoginSeams& seams, const oidc::ProviderMetadata& metadata,
                                    const oidc::ClientRegistration& client, std::ostream& prompt) {
  auto started = oidc::start_device_authorization(seams.http, seams.clock, metadata, client);
  if (!started.ok()) return started.status();
  prompt << "To log in, open " << started->verification_uri << "\n"
         << "and enter the code: " << started->user_code << "\n";
  if (!started->verification_uri_complete.empty()) {
    prompt << "(or open " << started->verification_uri_complete << ")\n";
  }
  prompt << "Waiting for the login to be approved..." << std::endl;
  return oidc::poll_device_token(seams.http, seams.clock, seams.sleep, metadata.token_endpoint,
                                 client, *started);
}

}  // namespace smg::cli
