// The request log shared through PostgreSQL (server.request_log.backend: postgres): several
// `smgctl serve` replicas write into one real PostgreSQL (tests/support/postgres_server.h), a
// report on any replica counts every replica's requests, and a PostgreSQL restart under load
// loses nothing below the queue bound (above it, records are dropped and counted; requests are
// never held up). The DSN, password included, never shows in a gateway's output.
#include <atomic>
#include <set>
#include <thread>

#include "tests/integration/request_log_test_support.h"
#include "tests/support/postgres_server.h"

using namespace smg::test::reports;
using nlohmann::json;
using smg::test::PostgresServer;

namespace {

const std::string kChat = R"({"model":"m1","messages":[{"role":"user","content":"shared log"}]})";

std::string postgres_yaml(std::size_t queue_size = 10000) {
  return "  request_log: { backend: postgres, dsn_env: SMG_TEST_PG_DSN, queue_size: " +
         std::to_string(queue_size) + " }\n";
}

std::map<std::string, std::string> postgres_env(const std::string& dsn) {
  return {{"SMG_TEST_PG_DSN", dsn}};
}

int send_chats(httplib::Client& client, int count, const std::string& id_prefix) {
  int ok = 0;
  for (int i = 0; i < count; ++i) {
    auto answer = client.Post("/v1/chat/completions",
                              token("app", {{"x-request-id", id_prefix + std::to_string(i)}}),
                              kChat, "application/json");
    ok += answer && answer->status == 200 ? 1 : 0;
  }
  return ok;
}

double metric(httplib::Client& client, const std::string& name) {
  auto metrics = client.Get("/metrics", token("cleaner"));
  REQUIRE(metrics);
  return metric_sum(metrics->body, name);
}

// The summary on `client`'s replica once it answers (its reader reconnects after an outage).
json summary(httplib::Client& client) {
  json body;
  bool answered = smg::test::eventually(
      [&] {
        auto got = client.Get("/admin/reports/api/summary", as_admin("admin"));
        if (!got || got->status != 200) return false;
        body = json::parse(got->body, nullptr, false);
        return true;
      },
      std::chrono::seconds(15));
  REQUIRE(answered);
  return body;
}

struct RestartOnExit {
  ~RestartOnExit() {
    if (!PostgresServer::shared().running()) PostgresServer::shared().start();
  }
};

}  // namespace

TEST_CASE("request log postgres: three replicas write one log and one report counts them all",
          "[requestlog][postgres][replicas][integration]") {
  auto& pg = PostgresServer::shared();
  std::string dsn = pg.dsn(pg.create_database());
  std::vector<std::unique_ptr<ReportsGateway>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(std::make_unique<ReportsGateway>(std::vector<std::string>{},
                                                        postgres_yaml(), postgres_env(dsn)));
  }
  int made = 0;
  const int per_replica[] = {25, 15, 10};
  for (int i = 0; i < 3; ++i) {
    auto client = replicas[static_cast<std::size_t>(i)]->client();
    made += send_chats(client, per_replica[i], "r" + std::to_string(i) + "-");
  }
  REQUIRE(made == 50);
  for (auto& replica : replicas) {
    auto client = replica->client();
    wait_for_records(client, 1);
  }

  for (auto& replica : replicas) {  // any replica's report covers every replica
    auto client = replica->client();
    json body = summary(client);
    INFO(body.dump());
    CHECK(body["summary"]["requests"] == made);
    CHECK(body["summary"]["errors"] == 0);
  }
  auto client = replicas[1]->client();
  auto listed = json_of(client.Get("/admin/reports/api/requests?limit=200", as_admin("admin")));
  REQUIRE(listed["requests"].size() == static_cast<std::size_t>(made));
  std::set<std::string> prefixes;
  for (const auto& row : listed["requests"]) {
    prefixes.insert(row["request_id"].get<std::string>().substr(0, 3));
  }
  CHECK(prefixes == std::set<std::string>{"r0-", "r1-", "r2-"});
  auto detail = json_of(client.Get("/admin/reports/api/request/r0-3", as_admin("admin")));
  CHECK(detail["request"]["request_id"] == "r0-3");  // drill-down into another replica's record
  for (auto& replica : replicas) {
    auto& gateway = replica->fixture().gateway();
    gateway.stop();
    CHECK(gateway.err().find(pg.password()) == std::string::npos);
    CHECK(gateway.out().find(pg.password()) == std::string::npos);
  }
}

TEST_CASE("request log postgres: a restart under load loses no record below the queue bound",
          "[requestlog][postgres][outage][integration]") {
  RestartOnExit restart;
  auto& pg = PostgresServer::shared();
  std::string dsn = pg.dsn(pg.create_database());
  ReportsGateway gateway({}, postgres_yaml(100000), postgres_env(dsn));

  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      auto client = gateway.client();
      for (int i = 0; !stop; ++i) {
        auto answer = client.Post("/v1/chat/completions",
                                  token("app", {{"x-request-id", "load-" + std::to_string(t) +
                                                                     "-" + std::to_string(i)}}),
                                  kChat, "application/json");
        (answer && answer->status == 200 ? answered : failed)++;
      }
    });
  }
  auto wait_for_answers = [&](int count) {
    int target = answered + count;
    return smg::test::eventually([&] { return answered >= target; }, std::chrono::seconds(20));
  };
  CHECK(wait_for_answers(100));
  pg.stop();
  CHECK(wait_for_answers(300));  // served on while the log's database is away
  pg.start();
  CHECK(wait_for_answers(100));
  stop = true;
  for (auto& thread : load) thread.join();
  CHECK(failed == 0);

  auto client = gateway.client();
  int requests = wait_for_records(client, answered);  // every record written once it returned
  CHECK(requests == answered);
  CHECK(metric(client, "smg_request_log_dropped_total") == 0);
  CHECK(metric(client, "smg_request_log_failed_total") == 0);
  CHECK(metric(client, "smg_request_log_retries_total") > 0);
  json body = summary(client);
  CHECK(body["summary"]["requests"] == requests);
  auto& process = gateway.fixture().gateway();
  process.stop();
  CHECK(process.err().find("PostgreSQL") != std::string::npos);  // the outage was logged
  CHECK(process.err().find(pg.password()) == std::string::npos);
}

TEST_CASE("request log postgres: above the queue bound records are dropped and counted",
          "[requestlog][postgres][outage][integration]") {
  RestartOnExit restart;
  auto& pg = PostgresServer::shared();
  std::string dsn = pg.dsn(pg.create_database());
  ReportsGateway gateway({}, postgres_yaml(20), postgres_env(dsn));
  auto client = gateway.client();

  pg.stop();
  auto began = std::chrono::steady_clock::now();
  CHECK(send_chats(client, 100, "over-") == 100);  // answered, none held up by the log
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(20));
  CHECK(smg::test::eventually(
      [&] { return metric(client, "smg_request_log_dropped_total") == 80; },
      std::chrono::seconds(10)));
  pg.start();
  CHECK(smg::test::eventually(
      [&] { return metric(client, "smg_request_log_written_total") == 20; },
      std::chrono::seconds(15)));
  CHECK(metric(client, "smg_request_log_dropped_total") == 80);
  json body = summary(client);
  CHECK(body["summary"]["requests"] == 20);
}
