#include "server/gateway/admin_auth_builder.h"

#include <cerrno>
#include <cstring>

#include "common/session/memory_session_store.h"
#include "common/session/redis_pre_login_store.h"
#include "common/session/redis_session_store.h"
#include "common/session/sqlite_session_store.h"
#include "server/admin/cookies.h"
#include "server/gateway/data_dir.h"

namespace smg::server {
namespace {

Status field_error(const std::string& field, const std::string& message) {
  return invalid_argument("config_invalid", "server.admin_auth." + field + ": " + message);
}

Status build_basic(const BasicAuthConfig& config, const Clock& clock,
                   admin::BasicSettings& basic) {
  if (!config.enabled) return Status::ok_status();
  auto cidrs = net::parse_cidrs(config.trusted_proxy_cidrs);
  if (!cidrs.ok()) return field_error("basic.trusted_proxy_cidrs", cidrs.status().message());
  auto authenticator = basic::BasicAuthenticator::build(config.users, {}, clock);
  if (!authenticator.ok()) return field_error("basic.users", authenticator.status().message());
  basic.authenticator = std::move(*authenticator);
  basic.realm = config.realm;
  basic.allow_insecure_http = config.allow_insecure_http;
  basic.trusted_proxies = std::move(*cidrs);
  return Status::ok_status();
}

Result<std::unique_ptr<session::SessionStore>> build_store(const ServeConfig& config,
                                                           const Clock& clock,
                                                           redis::RedisClient* redis) {
  const SessionConfig& sessions = config.admin_auth.sessions;
  session::SessionLimits limits{sessions.ttl_secs, sessions.idle_timeout_secs};
  if (redis != nullptr) {
    return std::unique_ptr<session::SessionStore>(std::make_unique<session::RedisSessionStore>(
        *redis, limits, clock, config.state.key_prefix));
  }
  if (sessions.store == "memory") {
    return std::unique_ptr<session::SessionStore>(
        std::make_unique<session::MemorySessionStore>(limits, clock));
  }
  Status made = make_data_dir(config.data_dir, "server.admin_auth.sessions.store");
  if (!made.ok()) return made;
  auto store = session::SqliteSessionStore::open(config.data_dir + "/admin_sessions.db", limits,
                                                 clock);
  if (!store.ok()) return field_error("sessions.store", store.status().message());
  return std::unique_ptr<session::SessionStore>(std::move(*store));
}

Status check_oidc(const OidcConfig& config, const SessionConfig& sessions) {
  if (Status url = http::check_fetch_url(config.issuer_url); !url.ok()) {
    return field_error("oidc.issuer_url", url.message());
  }
  if (config.client_id.empty()) return field_error("oidc.client_id_env", "is empty");
  if (config.redirect_url.rfind("https://", 0) != 0 && !http::is_loopback_url(config.redirect_url)) {
    return field_error("oidc.redirect_url", "must be https (or http to loopback)");
  }
  if (!admin::valid_cookie_name(sessions.cookie_name)) {
    return field_error("sessions.cookie_name", "is not a valid cookie name");
  }
  if (sessions.login_timeout_secs > 600) {
    return field_error("sessions.login_timeout", "must be at most 10m");
  }
  return Status::ok_status();
}

Status build_oidc(const ServeConfig& config, const http::HttpClient& http, const Clock& clock,
                  redis::RedisClient* redis, admin::OidcSettings& oidc) {
  const OidcConfig& settings = config.admin_auth.oidc;
  const SessionConfig& sessions = config.admin_auth.sessions;
  if (!settings.enabled) return Status::ok_status();
  if (Status valid = check_oidc(settings, sessions); !valid.ok()) return valid;
  auto store = build_store(config, clock, redis);
  if (!store.ok()) return store.status();
  oidc::OidcClientOptions options;
  options.issuer = settings.issuer_url;
  options.client = {settings.client_id, crypto::Secret(settings.client_secret),
                    settings.redirect_url, settings.scopes};
  oidc.client = std::make_unique<oidc::OidcClient>(std::move(options), http, clock);
  oidc.identity = {settings.subject_claim, settings.email_claim, settings.groups_claim,
                   settings.allowed_domains};
  oidc.domain = settings.domain;
  oidc.sessions = std::move(*store);
  session::PreLoginLimits login_limits{.ttl_secs = sessions.login_timeout_secs};
  if (redis != nullptr) {
    oidc.logins = std::make_unique<session::RedisPreLoginStore>(*redis, login_limits, clock,
                                                                config.state.key_prefix);
  } else {
    oidc.logins = std::make_unique<session::MemoryPreLoginStore>(login_limits, clock);
  }
  oidc.cookie_name = sessions.cookie_name;
  oidc.session_ttl_secs = sessions.ttl_secs;
  oidc.secure_cookies = sessions.secure_cookies;
  oidc.same_site = admin::same_site_attribute(sessions.same_site);
  return Status::ok_status();
}

}  // namespace

Result<std::unique_ptr<admin::AdminAuthRoutes>> build_admin_auth(
    const ServeConfig& config, const http::HttpClient& http, const Clock& clock,
    redis::RedisClient* redis) {
  admin::AdminAuthParts parts;
  if (Status basic = build_basic(config.admin_auth.basic, clock, parts.basic); !basic.ok()) {
    return basic;
  }
  if (Status oidc = build_oidc(config, http, clock, redis, parts.oidc); !oidc.ok()) return oidc;
  return std::make_unique<admin::AdminAuthRoutes>(std::move(parts));
}

}  // namespace smg::server
