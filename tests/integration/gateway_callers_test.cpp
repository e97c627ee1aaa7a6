// Caller tokens (server.callers) and policy-authorised /metrics through a real `smgctl serve
// --config`, and the config loader's one-line errors through `smgctl config validate`.
#include <httplib.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "common/crypto/crypto.h"
#include "tests/support/background_process.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using smg::test::BackgroundProcess;
using smg::test::TempDir;

namespace {

struct Gateway {
  std::unique_ptr<BackgroundProcess> process;
  int port = 0;
};

Gateway serve_config(const std::string& config_path, const std::map<std::string, std::string>& env) {
  Gateway g{std::make_unique<BackgroundProcess>(
      std::vector<std::string>{SMGCTL_PATH, "serve", "--config", config_path}, env)};
  auto line = g.process->wait_for_line("smg listening on http://", std::chrono::seconds(20));
  INFO(g.process->err());
  REQUIRE(line);
  g.port = smg::test::trailing_port(*line);
  return g;
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace

TEST_CASE("gateway callers: tokens, statuses and the metrics grant", "[gateway][callers]") {
  TempDir dir;
  std::string app_digest = smg::crypto::sha256_hex("app-token-value-1");
  smg::test::write_file(dir.file("smg.yaml"), R"(server:
  port: 0
  control_plane: { api_keys_env: CP_KEYS }
  callers:
    - { token_id: ops, token_env: OPS_TOKEN, domain: example/prod, metrics_admin: true }
    - { token_id: app, token_sha256: )" + app_digest + R"(, domain: example/prod }
    - { token_id: old, token_env: OLD_TOKEN, domain: example/prod, status: rotated }
    - { token_id: other, token_env: OTHER_TOKEN, domain: example/dev }
  admin_auth:
    authorization:
      enabled: true
      policy:
        - g, caller:other, metrics_admin, example/prod
)");
  auto gateway = serve_config(dir.file("smg.yaml"), {{"OPS_TOKEN", "ops-token-value-1"},
                                                     {"OLD_TOKEN", "old-token-value-1"},
                                                     {"OTHER_TOKEN", "other-token-value-1"},
                                                     {"CP_KEYS", "cp-admin:Ops:admin:cp-admin-key-1,"
                                                                 "cp-user:Dev:user:cp-user-key-1"}});
  httplib::Client client("127.0.0.1", gateway.port);

  SECTION("data plane accepts active callers, by Bearer or X-API-Key") {
    CHECK(client.Get("/v1/models", bearer("app-token-value-1"))->status == 200);
    CHECK(client.Get("/v1/models", {{"X-API-Key", "app-token-value-1"}})->status == 200);
    CHECK(client.Get("/v1/models", {{"Authorization", "bEaReR app-token-value-1"}})->status == 200);
  }
  SECTION("errors take the seed's shapes") {
    auto missing = client.Get("/v1/models");
    CHECK(missing->status == 401);
    CHECK(missing->body == R"({"error":{"message":"missing-token","type":"missing-token"}})");
    CHECK(missing->get_header_value("Pragma") == "no-cache");
    CHECK(missing->get_header_value("X-Content-Type-Options") == "nosniff");
    auto unknown = client.Get("/v1/models", bearer("nope"));
    CHECK(unknown->status == 401);
    CHECK(unknown->body.find("invalid-token") != std::string::npos);
    auto rotated = client.Get("/v1/models", bearer("old-token-value-1"));
    CHECK(rotated->status == 403);
    CHECK(rotated->body.find("key-rotated") != std::string::npos);
  }
  SECTION("/metrics needs `metrics, read` in the caller's domain") {
    CHECK(client.Get("/metrics", bearer("ops-token-value-1"))->status == 200);
    auto forbidden = client.Get("/metrics", bearer("app-token-value-1"));
    CHECK(forbidden->status == 403);
    CHECK(forbidden->body.find("metrics-forbidden") != std::string::npos);
    // The grant is for example/prod; this caller lives in example/dev.
    CHECK(client.Get("/metrics", bearer("other-token-value-1"))->status == 403);
    CHECK(client.Get("/metrics")->status == 401);
  }
  SECTION("/metrics also takes a control-plane admin credential, not a user one") {
    CHECK(client.Get("/metrics", bearer("cp-admin-key-1"))->status == 200);
    CHECK(client.Get("/metrics", bearer("cp-user-key-1"))->status == 403);
    CHECK(client.Get("/metrics", bearer("neither-key"))->status == 401);
  }
  gateway.process->stop();
  std::string output = gateway.process->out() + gateway.process->err();
  for (const char* secret : {"ops-token-value-1", "app-token-value-1", "old-token-value-1",
                             "cp-admin-key-1", "cp-user-key-1"}) {
    CHECK(output.find(secret) == std::string::npos);
  }
}

TEST_CASE("config validate: each kind of config error is one line and exit 2", "[config]") {
  TempDir dir;
  struct Case {
    std::string yaml;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"server:\n  bogus: 1\n", "server.bogus: unknown key"},
      {"server:\n  port: many\n", "server.port: must be a whole number"},
      {"server:\n  callers:\n    - { domain: a/b, token_env: X }\n", "server.callers[0].token_id: required"},
      {"server:\n  callers:\n    - { token_id: a, domain: a/b, token_env: SMG_TEST_UNSET_VAR }\n",
       "environment variable SMG_TEST_UNSET_VAR is not set"},
      {"server:\n  admin_auth:\n    basic:\n      enabled: true\n      users:\n        - { username: "
       "admin, password: hunter2 }\n",
       "plaintext secrets are not allowed"},
      {"server:\n  admin_auth:\n    oidc:\n      enabled: true\n      issuer_url: https://x\n      "
       "redirect_url: https://y\n",
       "server.admin_auth.oidc.client_id_env: required"},
      {"server:\n  admin_auth:\n    authorization:\n      policy:\n        - p, a, b, c\n",
       "server.admin_auth.authorization.policy"},
      {"server: [\n", "YAML syntax error"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string path = dir.file("c" + std::to_string(i) + ".yaml");
    smg::test::write_file(path, cases[i].yaml);
    auto result = smg::test::run_smgctl({"config", "validate", path});
    INFO(cases[i].yaml);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(cases[i].expected) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find("hunter2") == std::string::npos);
  }
  // A valid config creates nothing: not its data directory, stores or audit file.
  std::string data_dir = dir.file("data");
  std::string audit = dir.file("logs/audit.log");
  std::filesystem::create_directories(dir.file("logs"));
  smg::test::write_file(dir.file("ok.yaml"), "server:\n  port: 0\n  data_dir: " + data_dir +
                                                 "\n  control_plane:\n    api_keys_env: SMG_TEST_VALIDATE_KEYS\n"
                                                 "    audit_log_file: " + audit + "\n");
  ::setenv("SMG_TEST_VALIDATE_KEYS", "ops:Ops:admin:validate-admin-key-0123456789", 1);
  auto ok = smg::test::run_smgctl({"config", "validate", dir.file("ok.yaml")});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("valid") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data_dir));
  CHECK_FALSE(std::filesystem::exists(audit));
  // An unusable data directory is still an error.
  smg::test::write_file(dir.file("file"), "x");
  smg::test::write_file(dir.file("bad.yaml"),
                        "server:\n  port: 0\n  data_dir: " + dir.file("file") + "\n");
  auto bad = smg::test::run_smgctl({"config", "validate", dir.file("bad.yaml")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("server.data_dir " + dir.file("file") + " is not a directory") !=
        std::string::npos);
  // A data directory that could never be created (below a regular file), an audit file that is
  // a directory.
  smg::test::write_file(dir.file("below.yaml"),
                        "server:\n  port: 0\n  data_dir: " + dir.file("file/data") + "\n");
  auto below = smg::test::run_smgctl({"config", "validate", dir.file("below.yaml")});
  CHECK(below.exit_code == 2);
  CHECK(below.err.find("cannot create server.data_dir " + dir.file("file/data")) !=
        std::string::npos);
  smg::test::write_file(dir.file("audit-dir.yaml"),
                        "server:\n  port: 0\n  data_dir: " + data_dir +
                            "\n  control_plane:\n    api_keys_env: SMG_TEST_VALIDATE_KEYS\n"
                            "    audit_log_file: " + dir.file("logs") + "\n");
  auto audit_dir = smg::test::run_smgctl({"config", "validate", dir.file("audit-dir.yaml")});
  CHECK(audit_dir.exit_code == 2);
  CHECK(audit_dir.err.find("server.control_plane.audit_log_file " + dir.file("logs") +
                           " is a directory") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data_dir));
}
