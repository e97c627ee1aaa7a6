// smgctl login | logout: OIDC tokens for a context, from the device flow (RFC 8628)
// or Authorization Code + PKCE with a loopback redirect (RFC 8252); logout forgets them and
// revokes the refresh token where the provider offers revocation (RFC 7009).
//
// The context is --context, else the current one, else "default"; a new context needs --server.
// --issuer and --client-id may be left out when the context already holds a session from them.
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/usage/duration_option.h"
#include "cli/contexts/context_store.h"
#include "cli/exit_codes.h"
#include "cli/input/password_input.h"
#include "cli/login/browser.h"
#include "cli/login/login_flow.h"
#include "common/jwt/jws.h"
#include "common/oidc/discovery.h"
#include "common/oidc/token_client.h"

namespace smg::cli {
namespace {

struct LoginOptions {
  std::string issuer;
  std::string client_id;
  bool device = false;
  bool pkce = false;
  bool no_browser = false;
  bool client_secret_stdin = false;
  std::vector<std::string> scopes;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

ContextStore open_store() {
  auto store = ContextStore::open(ContextStore::default_dir());
  if (!store.ok()) throw UsageError(store.status().message());
  return std::move(*store);
}

std::string chosen_name(const CliContext& context, const ContextStore& store) {
  if (!context.global.context.empty()) return context.global.context;
  return store.current_name().empty() ? "default" : store.current_name();
}

// The context the tokens will belong to: an existing one (its server replaced by --server) or a
// new one, which needs --server. Checked before the login so no approval is wasted.
Context target_context(const CliContext& context, const ContextStore& store,
                       const std::string& name) {
  Context target = store.find(name).value_or(Context{name, "", "", false});
  std::string server = context.global.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  if (!server.empty()) target.server = server;
  if (!context.global.cacert.empty()) target.cacert = context.global.cacert;
  if (context.global.insecure) target.insecure = true;
  if (target.server.empty()) {
    throw UsageError("context " + name + " does not exist yet: pass --server URL to create it");
  }
  if (!valid_context_name(name)) throw UsageError("invalid context name: " + name);
  return target;
}

// Issuer and client id from the flags, else from the context's previous login.
void fill_from_previous_login(LoginOptions& options, const ContextStore& store,
                              const std::string& name) {
  if (!options.issuer.empty() && !options.client_id.empty()) return;
  auto credential = store.credential(name);
  if (credential.ok() && credential->oidc) {
    if (options.issuer.empty()) options.issuer = credential->oidc->issuer;
    if (options.client_id.empty()) options.client_id = credential->oidc->client_id;
  }
  if (options.issuer.empty() || options.client_id.empty()) {
    throw UsageError("--issuer URL and --client-id ID are required for a first login");
  }
}

oidc::ClientRegistration client_registration(CliContext& context, const LoginOptions& options) {
  oidc::ClientRegistration client;
  client.client_id = options.client_id;
  client.scopes =
      options.scopes.empty() ? std::vector<std::string>{"offline_access"} : options.scopes;
  if (options.client_secret_stdin) {
    client.client_secret = read_password(context, {false, "Client secret: "});
  }
  return client;
}

Result<oidc::TokenSet> run_flow(CliContext& context, const LoginOptions& options,
                                const http::HttpClient& http,
                                const oidc::ProviderMetadata& metadata,
                                const oidc::ClientRegistration& client) {
  LoginSeams seams{http, SystemClock::instance(), sleep_for_real};
  bool can_open = browser_available() && !options.no_browser;
  bool use_device = options.device || (!options.pkce && !can_open);
  if (use_device) return device_login(seams, metadata, client, *context.err);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.timeout);
  if (seconds.count() < 1 || seconds.count() > 3600) {
    throw UsageError("login --timeout must be between 1s and 1h");
  }
  PkceOptions pkce{can_open, seconds};
  return pkce_login(seams, metadata, client, pkce, *context.err);
}

// Who the provider says logged in, for the confirmation line only: unverified, never trusted.
std::string subject_of(const oidc::TokenSet& tokens) {
  for (const std::string* token : {&tokens.id_token, &tokens.access_token}) {
    auto jws = jwt::parse_jws(*token);
    if (!jws.ok()) continue;
    auto sub = jws->payload.find("sub");
    if (sub != jws->payload.end() && sub->is_string()) return sub->get<std::string>();
  }
  return "";
}

OidcTokens to_stored(const LoginOptions& options, const oidc::ProviderMetadata& metadata,
                     oidc::TokenSet tokens) {
  OidcTokens stored;
  stored.issuer = options.issuer;
  stored.client_id = options.client_id;
  stored.access_token = crypto::Secret(std::move(tokens.access_token));
  stored.refresh_token = crypto::Secret(std::move(tokens.refresh_token));
  stored.id_token = crypto::Secret(std::move(tokens.id_token));
  stored.expires_at = tokens.expires_at;
  stored.token_endpoint = metadata.token_endpoint;
  stored.revocation_endpoint = metadata.revocation_endpoint;
  return stored;
}

void print_login(CliContext& context, const Context& target, const std::string& issuer,
                 const std::string& subject, int64_t expires_at) {
  if (context.json_output()) {
    nlohmann::json doc{{"context", target.name},
                       {"server", target.server},
                       {"issuer", issuer},
                       {"subject", subject},
                       {"expires_at", expires_at}};
    *context.out << doc.dump(2) << "\n";
    return;
  }
  *context.out << "Logged in" << (subject.empty() ? "" : " as " + subject) << " at " << issuer
               << "; context " << target.name << " (" << target.server << ")\n";
}

void run_login(CliContext& context, LoginOptions options) {
  if (options.device && options.pkce) throw UsageError("--device and --pkce exclude each other");
  ContextStore store = open_store();
  const std::string name = chosen_name(context, store);
  Context target = target_context(context, store, name);
  fill_from_previous_login(options, store, name);
  oidc::ClientRegistration client = client_registration(context, options);
  auto http = http::make_curl_client();
  auto metadata = oidc::discover(*http, options.issuer);
  if (!metadata.ok()) throw CommandError(kExitFailure, metadata.status().message());
  auto tokens = run_flow(context, options, *http, *metadata, client);
  if (!tokens.ok()) {
    throw CommandError(exit_code_for(tokens.status()),
                       "login failed: " + tokens.status().message());
  }
  std::string subject = subject_of(*tokens);
  int64_t expires_at = tokens->expires_at;
  Credential credential;
  credential.oidc = to_stored(options, *metadata, std::move(*tokens));
  if (Status saved = store.set_context(target); !saved.ok()) {
    throw CommandError(kExitFailure, saved.message());
  }
  if (Status saved = store.save_credential(name, credential); !saved.ok()) {
    throw CommandError(kExitFailure, saved.message());
  }
  print_login(context, target, options.issuer, subject, expires_at);
}

// RFC 7009 at the provider, best effort: the local tokens go either way.
void revoke_at_provider(CliContext& context, const OidcTokens& tokens) {
  if (tokens.revocation_endpoint.empty()) return;
  bool has_refresh = !tokens.refresh_token.empty();
  const crypto::Secret& token = has_refresh ? tokens.refresh_token : tokens.access_token;
  if (token.empty()) return;
  oidc::ClientRegistration client;
  client.client_id = tokens.client_id;
  auto http = http::make_curl_client();
  Status revoked = oidc::revoke_token(*http, tokens.revocation_endpoint, client, token.reveal(),
                                      has_refresh ? "refresh_token" : "access_token");
  if (!revoked.ok()) {
    *context.err << "smgctl: warning: " << revoked.message() << "\n";
  }
}

void run_logout(CliContext& context) {
  ContextStore store = open_store();
  std::string name = context.global.context.empty() ? store.current_name() : context.global.context;
  if (name.empty() || !store.find(name)) {
    throw UsageError(name.empty() ? "no current context: pass --context NAME"
                                  : "no context named \"" + name + "\"");
  }
  auto credential = store.credential(name);
  if (!credential.ok()) throw CommandError(kExitFailure, credential.status().message());
  if (credential->empty()) {
    *context.out << "Not logged in; context " << name << " holds no credential\n";
    return;
  }
  if (credential->oidc) revoke_at_provider(context, *credential->oidc);
  if (Status forgot = store.forget_credential(name); !forgot.ok()) {
    throw CommandError(kExitFailure, forgot.message());
  }
  *context.out << "Logged out; context " << name << " holds no credential now\n";
}

}  // namespace

void register_login_commands(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<LoginOptions>();
  auto* login = app.add_subcommand("login", "Log in with OIDC and store the tokens in a context");
  login->add_option("--issuer", options->issuer, "OpenID provider (issuer URL)");
  login->add_option("--client-id", options->client_id, "OAuth client id registered for smgctl");
  login->add_flag("--device", options->device, "Device authorization grant (RFC 8628)");
  login->add_flag("--pkce", options->pkce,
                  "Authorization code + PKCE with a loopback redirect (default with a browser)");
  login->add_option("--scope", options->scopes, "Scopes besides openid (default: offline_access)");
  login->add_flag("--no-browser", options->no_browser, "Print the URL, never open a browser");
  login->add_flag("--client-secret-stdin", options->client_secret_stdin,
                  "Read a client secret from stdin (confidential clients only)");
  add_duration_option(*login, "--timeout", options->timeout,
                      "How long to wait for the browser login (--pkce; 90, 30s, 5m)", "5m");
  login->callback([&context, options] { run_login(context, *options); });

  auto* logout =
      app.add_subcommand("logout", "Forget a context's credential (revoking OIDC tokens)");
  logout->callback([&context] { run_logout(context); });
}

}  // namespace smg::cli
