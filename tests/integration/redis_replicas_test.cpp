// Three `smgctl serve` replicas sharing one real redis-server (server.state.backend: redis), as
// behind a load balancer: an OIDC login (real oidc-provider) on A is a session on B and C, a
// logout on C ends it on A and B; a worker added through B is routed to by A and C within a
// second and removed everywhere; `smgctl audit tail -f` against A shows the calls made on B and
// C; Redis killed: session checks fail closed (401 session-store-unavailable, logged once) while
// the data plane keeps serving; Redis back: everything recovers by itself.
#include <catch2/catch.hpp>

#include "tests/integration/admin_test_support.h"
#include "tests/integration/oidc_login_support.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/redis_server.h"

using namespace smg::test::admin;
using namespace std::chrono_literals;
using smg::test::BackgroundProcess;
using smg::test::TempDir;

namespace {

constexpr const char* kCookie = "smg_admin_session";
constexpr const char* kAdminKey = "sk-replicas-admin-5f0e7d21";

std::string replica_config(int op_port, int gateway_port) {
  return "server:\n  state:\n    backend: redis\n    redis_url_env: SMG_TEST_REDIS_URL\n"
         "    timeout_ms: 300\n"
         "  admin_auth:\n    oidc:\n      enabled: true\n"
         "      issuer_url: http://127.0.0.1:" + std::to_string(op_port) + "\n"
         "      client_id_env: OIDC_CLIENT_ID\n      client_secret_env: OIDC_CLIENT_SECRET\n"
         "      redirect_url: http://127.0.0.1:" + std::to_string(gateway_port) +
         "/admin/auth/callback\n"
         "      scopes:\n        - email\n      allowed_domains:\n        - example.test\n"
         "      groups_claim: groups\n      email_claim: email\n      subject_claim: email\n"
         "      domain: example/prod\n"
         "    sessions:\n      cookie_name: smg_admin_session\n      secure_cookies: true\n";
}

struct Replica {
  int port = free_port();
  std::unique_ptr<BackgroundProcess> process;
  httplib::Client client() const { return httplib::Client("127.0.0.1", port); }
};

void start_replica(Replica& replica, const TempDir& dir, const std::string& name, int op_port,
                   const std::string& redis_url, const std::string& worker_url) {
  std::string config = dir.file(name + ".yaml");
  smg::test::write_file(config, replica_config(op_port, replica.port));
  replica.process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{SMGCTL_PATH, "serve", "--config", config, "--port",
                               std::to_string(replica.port), "--data-dir", dir.file(name),
                               "--worker-urls", worker_url, "--control-plane-api-keys",
                               std::string("a1:Admin:admin:") + kAdminKey},
      std::map<std::string, std::string>{{"OIDC_CLIENT_ID", "smg-admin"},
                                         {"OIDC_CLIENT_SECRET", "gateway-admin-secret"},
                                         {"SMG_TEST_REDIS_URL", redis_url}});
}

void wait_listening(Replica& replica) {
  auto line = replica.process->wait_for_line("smg listening on http://", 30s);
  INFO(replica.process->err());
  REQUIRE(line);
}

// A full browser login on `gateway`; returns the session cookie pair.
std::string login(httplib::Client& gateway, int op_port, const std::string& user) {
  Begun begun = begin_login(gateway, kCookie);
  std::string callback = login_at_op(op_port, begun.authorize_url, user);
  auto done = gateway.Get(callback, {{"Cookie", begun.prelogin}});
  REQUIRE(done);
  INFO(done->body);
  REQUIRE(done->status == 302);
  std::string session = cookie_pair(done, std::string(kCookie) + "=");
  REQUIRE_FALSE(session.empty());
  return session;
}

int me_status(const Replica& replica, const std::string& session) {
  auto me = replica.client().Get("/admin/auth/me", {{"Cookie", session}});
  return me ? me->status : -1;
}

int chat_status(const Replica& replica, const std::string& model) {
  auto result = replica.client().Post("/v1/chat/completions", smg::test::bearer(kAdminKey),
                                      smg::test::chat_body(model, "hi"), "application/json");
  return result ? result->status : -1;
}

int worker_status(const Replica& replica, const std::string& id) {
  auto result = replica.client().Get("/workers/" + id, smg::test::bearer(kAdminKey));
  return result ? result->status : -1;
}

// Milliseconds until `done` holds (polling), or -1 after `deadline`.
long long ms_until(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  auto start = std::chrono::steady_clock::now();
  if (!smg::test::poll_until(done, deadline)) return -1;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// The follower (`audit tail -f -o json`) printed `method path`, recorded by `replica`'s
// process (a stream event's "replica" is host:pid).
bool followed(BackgroundProcess& follower, const std::string& method, const std::string& path,
              const BackgroundProcess& replica) {
  std::string pid = ":" + std::to_string(replica.pid());
  return smg::test::poll_until(
      [&] {
        for (const auto& line : smg::test::lines_containing(follower.out(), path)) {
          auto event = nlohmann::json::parse(line, nullptr, false);
          if (!event.is_object() || event.value("method", "") != method ||
              event.value("path", "") != path) {
            continue;
          }
          std::string from = event.value("replica", "");
          if (from.size() > pid.size() && from.compare(from.size() - pid.size(), pid.size(), pid) == 0) {
            return true;
          }
        }
        return false;
      },
      10s);
}

}  // namespace

TEST_CASE("redis replicas: sessions workers and audit shared by three gateways",
          "[redis][replicas][oidc]") {
  smg::test::RedisServer redis;
  TempDir dir;
  smg::test::DevWorkerProcess local_worker({"m1"});
  smg::test::DevWorkerProcess shared_worker({"m2"});
  Replica a, b, c;
  Op op = start_op({a.port, b.port, c.port});
  start_replica(a, dir, "a", op.port, redis.url(), local_worker.url());
  start_replica(b, dir, "b", op.port, redis.url(), local_worker.url());
  start_replica(c, dir, "c", op.port, redis.url(), local_worker.url());
  for (Replica* replica : {&a, &b, &c}) wait_listening(*replica);

  // The audit follower on A starts first, with a backlog window: it must show B's and C's calls.
  BackgroundProcess follower(
      {SMGCTL_PATH, "--server", "http://127.0.0.1:" + std::to_string(a.port), "audit", "tail",
       "-f", "--since", "10m", "-o", "json"},
      {{"SMG_TOKEN", kAdminKey}, {"XDG_CONFIG_HOME", dir.file("cli")}});

  // Sessions: login on A, known on B and C; logout on C, gone on A and B.
  auto gateway_a = a.client();
  std::string session = login(gateway_a, op.port, "alice");
  CHECK(me_status(a, session) == 200);
  CHECK(me_status(b, session) == 200);
  CHECK(me_status(c, session) == 200);
  auto out = c.client().Post("/admin/auth/logout", {{"Cookie", session}}, "", "text/plain");
  REQUIRE(out);
  CHECK(out->status == 200);
  CHECK(me_status(a, session) == 401);
  CHECK(me_status(b, session) == 401);

  // Workers: added on B, routed to by A and C within a second, removed through C everywhere.
  auto added = b.client().Post("/workers", smg::test::bearer(kAdminKey),
                               nlohmann::json({{"url", shared_worker.url()}, {"models", {"m2"}}})
                                   .dump(),
                               "application/json");
  REQUIRE(added);
  INFO(added->body);
  REQUIRE(added->status == 202);
  std::string id = body_json(added)["worker_id"];
  long long routed_a = ms_until([&] { return chat_status(a, "m2") == 200; }, 5s);
  long long routed_c = ms_until([&] { return chat_status(c, "m2") == 200; }, 5s);
  INFO("routed on A after " << routed_a << " ms, on C after " << routed_c << " ms");
  CHECK(routed_a >= 0);
  CHECK(routed_a < 1000);
  CHECK(routed_c >= 0);
  CHECK(routed_c < 1000);
  CHECK(shared_worker.stats()["requests"].get<int>() >= 2);
  auto removed = c.client().Delete("/workers/" + id, smg::test::bearer(kAdminKey));
  REQUIRE(removed);
  CHECK(removed->status == 202);
  CHECK(ms_until([&] { return worker_status(a, id) == 404 && worker_status(b, id) == 404; }, 5s) <
        1000);

  // The cluster audit stream: A's follower shows the POST made on B and the DELETE made on C.
  CHECK(followed(follower, "POST", "/workers", *b.process));
  CHECK(followed(follower, "DELETE", "/workers/" + id, *c.process));
  follower.stop();

  // Redis down: sessions fail closed, logged once; the data plane keeps serving.
  std::string second = login(gateway_a, op.port, "alice");
  redis.kill();
  auto refused = b.client().Get("/admin/auth/me", {{"Cookie", second}});
  check_admin_error(refused, 401, "session-store-unavailable");
  CHECK(me_status(b, second) == 401);
  CHECK(chat_status(a, "m1") == 200);
  CHECK(chat_status(b, "m1") == 200);
  CHECK(smg::test::lines_containing(b.process->err(), "session store unavailable").size() == 1);

  // Redis back (empty: no persistence): logins work again and changes reach every replica.
  redis.start();
  std::string third;
  REQUIRE(smg::test::poll_until(
      [&] {
        auto login_page = b.client().Get("/admin/auth/login");
        return login_page && login_page->status == 302;
      },
      5s));
  auto gateway_b = b.client();
  third = login(gateway_b, op.port, "alice");
  CHECK(me_status(a, third) == 200);
  CHECK(me_status(c, third) == 200);
  auto again = a.client().Post("/workers", smg::test::bearer(kAdminKey),
                               nlohmann::json({{"url", shared_worker.url()}, {"models", {"m2"}}})
                                   .dump(),
                               "application/json");
  REQUIRE(again);
  REQUIRE(again->status == 202);
  CHECK(ms_until([&] { return chat_status(c, "m2") == 200; }, 5s) >= 0);
  CHECK(smg::test::lines_containing(b.process->err(), "session store available again").size() ==
        1);
}
