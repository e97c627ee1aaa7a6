// The admin reports web UI (server/reports/report_ui.h): who may load its pages and assets and
// with which headers, then the whole UI in headless Chromium (tests/peers/reports-e2e.mjs):
// an OIDC login against the oidc-provider peer, the overview, the filtered and paged request
// table, a request's detail, a Markdown export, deleting captured content and logging out.
// Screenshots and the export land in <build>/test-artifacts/reports-ui/.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/integration/admin_test_support.h"
#include "tests/integration/request_log_test_support.h"
#include "tests/support/process.h"

using namespace smg::test::reports;
using smg::test::BackgroundProcess;
using smg::test::DevWorkerProcess;
using smg::test::TempDir;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void check_ui_headers(const httplib::Result& result, const std::string& content_type) {
  REQUIRE(result);
  INFO(result->body.substr(0, 200));
  CHECK(result->status == 200);
  CHECK(result->get_header_value("Content-Type") == content_type);
  CHECK(result->get_header_value("Content-Security-Policy") == kCsp);
  CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(result->get_header_value("X-Frame-Options") == "DENY");
  CHECK(result->get_header_value("Cache-Control") == "no-store");
}

}  // namespace

TEST_CASE("reports ui: pages and assets need a browser admin with admin:reports read",
          "[reports_ui]") {
  ReportsGateway gateway;
  auto client = gateway.client();

  for (const char* page : {"/admin/reports", "/admin/reports/requests", "/admin/reports/request"}) {
    INFO(page);
    auto served = client.Get(page, as_admin("viewer"));
    check_ui_headers(served, "text/html; charset=utf-8");
    CHECK(served->body.find("<script src=\"/admin/reports/assets/common.js\" defer>") !=
          std::string::npos);

    auto anonymous = client.Get(page);
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
    CHECK(anonymous->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(anonymous->get_header_value("WWW-Authenticate").rfind("Basic ", 0) == 0);
    CHECK(anonymous->get_header_value("Content-Security-Policy") == kCsp);
    CHECK(anonymous->body.find("/admin/auth/login") != std::string::npos);

    auto caller = client.Get(page, token("app"));
    REQUIRE(caller);
    CHECK(caller->status == 403);
    auto no_grant = client.Get(page, as_admin("security"));
    REQUIRE(no_grant);
    CHECK(no_grant->status == 403);
    CHECK(no_grant->body.find("not allowed") != std::string::npos);
  }

  check_ui_headers(client.Get("/admin/reports/assets/common.js", as_admin("viewer")),
                   "text/javascript; charset=utf-8");
  check_ui_headers(client.Get("/admin/reports/assets/app.css", as_admin("viewer")),
                   "text/css; charset=utf-8");
  check_ui_headers(client.Get("/admin/reports/assets/icon.svg", as_admin("viewer")),
                   "image/svg+xml");
  smg::test::admin::check_admin_error(client.Get("/admin/reports/assets/common.js"), 401,
                                      "unauthorized");
  smg::test::admin::check_admin_error(
      client.Get("/admin/reports/assets/common.js", token("app")), 403, "reports-forbidden");
  smg::test::admin::check_admin_error(
      client.Get("/admin/reports/assets/nope.js", as_admin("viewer")), 404, "not-found");
  // Pages are served only at their own paths, never as assets.
  smg::test::admin::check_admin_error(
      client.Get("/admin/reports/assets/overview.html", as_admin("viewer")), 404, "not-found");
  auto posted = client.Post("/admin/reports", as_admin("viewer"), "", "text/plain");
  REQUIRE(posted);
  CHECK(posted->status == 405);
}

namespace {

constexpr const char* kCapturedId = "e2e-captured-request";
// Markup a caller can put into the log: a request id (no spaces or quotes allowed) and a model.
constexpr const char* kHostileId = "<img/src=x/onerror=alert(1)>";
constexpr const char* kHostileModel = "<b>bold</b><img src=x onerror=alert(2)>";

std::string e2e_config(int op_port, int gateway_port, const std::string& worker_url) {
  std::string gateway = "http://127.0.0.1:" + std::to_string(gateway_port);
  return "server:\n"
         "  workers: { urls: [" + worker_url + "] }\n"
         "  callers:\n"
         "    - { token_id: app, token_env: TOKEN_app, domain: example/prod }\n"
         "    - { token_id: ops, token_env: TOKEN_ops, domain: example/prod, metrics_admin: true }\n"
         "  admin_auth:\n"
         "    oidc:\n"
         "      enabled: true\n"
         "      issuer_url: http://127.0.0.1:" + std::to_string(op_port) + "\n"
         "      client_id_env: OIDC_CLIENT_ID\n"
         "      client_secret_env: OIDC_CLIENT_SECRET\n"
         "      redirect_url: " + gateway + "/admin/auth/callback\n"
         "      scopes: [email, profile]\n"
         "      allowed_domains: [example.test]\n"
         "      subject_claim: email\n"
         "      domain: example/prod\n"
         "    sessions: { cookie_name: smg_admin_session, ttl: 8h, secure_cookies: false,\n"
         "                same_site: strict, store: sqlite }\n"
         "    authorization:\n"
         "      enabled: true\n"
         "      policy:\n"
         "        - g, user:alice@example.test, reports_admin, example/prod\n"
         "        - p, reports_admin, example/prod, admin:reports, read|export|drilldown\n"
         "        - p, reports_admin, example/prod, content:capture, delete|purge\n"
         "  admin_reports: { enabled: true }\n"
         "  content_capture: { enabled: true, retention: 30d, max_body_bytes: 4096 }\n";
}

// Chats as `app`: `ok` to m1 (the last with kCapturedId), one stream with usage, one to the
// hostile model (404) with the hostile request id. Returns {requests, errors}.
std::pair<int, int> make_traffic(httplib::Client& client, int ok) {
  auto headers = [](const std::string& id) {
    return httplib::Headers{{"Authorization", "Bearer app-token-e2e"}, {"x-request-id", id}};
  };
  for (int i = 0; i < ok; ++i) {
    bool last = i == ok - 1;
    auto chat = client.Post("/v1/chat/completions",
                            headers(last ? kCapturedId : "e2e-" + std::to_string(i)),
                            smg::test::chat_body("m1", last ? "e2e captured prompt" : "hello"),
                            "application/json");
    REQUIRE(chat);
    REQUIRE(chat->status == 200);
  }
  auto stream = client.Post("/v1/chat/completions", headers("e2e-stream"),
                            R"({"model":"m1","stream":true,"stream_options":{"include_usage":true},)"
                            R"("messages":[{"role":"user","content":"stream"}]})",
                            "application/json");
  REQUIRE(stream);
  REQUIRE(stream->status == 200);
  auto hostile = client.Post("/v1/chat/completions", headers(kHostileId),
                             nlohmann::json({{"model", kHostileModel},
                                             {"messages", {{{"role", "user"}, {"content", "x"}}}}})
                                 .dump(),
                             "application/json");
  REQUIRE(hostile);
  REQUIRE(hostile->status == 404);
  return {ok + 2, 1};
}

void wait_until_logged(httplib::Client& client, int requests) {
  double written = 0;
  bool met = smg::test::eventually(
      [&] {
        auto metrics = client.Get("/metrics", {{"Authorization", "Bearer ops-token-e2e"}});
        if (!metrics || metrics->status != 200) return false;
        written = metric_sum(metrics->body, "smg_request_log_written_total");
        return written >= requests;
      },
      std::chrono::seconds(15));
  INFO("records written " << written);
  REQUIRE(met);
}

}  // namespace

TEST_CASE("reports ui: sign in and use every page in headless chromium", "[reports_ui][browser]") {
  TempDir dir;
  int port = smg::test::admin::free_port();
  BackgroundProcess op({"node", smg::test::peers_dir() + "/oidc-provider.mjs"},
                       {{"PORT", "0"},
                        {"GATEWAY_REDIRECT",
                         "http://127.0.0.1:" + std::to_string(port) + "/admin/auth/callback"}});
  auto op_line = op.wait_for_line("\"issuer\"", std::chrono::seconds(30));
  INFO(op.err());
  REQUIRE(op_line);
  int op_port = nlohmann::json::parse(*op_line)["port"].get<int>();
  DevWorkerProcess worker({"m1"});
  smg::test::write_file(dir.file("smg.yaml"), e2e_config(op_port, port, worker.url()));
  auto gateway = smg::test::admin::start_gateway(
      dir.file("smg.yaml"), dir.file("data"),
      {{"OIDC_CLIENT_ID", "smg-admin"}, {"OIDC_CLIENT_SECRET", "gateway-admin-secret"},
       {"TOKEN_app", "app-token-e2e"}, {"TOKEN_ops", "ops-token-e2e"}},
      port);
  httplib::Client client("127.0.0.1", gateway.port);
  REQUIRE(smg::test::eventually(
      [&] {
        auto ready = client.Get("/readiness");
        return ready && ready->status == 200;
      },
      std::chrono::seconds(15)));

  auto [requests, errors] = make_traffic(client, 30);
  wait_until_logged(client, requests);

  std::string artifacts = std::string(SMG_ARTIFACTS_DIR) + "/reports-ui";
  std::filesystem::remove_all(artifacts);
  auto run = smg::test::run_process(
      {"node", smg::test::peers_dir() + "/reports-e2e.mjs"}, "",
      {{"GATEWAY", "http://127.0.0.1:" + std::to_string(gateway.port)},
       {"ARTIFACTS", artifacts},
       {"USER_NAME", "alice"},
       {"CAPTURED_ID", kCapturedId},
       {"HOSTILE_ID", kHostileId},
       {"HOSTILE_MODEL", kHostileModel},
       {"EXPECT_REQUESTS", std::to_string(requests)},
       {"EXPECT_ERRORS", std::to_string(errors)}},
      std::chrono::seconds(180));
  INFO("stdout: " << run.out);
  INFO("stderr: " << run.err);
  INFO("gateway: " << gateway.process->err().substr(0, 4000));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.exit_code == 0);
  auto seen = nlohmann::json::parse(run.out, nullptr, false);
  REQUIRE_FALSE(seen.is_discarded());
  CHECK(seen["subject"] == "user:alice@example.test");
  CHECK(seen["problems"] == nlohmann::json::array());
  CHECK(seen["table_first_page"] == 25);
  CHECK(seen["table_second_page"] == requests - errors - 25);
  for (const char* shot : {"01-overview", "02-requests-errors", "03-requests-m1",
                           "04-requests-older", "05-request-detail", "06-content-deleted",
                           "07-signed-out"}) {
    std::string file = artifacts + "/" + shot + ".png";
    INFO(file);
    REQUIRE(std::filesystem::exists(file));
    CHECK(smg::test::read_file(file).rfind("\x89PNG", 0) == 0);
  }
}
