// Browser-admin OIDC login against a real OpenID Provider (npm oidc-provider, tests/peers) and a
// real `smgctl serve --config`: the happy path, then the attacks it must refuse (login CSRF,
// session fixation, state reuse, code replay, alg none / HS256 / wrong aud / wrong nonce ID
// tokens, look-alike email domains, unverified email), logout, restart survival.
// Forged ID tokens come from the OP itself: its /test/tamper switch rewrites the ID token in its
// real token response, so the gateway sees exactly what a malicious or broken IdP would send.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/integration/admin_test_support.h"
#include "tests/integration/oidc_login_support.h"

using namespace smg::test::admin;
using smg::test::BackgroundProcess;
using smg::test::TempDir;

namespace {

constexpr const char* kCookie = "smart_router_admin_session";

std::string oidc_config(int op_port, int gateway_port, const std::string& login_timeout) {
  return "server:\n  admin_auth:\n    oidc:\n      enabled: true\n"
         "      issuer_url: http://127.0.0.1:" + std::to_string(op_port) + "\n"
         "      client_id_env: OIDC_CLIENT_ID\n      client_secret_env: OIDC_CLIENT_SECRET\n"
         "      redirect_url: http://127.0.0.1:" + std::to_string(gateway_port) +
         "/admin/auth/callback\n"
         "      scopes:\n        - email\n        - profile\n"
         "      allowed_domains:\n        - example.test\n"
         "      groups_claim: groups\n      email_claim: email\n      subject_claim: email\n"
         "      domain: example/prod\n"
         "    sessions:\n      cookie_name: smart_router_admin_session\n      ttl: 8h\n"
         "      secure_cookies: true\n      same_site: strict\n      store: sqlite\n"
         "      login_timeout: " + login_timeout + "\n";
}

const std::map<std::string, std::string> kEnv{{"OIDC_CLIENT_ID", "smg-admin"},
                                              {"OIDC_CLIENT_SECRET", "gateway-admin-secret"}};

std::string query_value(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  if (at == std::string::npos) return "";
  auto end = url.find('&', at);
  return url.substr(at + name.size() + 1, end == std::string::npos ? end : end - at - name.size() - 1);
}

void tamper(int op_port, const std::string& mode) {
  httplib::Client op("127.0.0.1", op_port);
  auto set = op.Post("/test/tamper", "mode=" + mode, "application/x-www-form-urlencoded");
  REQUIRE(set);
  REQUIRE(set->status == 200);
}

struct World {
  TempDir dir;
  int port = free_port();
  int short_port = free_port();
  Op op = start_op({port, short_port});
  Gateway gateway;
  World() {
    smg::test::write_file(dir.file("smg.yaml"), oidc_config(op.port, port, "10m"));
    gateway = start_gateway(dir.file("smg.yaml"), dir.file("data"), kEnv, port);
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", gateway.port); }
  // A full login as `user`; returns the callback response.
  httplib::Result login(httplib::Client& gw, const std::string& user,
                        const std::string& extra_cookie = "") {
    Begun begun = begin_login(gw, kCookie);
    std::string callback = login_at_op(op.port, begun.authorize_url, user);
    std::string cookies = begun.prelogin + (extra_cookie.empty() ? "" : "; " + extra_cookie);
    return gw.Get(callback, {{"Cookie", cookies}});
  }
};

}  // namespace

TEST_CASE("admin oidc: login, session, /me, logout", "[admin][oidc]") {
  World world;
  auto gw = world.client();

  Begun begun = begin_login(gw, kCookie);
  CHECK(begun.authorize_url.rfind("http://127.0.0.1:" + std::to_string(world.op.port) + "/auth?", 0) == 0);
  CHECK(query_value(begun.authorize_url, "code_challenge_method") == "S256");
  CHECK(query_value(begun.authorize_url, "response_type") == "code");
  CHECK(query_value(begun.authorize_url, "state").size() >= 43);
  CHECK(query_value(begun.authorize_url, "nonce").size() >= 43);
  CHECK(query_value(begun.authorize_url, "code_challenge").size() == 43);
  CHECK(query_value(begun.authorize_url, "scope").find("openid") != std::string::npos);

  std::string callback = login_at_op(world.op.port, begun.authorize_url, "alice");
  auto done = gw.Get(callback, {{"Cookie", begun.prelogin}});
  REQUIRE(done);
  INFO(done->body);
  REQUIRE(done->status == 302);
  CHECK(done->get_header_value("Location") == "/admin/auth/me");
  std::string session = cookie_pair(done, std::string(kCookie) + "=");
  REQUIRE(session.size() == std::string(kCookie).size() + 1 + 43);
  bool attributes_seen = false;
  for (const auto& value : set_cookies(done)) {
    if (value.rfind(session, 0) != 0) continue;
    attributes_seen = true;
    CHECK(value == session + "; Path=/admin; Max-Age=28800; HttpOnly; Secure; SameSite=Strict");
  }
  CHECK(attributes_seen);
  CHECK(set_cookies(done).size() == 2);  // the session, and the pre-login cookie expired

  auto me = gw.Get("/admin/auth/me", {{"Cookie", session}});
  REQUIRE(me);
  CHECK(me->status == 200);
  auto body = body_json(me);
  CHECK(body["ok"] == true);
  CHECK(body["source"] == "oidc_session");
  CHECK(body["subject"] == "user:alice@example.test");
  CHECK(body["domain"] == "example/prod");
  CHECK(body["email"] == "alice@example.test");
  CHECK(body["issuer"] == "http://127.0.0.1:" + std::to_string(world.op.port));
  CHECK(body["groups"] == nlohmann::json::array({"admins"}));
  CHECK(me->body.find("token") == std::string::npos);
  CHECK(me->get_header_value("Cache-Control") == "no-store");

  SECTION("state reuse: replaying the callback is refused") {
    check_admin_error(gw.Get(callback, {{"Cookie", begun.prelogin}}), 401, "oidc-state-invalid");
  }
  SECTION("code replay under a fresh state is refused by the OP") {
    Begun fresh = begin_login(gw, kCookie);
    std::string replay = "/admin/auth/callback?code=" + query_value(callback, "code") +
                         "&state=" + query_value(fresh.authorize_url, "state");
    check_admin_error(gw.Get(replay, {{"Cookie", fresh.prelogin}}), 401, "oidc-token-invalid");
  }
  SECTION("logout deletes the server-side session") {
    auto out = gw.Post("/admin/auth/logout", {{"Cookie", session}}, "", "text/plain");
    REQUIRE(out);
    CHECK(out->status == 200);
    CHECK(body_json(out) == nlohmann::json({{"ok", true}}));
    auto expired = set_cookies(out);
    REQUIRE(expired.size() == 1);
    CHECK(expired[0].rfind(std::string(kCookie) + "=;", 0) == 0);
    CHECK(expired[0].find("Max-Age=0") != std::string::npos);
    check_admin_error(gw.Get("/admin/auth/me", {{"Cookie", session}}), 401, "unauthorized");
  }
  SECTION("sessions survive a gateway restart (sqlite)") {
    world.gateway.process->stop();
    world.gateway = start_gateway(world.dir.file("smg.yaml"), world.dir.file("data"), kEnv, world.port);
    auto again = world.client().Get("/admin/auth/me", {{"Cookie", session}});
    REQUIRE(again);
    CHECK(again->status == 200);
  }
}

TEST_CASE("admin oidc: login CSRF, fixation, multi-tab", "[admin][oidc][attack]") {
  World world;
  auto gw = world.client();
  SECTION("login CSRF: a callback without the pre-login cookie creates no session") {
    Begun begun = begin_login(gw, kCookie);
    std::string callback = login_at_op(world.op.port, begun.authorize_url, "alice");
    auto forged = gw.Get(callback);
    check_admin_error(forged, 401, "oidc-state-invalid");
    CHECK(cookie_pair(forged, std::string(kCookie) + "=").empty());
    Begun other = begin_login(gw, kCookie);  // another browser's cookie does not fit either
    check_admin_error(gw.Get(callback, {{"Cookie", other.prelogin}}), 401, "oidc-state-invalid");
  }
  SECTION("session fixation: a planted cookie is not adopted, each login gets a new id") {
    std::string planted = std::string(kCookie) + "=" + std::string(43, 'A');
    auto first = world.login(gw, "alice", planted);
    REQUIRE(first->status == 302);
    std::string one = cookie_pair(first, std::string(kCookie) + "=");
    CHECK(one != planted);
    check_admin_error(gw.Get("/admin/auth/me", {{"Cookie", planted}}), 401, "unauthorized");
    auto second = world.login(gw, "alice", one);
    std::string two = cookie_pair(second, std::string(kCookie) + "=");
    CHECK(two != one);
    CHECK(gw.Get("/admin/auth/me", {{"Cookie", two}})->status == 200);
    CHECK(gw.Get("/admin/auth/me", {{"Cookie", one}})->status == 401);  // the old one ended
  }
  SECTION("multi-tab: two logins in flight in one browser both complete") {
    Begun tab1 = begin_login(gw, kCookie);
    Begun tab2 = begin_login(gw, kCookie);
    std::string jar = tab1.prelogin + "; " + tab2.prelogin;
    std::string cb2 = login_at_op(world.op.port, tab2.authorize_url, "alice");
    std::string cb1 = login_at_op(world.op.port, tab1.authorize_url, "alice");
    CHECK(gw.Get(cb2, {{"Cookie", jar}})->status == 302);
    CHECK(gw.Get(cb1, {{"Cookie", jar}})->status == 302);
  }
  SECTION("callback errors") {
    check_admin_error(gw.Get("/admin/auth/callback?error=access_denied&state=x"), 401,
                      "oidc-callback-failed");
    check_admin_error(gw.Get("/admin/auth/callback?state=x"), 400, "oidc-callback-invalid");
    check_admin_error(gw.Get("/admin/auth/callback?code=x&state=never-issued"), 401,
                      "oidc-state-invalid");
  }
}

TEST_CASE("admin oidc: forged or unacceptable ID tokens create no session", "[admin][oidc][attack]") {
  World world;
  auto gw = world.client();
  auto refused = [&](const std::string& user, const std::string& type) {
    auto result = world.login(gw, user);
    check_admin_error(result, 401, type);
    CHECK(cookie_pair(result, std::string(kCookie) + "=").empty());
  };
  SECTION("look-alike and unverified emails") {
    refused("mallory", "oidc-subject-invalid");  // mallory@example.test.evil.test
    refused("eve", "oidc-subject-invalid");      // eve@evil-example.test
    refused("carol", "oidc-subject-invalid");    // email_verified false
  }
  SECTION("alg none") {
    tamper(world.op.port, "alg_none");
    refused("alice", "oidc-token-invalid");
  }
  SECTION("HS256 signed with the client secret") {
    tamper(world.op.port, "hs256");
    refused("alice", "oidc-token-invalid");
  }
  SECTION("wrong aud") {
    tamper(world.op.port, "aud");
    refused("alice", "oidc-token-invalid");
  }
  SECTION("wrong nonce") {
    tamper(world.op.port, "nonce");
    refused("alice", "oidc-nonce-invalid");
  }
}

TEST_CASE("admin oidc: an expired pre-login is refused", "[admin][oidc]") {
  World world;
  smg::test::write_file(world.dir.file("short.yaml"), oidc_config(world.op.port, world.short_port, "1s"));
  Gateway short_lived = start_gateway(world.dir.file("short.yaml"), world.dir.file("data2"), kEnv,
                                      world.short_port);
  httplib::Client gw("127.0.0.1", short_lived.port);
  Begun begun = begin_login(gw, kCookie);
  std::string callback = login_at_op(world.op.port, begun.authorize_url, "alice");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the configured 1 s TTL
  check_admin_error(gw.Get(callback, {{"Cookie", begun.prelogin}}), 401, "oidc-state-invalid");
}

TEST_CASE("admin oidc: with OIDC and Basic disabled the routes are 404", "[admin][oidc]") {
  TempDir dir;
  smg::test::write_file(dir.file("smg.yaml"),
                        "server:\n  admin_auth:\n    oidc:\n      enabled: false\n");
  Gateway gateway = start_gateway(dir.file("smg.yaml"), dir.file("data"), {});
  httplib::Client gw("127.0.0.1", gateway.port);
  for (const char* path : {"/admin/auth/login", "/admin/auth/callback", "/admin/auth/me"}) {
    CHECK(gw.Get(path)->status == 404);
  }
  CHECK(gw.Post("/admin/auth/logout", "", "text/plain")->status == 404);
}
