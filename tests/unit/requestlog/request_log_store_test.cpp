// The store's cases run on both backends (GENERATE "sqlite", "postgres"); the PostgreSQL-only
// cases (replicas migrating at once, the purge lock, an outage) are in
// request_log_postgres_test.cpp.
#include "server/requestlog/request_log_store.h"

#include <catch2/catch.hpp>

#include "server/requestlog/report_queries.h"
#include "server/requestlog/store_schema.h"
#include "tests/support/request_log_backend.h"

using smg::requestlog::CapturedContent;
using smg::requestlog::RecordFilter;
using smg::requestlog::RequestLogStore;
using smg::requestlog::RequestRecord;

namespace {

RequestRecord record(const std::string& id, const std::string& domain, int64_t ts_ms,
                     int status = 200) {
  RequestRecord r;
  r.request_id = id;
  r.timestamp_ms = ts_ms;
  r.caller_subject = "caller:" + domain.substr(0, domain.find('/'));
  r.caller_domain = domain;
  r.auth_method = "caller_token";
  r.model = "m1";
  r.worker = "http://127.0.0.1:9";
  r.route = "chat_completions";
  r.status = status;
  r.upstream_status = status;
  r.latency_us = 1000;
  r.ttfb_us = 500;
  r.usage.prompt_tokens = 3;
  r.usage.completion_tokens = 2;
  r.usage.total_tokens = 5;
  return r;
}

CapturedContent content(int64_t expires_at_ms) {
  return CapturedContent{"{\"prompt\":1}", "{\"answer\":2}", false, true, 0, expires_at_ms};
}

RecordFilter scope(std::vector<std::string> domains) {
  RecordFilter filter;
  filter.domains = std::move(domains);
  return filter;
}

}  // namespace

TEST_CASE("request log store: migrates a version 1 database and keeps its rows",
          "[requestlog][store][migration]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
  smg::test::RequestLogBackend db(backend);
  {
    auto old = db.connect();
    REQUIRE(smg::requestlog::migrate(*old, 1).ok());
    REQUIRE(smg::requestlog::schema_version(*old) == 1);
    const char* old_row =
        "INSERT INTO requests (request_id, ts_ms, caller_subject, caller_domain, auth_method, model,"
        " worker, route, status, upstream_status, latency_us, ttfb_us, stream, prompt_tokens,"
        " completion_tokens, total_tokens, error_type) VALUES ('old-1', 1000, 'caller:a',"
        " 'a/prod', 'caller_token', 'm0', 'w', 'chat_completions', 200, 200, 10, 5, 0, 1, 1, 2, '')";
    REQUIRE(old->execute(old_row).ok());
  }

  auto store = db.open();
  CHECK(store->schema_version() == smg::requestlog::kLatestSchemaVersion);
  auto rows = store->list(scope({"a/prod"}));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].request_id == "old-1");
  CHECK((*rows)[0].client_addr.empty());  // the column version 2 added, with its default
  SECTION("the migrated database takes new rows with content") {
    std::vector<RequestRecord> batch{record("new-1", "a/prod", 2000)};
    batch[0].content = content(5000);
    batch[0].client_addr = "127.0.0.1";
    REQUIRE(store->insert(batch).ok());
    auto found = store->find("new-1", {"a/prod"});
    REQUIRE(found.ok());
    REQUIRE(*found);
    CHECK((*found)->client_addr == "127.0.0.1");
    auto stored = store->content((*found)->seq);
    REQUIRE(stored.ok());
    REQUIRE(*stored);
    CHECK((*stored)->response_truncated);
  }
  SECTION("reopening applies nothing twice") {
    store.reset();
    auto again = db.open();
    CHECK(again->schema_version() == smg::requestlog::kLatestSchemaVersion);
    auto applied = again->query("SELECT COUNT(*) FROM schema_migrations", {});
    REQUIRE(applied.ok());
    CHECK(applied->front().integer(0) == smg::requestlog::kLatestSchemaVersion);
  }
}

TEST_CASE("request log store: refuses a database from a newer gateway",
          "[requestlog][store][migration]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
  smg::test::RequestLogBackend db(backend);
  db.open().reset();
  REQUIRE(db.connect()->execute("INSERT INTO schema_migrations VALUES (99, 'future', 0)").ok());
  auto store = db.try_open();
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().reason() == "request_log_unavailable");
  CHECK(store.status().message().find("newer") != std::string::npos);
}

TEST_CASE("request log store: lists newest first, filtered and scoped to domains",
          "[requestlog][store]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
  smg::test::RequestLogBackend db(backend);
  auto store = db.open();
  std::vector<RequestRecord> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(record("a" + std::to_string(i), "a/prod", 1000 + i));
  batch.push_back(record("b0", "b/prod", 2000, 502));
  batch.back().error_type = "upstream_connect_failed";
  batch.push_back(record("u0", "", 2001, 401));
  REQUIRE(store->insert(batch).ok());
  CHECK(batch[0].seq > 0);
  CHECK(batch[1].seq == batch[0].seq + 1);

  SECTION("scope") {
    CHECK(store->list(scope({"a/prod"}))->size() == 10);
    CHECK(store->list(scope({"a/prod", "b/prod"}))->size() == 11);
    CHECK(store->list(scope({}))->empty());  // no domain: nothing, never everything
    RecordFilter unscoped = scope({});
    unscoped.include_unscoped = true;
    CHECK(store->list(unscoped)->size() == 1);
  }
  SECTION("keyset pagination") {
    RecordFilter filter = scope({"a/prod"});
    filter.limit = 4;
    auto first = store->list(filter);
    REQUIRE(first->size() == 4);
    CHECK((*first)[0].request_id == "a9");
    filter.before_seq = first->back().seq;
    auto second = store->list(filter);
    REQUIRE(second->size() == 4);
    CHECK((*second)[0].request_id == "a5");
  }
  SECTION("filters") {
    RecordFilter errors = scope({"a/prod", "b/prod"});
    errors.errors_only = true;
    REQUIRE(store->list(errors)->size() == 1);
    RecordFilter fives = scope({"a/prod", "b/prod"});
    fives.status_class = 5;
    CHECK(store->list(fives)->size() == 1);
    RecordFilter range = scope({"a/prod"});
    range.from_ms = 1003;
    range.to_ms = 1006;
    CHECK(store->list(range)->size() == 3);
    RecordFilter model = scope({"a/prod"});
    model.model = "other";
    CHECK(store->list(model)->empty());
  }
  SECTION("find is scoped: another domain's id is not found") {
    CHECK(*store->find("b0", {"b/prod"}));
    CHECK_FALSE(*store->find("b0", {"a/prod"}));
    CHECK(*store->find_any("b0"));
  }
}

TEST_CASE("request log store: retention purge and delete of captured content",
          "[requestlog][store][retention]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
  smg::test::RequestLogBackend db(backend);
  auto store = db.open();
  std::vector<RequestRecord> batch{record("old", "a/prod", 1), record("new", "a/prod", 2),
                                   record("other", "b/prod", 3)};
  batch[0].content = content(1000);
  batch[1].content = content(9000);
  batch[2].content = content(1000);
  REQUIRE(store->insert(batch).ok());

  SECTION("purge removes content whose retention ended, keeps the records") {
    auto purged = store->purge_expired_content(5000);
    REQUIRE(purged.ok());
    CHECK(*purged == 2);
    CHECK_FALSE(*store->content(batch[0].seq));
    CHECK(*store->content(batch[1].seq));
    CHECK(store->list(scope({"a/prod", "b/prod"}))->size() == 3);
  }
  SECTION("purge limited to domains") {
    std::vector<std::string> only_b{"b/prod"};
    CHECK(*store->purge_expired_content(5000, &only_b) == 1);
    CHECK(*store->content(batch[0].seq));
    CHECK_FALSE(*store->content(batch[2].seq));
    std::vector<std::string> none;
    CHECK(*store->purge_expired_content(5000, &none) == 0);
  }
  SECTION("delete one capture") {
    CHECK(*store->delete_content(batch[1].seq));
    CHECK_FALSE(*store->delete_content(batch[1].seq));
    CHECK_FALSE(*store->content(batch[1].seq));
  }
}

TEST_CASE("report queries: totals percentiles groups and buckets", "[requestlog][reports]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
  smg::test::RequestLogBackend db(backend);
  auto store = db.open();
  std::vector<RequestRecord> batch;
  for (int i = 1; i <= 100; ++i) {
    RequestRecord r = record("r" + std::to_string(i), "a/prod", 60000 * (i % 2), i % 10 == 0 ? 500 : 200);
    r.latency_us = i * 1000;  // 1..100 ms
    r.model = i <= 30 ? "small" : "large";
    batch.push_back(r);
  }
  REQUIRE(store->insert(batch).ok());
  smg::requestlog::ReportQueries queries(*store);
  auto summary = queries.summary(scope({"a/prod"}));
  REQUIRE(summary.ok());
  CHECK(summary->totals.requests == 100);
  CHECK(summary->totals.errors == 10);
  CHECK(summary->totals.total_tokens == 500);
  CHECK(summary->p50_latency_ms == Approx(50.0));
  CHECK(summary->p95_latency_ms == Approx(95.0));
  auto by_model = queries.breakdown(scope({"a/prod"}), smg::requestlog::Dimension::kModel);
  REQUIRE(by_model->size() == 2);
  CHECK((*by_model)[0].key == "large");
  CHECK((*by_model)[0].totals.requests == 70);
  auto buckets = queries.timeseries(scope({"a/prod"}), 60000);
  REQUIRE(buckets->size() == 2);
  CHECK((*buckets)[0].start_ms == 0);
  CHECK((*buckets)[1].start_ms == 60000);
  CHECK((*buckets)[0].totals.requests + (*buckets)[1].totals.requests == 100);
  CHECK(queries.summary(scope({"b/prod"}))->totals.requests == 0);
}
