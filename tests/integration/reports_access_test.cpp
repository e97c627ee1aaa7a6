// The allow/deny matrix of every admin report endpoint and both content-maintenance surfaces
// against a real `smgctl serve --config`: the allowed
// subject gets 200; a subject without the action 403; another domain's request id 404; a caller
// bearer token on reports 403 reports-forbidden; no identity 401; the security report is denied
// to reports_admin. Content maintenance is audited and needs CSRF from browsers.
#include "tests/integration/request_log_test_support.h"

using namespace smg::test::reports;
using nlohmann::json;

namespace {

const std::string kChat = R"({"model":"m1","messages":[{"role":"user","content":"matrix"}]})";

void check_error(const httplib::Result& result, int status, const std::string& type) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  auto body = json::parse(result->body, nullptr, false);
  CHECK(body["error"]["type"] == type);
  CHECK(result->get_header_value("Cache-Control") == "no-store");
}

struct Endpoint {
  std::string path;
  std::string action;  // read | export | drilldown
};

const std::vector<Endpoint> kReportEndpoints = {
    {"/admin/reports/api/session", "read"},
    {"/admin/reports/api/summary?window=1h", "read"},
    {"/admin/reports/api/timeseries?window=1h", "read"},
    {"/admin/reports/api/requests?limit=5", "read"},
    {"/admin/reports/api/export.md?window=1h", "export"},
    {"/admin/reports/api/request/mine-1", "drilldown"},
    {"/admin/reports/api/request-evidence?request_id=mine-1", "drilldown"},
};

}  // namespace

TEST_CASE("reports access: the allow and deny matrix of every report endpoint",
          "[reports][access][integration]") {
  ReportsGateway gateway;
  auto client = gateway.client();
  for (const auto& [caller, id] : std::vector<std::pair<std::string, std::string>>{
           {"app", "mine-1"}, {"other", "theirs-1"}}) {
    auto sent = client.Post("/v1/chat/completions", token(caller, {{"x-request-id", id}}), kChat,
                            "application/json");
    REQUIRE(sent->status == 200);
  }
  wait_for_records(client, 2);

  for (const auto& endpoint : kReportEndpoints) {
    INFO(endpoint.path);
    auto allowed = client.Get(endpoint.path, as_admin("admin"));
    REQUIRE(allowed);
    CHECK(allowed->status == 200);
    CHECK(allowed->get_header_value("Cache-Control") == "no-store");
    check_error(client.Get(endpoint.path), 401, "unauthorized");
    check_error(client.Get(endpoint.path, token("app")), 403, "reports-forbidden");
    check_error(client.Get(endpoint.path, {{"X-API-Key", kTokens.at("app")}}), 403,
                "reports-forbidden");
    check_error(client.Get(endpoint.path, as_admin("nobody")), 403, "reports-forbidden");
    check_error(client.Get(endpoint.path, {{"Authorization", "Basic " +
                                            smg::crypto::base64_encode("admin:wrong")}}),
                401, "unauthorized");
    auto viewer = client.Get(endpoint.path, as_admin("viewer"));
    REQUIRE(viewer);
    if (endpoint.action == "read") {
      CHECK(viewer->status == 200);
    } else {
      check_error(viewer, 403, "reports-forbidden");
    }
    // admin:security_reports grants nothing here, except knowing who you are.
    if (endpoint.path.find("/session") != std::string::npos) {
      CHECK(client.Get(endpoint.path, as_admin("security"))->status == 200);
    } else {
      check_error(client.Get(endpoint.path, as_admin("security")), 403, "reports-forbidden");
    }
  }

  // Drilldown into another domain's request: as if it did not exist.
  check_error(client.Get("/admin/reports/api/request/theirs-1", as_admin("admin")), 404,
              "request-not-found");
  check_error(client.Get("/admin/reports/api/request-evidence?request_id=theirs-1",
                         as_admin("admin")), 404, "request-not-found");
  check_error(client.Get("/admin/reports/api/request/no-such-id", as_admin("admin")), 404,
              "request-not-found");
  // Listings are scoped the same way.
  json rows = json_of(client.Get("/admin/reports/api/requests", as_admin("admin")))["requests"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["request_id"] == "mine-1");
  // Markdown export of the same view.
  auto markdown = client.Get("/admin/reports/api/export.md?model=m1", as_admin("admin"));
  CHECK(markdown->get_header_value("Content-Type").rfind("text/markdown", 0) == 0);
  CHECK(markdown->body.find("| mine-1 |") != std::string::npos);
  CHECK(markdown->body.find("theirs") == std::string::npos);
  // The security report: its own object, never granted by admin:reports.
  auto security = client.Get("/admin/reports/api/security?window=1h", as_admin("security"));
  CHECK(security->status == 200);
  check_error(client.Get("/admin/reports/api/security", as_admin("admin")), 403, "reports-forbidden");
  check_error(client.Get("/admin/reports/api/security", as_admin("viewer")), 403, "reports-forbidden");
  check_error(client.Get("/admin/reports/api/security", token("cleaner")), 403, "reports-forbidden");
  check_error(client.Get("/admin/reports/api/security"), 401, "unauthorized");
  // Bad parameters name themselves.
  auto bad = json_of(client.Get("/admin/reports/api/requests?limit=9999", as_admin("admin")));
  CHECK(bad["error"]["param"] == "limit");
}

TEST_CASE("reports access: content maintenance by caller token and by browser admin",
          "[reports][content][integration]") {
  ReportsGateway gateway;
  auto client = gateway.client();
  for (const auto& [caller, id] : std::vector<std::pair<std::string, std::string>>{
           {"app", "mine-1"}, {"app", "mine-2"}, {"other", "theirs-1"}}) {
    REQUIRE(client.Post("/v1/chat/completions", token(caller, {{"x-request-id", id}}), kChat,
                        "application/json")->status == 200);
  }
  wait_for_records(client, 3);

  // Caller-token surface.
  check_error(client.Delete("/v1/content-captures/mine-1"), 401, "missing-token");
  check_error(client.Delete("/v1/content-captures/mine-1", token("app")), 403, "content-forbidden");
  check_error(client.Delete("/v1/content-captures/theirs-1", token("cleaner")), 403,
              "content-forbidden");
  check_error(client.Delete("/v1/content-captures/no-such-id", token("cleaner")), 404,
              "content-not-found");
  auto deleted = client.Delete("/v1/content-captures/mine-1", token("cleaner"));
  REQUIRE(deleted);
  CHECK(deleted->status == 200);
  CHECK(json::parse(deleted->body)["deleted"] == true);
  check_error(client.Delete("/v1/content-captures/mine-1", token("cleaner")), 404,
              "content-not-found");
  check_error(client.Post("/v1/content-captures/purge-expired", "", "application/json"), 401,
              "missing-token");
  check_error(client.Post("/v1/content-captures/purge-expired", token("app"), "", "application/json"),
              403, "content-forbidden");
  auto purged = client.Post("/v1/content-captures/purge-expired", token("cleaner"), "",
                            "application/json");
  REQUIRE(purged->status == 200);
  CHECK(json::parse(purged->body)["purged"] == 0);  // nothing is 30 days old
  CHECK(json::parse(purged->body)["domains"] == json::array({"example/prod"}));

  // The evidence shows the capture gone and the audited deletion.
  json evidence = json_of(client.Get("/admin/reports/api/request-evidence?request_id=mine-1",
                                     as_admin("admin")));
  INFO(evidence.dump());
  CHECK(evidence["content"].is_null());
  CHECK(evidence["request"]["content"]["captured"] == false);
  bool audited = false;
  for (const auto& event : evidence["audit"]) {
    audited = audited || (event["principal"] == "caller:cleaner" && event["status"] == 200 &&
                          event["method"] == "DELETE");
  }
  CHECK(audited);

  // Browser surface: CSRF token from the session, then policy.
  const std::string path = "/admin/reports/api/content-captures/mine-2";
  check_error(client.Delete(path), 401, "unauthorized");
  check_error(client.Delete(path, token("cleaner")), 403, "reports-forbidden");
  check_error(client.Delete(path, as_admin("admin")), 403, "csrf-invalid");
  check_error(client.Delete(path, as_admin("admin", {{"X-CSRF-Token", "forged"}})), 403,
              "csrf-invalid");
  json viewer_session = json_of(client.Get("/admin/reports/api/session", as_admin("viewer")));
  std::string viewer_csrf = viewer_session["csrf_token"];
  check_error(client.Delete(path, as_admin("viewer", {{"X-CSRF-Token", viewer_csrf}})), 403,
              "content-forbidden");
  json session = json_of(client.Get("/admin/reports/api/session", as_admin("admin")));
  CHECK(session["grants"]["content:capture"]["delete"] == json::array({"example/prod"}));
  CHECK(session["grants"]["admin:security_reports"]["read"].empty());
  std::string csrf = session["csrf_token"];
  CHECK(csrf != viewer_csrf);  // bound to the identity
  check_error(client.Delete(path, as_admin("viewer", {{"X-CSRF-Token", csrf}})), 403, "csrf-invalid");
  auto browser_delete = client.Delete(path, as_admin("admin", {{"X-CSRF-Token", csrf}}));
  REQUIRE(browser_delete);
  CHECK(browser_delete->status == 200);
  check_error(client.Delete("/admin/reports/api/content-captures/theirs-1",
                            as_admin("admin", {{"X-CSRF-Token", csrf}})), 403, "content-forbidden");
  auto browser_purge = client.Post("/admin/reports/api/content-captures/purge-expired",
                                   as_admin("admin", {{"X-CSRF-Token", csrf}}), "", "application/json");
  CHECK(browser_purge->status == 200);
}

TEST_CASE(
    "reports access: another domain reusing a victim's request id cannot block its deletion "
    "(attack probe, finding 11)",
    "[reports][content][integration]") {
  ReportsGateway gateway;
  auto client = gateway.client();
  // The victim's request, then an attacker in other/prod sending the same x-request-id later
  // (newer, so a lookup by id alone finds the attacker's record first).
  REQUIRE(client
              .Post("/v1/chat/completions", token("app", {{"x-request-id", "shared-id-1"}}), kChat,
                    "application/json")
              ->status == 200);
  wait_for_records(client, 1);
  REQUIRE(client
              .Post("/v1/chat/completions", token("other", {{"x-request-id", "shared-id-1"}}),
                    kChat, "application/json")
              ->status == 200);
  wait_for_records(client, 2);
  auto deleted = client.Delete("/v1/content-captures/shared-id-1", token("cleaner"));
  REQUIRE(deleted);
  INFO(deleted->body);
  CHECK(deleted->status == 200);
  CHECK(json::parse(deleted->body)["domain"] == "example/prod");
  json evidence = json_of(
      client.Get("/admin/reports/api/request-evidence?request_id=shared-id-1", as_admin("admin")));
  CHECK(evidence["request"]["domain"] == "example/prod");
  CHECK(evidence["content"].is_null());  // the victim's capture is gone
  // Again: the cleaner's own domain answers (nothing left), never the attacker's record.
  check_error(client.Delete("/v1/content-captures/shared-id-1", token("cleaner")), 404,
              "content-not-found");
}
