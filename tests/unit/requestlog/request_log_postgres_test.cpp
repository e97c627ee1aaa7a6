// The request log on PostgreSQL where it differs from SQLite: several replicas share one
// database (migrations and purges take advisory locks), and the server can go away and return
// (records wait in the writer's queue). Against a real PostgreSQL (tests/support/postgres_server.h).
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "common/clock/clock.h"
#include "server/requestlog/request_log_writer.h"
#include "server/requestlog/store_schema.h"
#include "tests/support/eventually.h"
#include "tests/support/request_log_backend.h"

using smg::requestlog::RecordFilter;
using smg::requestlog::RequestLogStore;
using smg::requestlog::RequestRecord;

namespace {

RequestRecord record(int i) {
  RequestRecord r;
  r.request_id = "pg-" + std::to_string(i);
  r.timestamp_ms = 1000 + i;
  r.caller_domain = "a/prod";
  r.status = 200;
  return r;
}

int64_t rows(RequestLogStore& store) {
  auto count = store.query("SELECT COUNT(*) FROM requests", {});
  REQUIRE(count.ok());
  return count->front().integer(0);
}

std::string lock_key(smg::requestlog::ClusterLock lock) {
  return std::to_string(static_cast<int64_t>(lock));
}

// Restarts the shared server if a test left it stopped, so later tests find it up.
struct RestartOnExit {
  ~RestartOnExit() {
    auto& pg = smg::test::PostgresServer::shared();
    if (!pg.running()) pg.start();
  }
};

}  // namespace

TEST_CASE("request log postgres: replicas migrating at once apply each migration once",
          "[requestlog][postgres][migration]") {
  smg::test::RequestLogBackend db("postgres");
  constexpr int kReplicas = 4;
  std::vector<smg::Result<std::unique_ptr<RequestLogStore>>> opened;
  for (int i = 0; i < kReplicas; ++i) opened.emplace_back(smg::internal_error("x", "not run"));
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] { opened[static_cast<std::size_t>(i)] = db.try_open(); });
  }
  for (auto& replica : replicas) replica.join();
  for (auto& store : opened) {
    INFO(store.status().message());
    REQUIRE(store.ok());
    CHECK((*store)->schema_version() == smg::requestlog::kLatestSchemaVersion);
  }
  auto applied = (*opened[0])->query("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations", {});
  REQUIRE(applied.ok());
  CHECK(applied->front().integer(0) == smg::requestlog::kLatestSchemaVersion);
  CHECK(applied->front().integer(1) == smg::requestlog::kLatestSchemaVersion);
  // Every replica writes into the one log.
  for (int i = 0; i < kReplicas; ++i) {
    std::vector<RequestRecord> batch{record(i)};
    REQUIRE((*opened[static_cast<std::size_t>(i)])->insert(batch).ok());
  }
  CHECK(rows(**opened[0]) == kReplicas);
}

TEST_CASE("request log postgres: the timer purge runs on one replica at a time",
          "[requestlog][postgres][retention]") {
  smg::test::RequestLogBackend db("postgres");
  auto replica_a = db.open();
  auto replica_b = db.open();
  std::vector<RequestRecord> batch{record(1)};
  batch[0].content = smg::requestlog::CapturedContent{"in", "out", false, false, 0, 10};
  REQUIRE(replica_a->insert(batch).ok());

  // Another replica is purging: it holds the purge lock for its transaction.
  auto other = db.connect();
  REQUIRE(other->execute("BEGIN").ok());
  REQUIRE(other->execute("SELECT pg_advisory_xact_lock(" +
                         lock_key(smg::requestlog::ClusterLock::kPurge) + ")")
              .ok());
  auto skipped = replica_b->purge_expired_content(1000);
  REQUIRE(skipped.ok());
  CHECK(*skipped == 0);
  CHECK(*replica_b->content(batch[0].seq));  // left for the replica holding the lock

  REQUIRE(other->execute("COMMIT").ok());
  auto purged = replica_b->purge_expired_content(1000);
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  CHECK_FALSE(*replica_a->content(batch[0].seq));
}

TEST_CASE("request log postgres: client text that is not UTF-8 is stored, not refused",
          "[requestlog][postgres][attack]") {
  smg::test::RequestLogBackend db("postgres");
  auto store = db.open();
  std::vector<RequestRecord> batch{record(1), record(2)};
  batch[0].request_id = std::string("bad-\xff\xfe-id");
  batch[0].model = std::string("nul\0inside", 10);
  batch[1].request_id = "tab\tnew\nline\\back\r";  // COPY's own separators and escape
  batch[1].content = smg::requestlog::CapturedContent{std::string("\0\xff\x01", 3), "", false,
                                                      false, 0, 10};
  REQUIRE(store->insert(batch).ok());
  RecordFilter filter;
  filter.domains = {"a/prod"};
  auto listed = store->list(filter);
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[1].request_id == "bad-\xEF\xBF\xBD\xEF\xBF\xBD-id");  // U+FFFD each
  CHECK((*listed)[1].model == "nul?inside");
  CHECK((*listed)[0].request_id == "tab\tnew\nline\\back\r");
  auto body = store->content(batch[1].seq);
  REQUIRE(*body);
  CHECK((*body)->request_body == std::string("\0\xff\x01", 3));  // bodies keep their bytes
  CHECK((*body)->response_body.empty());
}

TEST_CASE("request log postgres: a restart fails calls fast and the store reconnects",
          "[requestlog][postgres][outage]") {
  RestartOnExit restart;
  auto& pg = smg::test::PostgresServer::shared();
  smg::test::RequestLogBackend db("postgres");
  auto store = db.open();
  std::vector<RequestRecord> batch{record(1)};
  REQUIRE(store->insert(batch).ok());

  pg.stop();
  auto began = std::chrono::steady_clock::now();
  batch = {record(2)};
  smg::Status down = store->insert(batch);
  CHECK(down.reason() == "request_log_unreachable");
  auto listed = store->query("SELECT COUNT(*) FROM requests", {});
  CHECK(listed.status().reason() == "request_log_unreachable");
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(2));

  pg.start();
  CHECK(smg::test::eventually([&] { return store->insert(batch).ok(); }, std::chrono::seconds(15)));
  CHECK(smg::test::eventually([&] { return store->query("SELECT 1", {}).ok(); },
                              std::chrono::seconds(15)));
  CHECK(rows(*store) == 2);
}

TEST_CASE("request log writer: records wait while PostgreSQL is down and overflow is counted",
          "[requestlog][postgres][writer][outage]") {
  RestartOnExit restart;
  auto& pg = smg::test::PostgresServer::shared();
  smg::test::RequestLogBackend db("postgres");
  auto store = db.open();
  smg::metrics::Registry metrics;
  smg::requestlog::WriterOptions options;
  options.queue_size = 100;
  options.retry_delay = std::chrono::milliseconds(50);
  options.purge_interval = std::chrono::milliseconds(0);
  smg::requestlog::RequestLogWriter writer(*store, options, metrics);
  writer.start();

  pg.stop();
  auto began = std::chrono::steady_clock::now();
  int accepted = 0;
  for (int i = 0; i < 80; ++i) accepted += writer.submit(record(i)) ? 1 : 0;
  // Let the writer take a batch and find the server gone.
  CHECK(smg::test::eventually([&] { return writer.retries() > 0; }, std::chrono::seconds(5)));
  for (int i = 80; i < 200; ++i) accepted += writer.submit(record(i)) ? 1 : 0;
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(6));
  CHECK(accepted == 100);  // the batch in hand counts against the bound
  CHECK(writer.dropped() == 100);
  CHECK(writer.written() == 0);

  pg.start();
  writer.flush();
  CHECK(writer.written() == 100);
  CHECK(rows(*store) == 100);
  CHECK(metrics.render().find("smg_request_log_failed_total 0") != std::string::npos);
  CHECK(metrics.render().find("smg_request_log_dropped_total 100") != std::string::npos);
}
