#include "server/requestlog/request_log_writer.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "common/clock/clock.h"
#include "tests/support/eventually.h"
#include "tests/support/peers.h"

using smg::requestlog::RecordFilter;
using smg::requestlog::RequestLogStore;
using smg::requestlog::RequestLogWriter;
using smg::requestlog::RequestRecord;
using smg::requestlog::WriterOptions;

namespace {

RequestRecord record(int i) {
  RequestRecord r;
  r.request_id = "req-" + std::to_string(i);
  r.timestamp_ms = 1000 + i;
  r.caller_domain = "a/prod";
  r.status = 200;
  return r;
}

std::size_t rows(RequestLogStore& store) {
  RecordFilter filter;
  filter.domains = {"a/prod"};
  filter.limit = 100000;
  return store.list(filter)->size();
}

std::unique_ptr<RequestLogStore> open_store(const smg::test::TempDir& dir) {
  auto store = RequestLogStore::open(dir.file("log.db"));
  REQUIRE(store.ok());
  return std::move(*store);
}

}  // namespace

TEST_CASE("request log writer: a full queue drops and counts without blocking",
          "[requestlog][writer]") {
  smg::test::TempDir dir;
  auto store = open_store(dir);
  smg::metrics::Registry metrics;
  WriterOptions options;
  options.queue_size = 8;
  options.purge_interval = std::chrono::milliseconds(0);
  RequestLogWriter writer(*store, options, metrics);
  // Not started: nothing drains, as when the disk stalls.
  auto began = std::chrono::steady_clock::now();
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += writer.submit(record(i)) ? 1 : 0;
  auto took = std::chrono::steady_clock::now() - began;
  CHECK(accepted == 8);
  CHECK(writer.dropped() == 992);
  CHECK(took < std::chrono::milliseconds(500));
  CHECK(metrics.render().find("smg_request_log_dropped_total 992") != std::string::npos);

  writer.start();
  writer.flush();
  CHECK(writer.written() == 8);
  CHECK(rows(*store) == 8);
  SECTION("once drained, the queue takes records again") {
    CHECK(writer.submit(record(5000)));
    writer.flush();
    CHECK(writer.written() == 9);
  }
}

TEST_CASE("request log writer: writes everything below the bound from many threads",
          "[requestlog][writer]") {
  smg::test::TempDir dir;
  auto store = open_store(dir);
  smg::metrics::Registry metrics;
  WriterOptions options;
  options.queue_size = 100000;
  options.batch_size = 64;
  RequestLogWriter writer(*store, options, metrics);
  writer.start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < 500; ++i) writer.submit(record(t * 1000 + i));
    });
  }
  for (auto& thread : threads) thread.join();
  writer.stop();  // writes what is queued before joining
  CHECK(writer.dropped() == 0);
  CHECK(writer.written() == 2000);
  CHECK(rows(*store) == 2000);
  CHECK_FALSE(writer.submit(record(1)));  // stopped: dropped, never blocked
}

TEST_CASE("request log writer: records gather into one transaction until flush or a full batch",
          "[requestlog][writer]") {
  smg::test::TempDir dir;
  auto store = open_store(dir);
  smg::metrics::Registry metrics;
  RequestLogWriter writer(*store,
                          {.batch_size = 64, .linger = std::chrono::seconds(30),
                           .purge_interval = std::chrono::milliseconds(0)},
                          metrics);
  writer.start();
  for (int i = 0; i < 40; ++i) REQUIRE(writer.submit(record(i)));
  auto began = std::chrono::steady_clock::now();
  writer.flush();  // cuts the 30 s linger short
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(10));
  CHECK(writer.written() == 40);
  CHECK(writer.commits() == 1);
  CHECK(rows(*store) == 40);

  // A full batch is written without waiting for the linger.
  for (int i = 100; i < 164; ++i) REQUIRE(writer.submit(record(i)));
  CHECK(smg::test::eventually([&] { return writer.written() == 104; }, std::chrono::seconds(10)));
  CHECK(writer.commits() == 2);

  // stop() writes what is queued at once, too.
  for (int i = 200; i < 210; ++i) REQUIRE(writer.submit(record(i)));
  began = std::chrono::steady_clock::now();
  writer.stop();
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(10));
  CHECK(rows(*store) == 114);
  CHECK(metrics.render().find("smg_request_log_commits_total 3") != std::string::npos);
}

TEST_CASE("request log writer: purges expired content on its timer", "[requestlog][writer][retention]") {
  smg::test::TempDir dir;
  auto store = open_store(dir);
  std::vector<RequestRecord> batch{record(1), record(2)};
  int64_t now = smg::unix_now_ms();
  batch[0].content = smg::requestlog::CapturedContent{"in", "out", false, false, now - 10, now - 1};
  batch[1].content = smg::requestlog::CapturedContent{"in", "out", false, false, now, now + 3600000};
  REQUIRE(store->insert(batch).ok());
  smg::metrics::Registry metrics;
  WriterOptions options;
  options.purge_interval = std::chrono::milliseconds(20);
  RequestLogWriter writer(*store, options, metrics);
  writer.start();
  CHECK(smg::test::eventually([&] { return !*store->content(batch[0].seq); },
                              std::chrono::seconds(5)));
  CHECK(*store->content(batch[1].seq));
  CHECK(metrics.render().find("smg_content_capture_purged_total 1") != std::string::npos);
}
