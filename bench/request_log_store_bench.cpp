// Request-log throughput by backend, in the same run: records submitted to a RequestLogWriter
// (the gateway's queue, 512-record batches) until flushed into SQLite (a WAL file, as with one
// gateway) and into PostgreSQL (multi-row INSERTs, as with replicas). Counters: records/s, and
// CPU microseconds per record: this process's, plus for PostgreSQL the server's (the postmaster
// and its backends, read from /proc), since that is CPU the machine spends too.
// Env: SMG_BENCH_PG_DSN (without it the PostgreSQL case is skipped), SMG_BENCH_PG_PID (the
// postmaster's pid). bench/request_log_postgres.sh starts a PostgreSQL and sets both.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/metrics/metrics.h"
#include "server/requestlog/request_log_store.h"
#include "server/requestlog/request_log_writer.h"

namespace {

constexpr int kRecordsPerIteration = 20000;

smg::requestlog::RequestRecord record(int i) {
  smg::requestlog::RequestRecord r;
  r.request_id = "bench-" + std::to_string(i) + "-4f9d2c1a7b3e";
  r.timestamp_ms = 1'700'000'000'000 + i;
  r.caller_subject = "caller:app" + std::to_string(i % 8);
  r.caller_domain = "example/prod";
  r.auth_method = "caller_token";
  r.model = i % 3 == 0 ? "llama-3-8b" : "qwen2-7b";
  r.worker = "http://10.0.0." + std::to_string(i % 4) + ":8000";
  r.route = "chat_completions";
  r.status = 200;
  r.upstream_status = 200;
  r.latency_us = 1000 + i % 5000;
  r.ttfb_us = 300 + i % 700;
  r.usage = {12, 34, 46};
  r.client_addr = "127.0.0.1";
  return r;
}

double process_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return double(t.tv_sec) * 1e6 + double(t.tv_usec); };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

// utime + stime of `pid` and of every process whose parent it is (PostgreSQL's backends).
double server_cpu_us(long pid) {
  if (pid <= 0) return 0;
  double ticks = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    long self = std::atol(entry.path().filename().c_str());
    if (self != pid && ppid != pid) continue;
    std::string skip;
    for (int i = 0; i < 9; ++i) fields >> skip;  // pgrp .. cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    ticks += utime + stime;
  }
  return ticks * 1e6 / double(sysconf(_SC_CLK_TCK));
}

void run(benchmark::State& state, smg::requestlog::RequestLogStore& store, long server_pid) {
  smg::metrics::Registry metrics;
  smg::requestlog::WriterOptions options;
  options.queue_size = kRecordsPerIteration * 2;
  options.purge_interval = std::chrono::milliseconds(0);
  smg::requestlog::RequestLogWriter writer(store, options, metrics);
  writer.start();
  double cpu_us = 0;
  int next = 0;
  for (auto _ : state) {
    double before = process_cpu_us() + server_cpu_us(server_pid);
    for (int i = 0; i < kRecordsPerIteration; ++i) writer.submit(record(next++));
    writer.flush();
    cpu_us += process_cpu_us() + server_cpu_us(server_pid) - before;
  }
  double records = double(state.iterations()) * kRecordsPerIteration;
  if (writer.written() != static_cast<uint64_t>(records)) state.SkipWithError("records lost");
  state.counters["records_per_s"] = benchmark::Counter(records, benchmark::Counter::kIsRate);
  state.counters["cpu_us_per_record"] = cpu_us / records;
}

void BM_RequestLogSqlite(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / ("smg-bench-log-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = smg::requestlog::RequestLogStore::open((dir / "request_log.db").string());
    if (!store.ok()) {
      state.SkipWithError(store.status().message().c_str());
    } else {
      run(state, **store, 0);
    }
  }
  std::filesystem::remove_all(dir);
}

void BM_RequestLogPostgres(benchmark::State& state) {
  const char* dsn = std::getenv("SMG_BENCH_PG_DSN");
  if (dsn == nullptr) {
    state.SkipWithError("SMG_BENCH_PG_DSN not set (run bench/request_log_postgres.sh)");
    for (auto _ : state) {
    }
    return;
  }
  const char* pid = std::getenv("SMG_BENCH_PG_PID");
  auto store = smg::requestlog::RequestLogStore::open_postgres(dsn);
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    for (auto _ : state) {
    }
    return;
  }
  run(state, **store, pid == nullptr ? 0 : std::atol(pid));
}

}  // namespace

BENCHMARK(BM_RequestLogSqlite)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_RequestLogPostgres)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK_MAIN();
