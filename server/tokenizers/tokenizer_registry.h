// TokenizerRegistry: the gateway's named tokenizers and the jobs that load them, as SMG's
// registry and job queue behave (reference §1.1). submit() queues a load and returns at once;
// a thread of the registry's own takes jobs one at a time: pending → processing → completed (the
// job entry goes away and the registry answers for the tokenizer) or failed (the one-line reason
// stays for `failed_ttl`). A tokenizer becomes visible only once fully loaded, so nothing
// half-loaded is ever served. Names are unique; a second load of a loaded name fails.
// Thread-safety: every method may be called from many threads at once.
//
//   TokenizerRegistry registry({.loader = make_source_loader({.data_dir = "/var/lib/smg"})});
//   auto id = registry.submit("llama3", "meta-llama/Llama-3.1-8B-Instruct");  // a UUIDv7
//   auto entry = registry.find("llama3");   // once the job is done
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/tokenizer/tokenizer.h"

namespace smg::server::tokenizers {

using TokenizerPtr = std::shared_ptr<const tokenizer::Tokenizer>;
// Turns a source (path or Hub id) into a loaded tokenizer; runs on the registry's thread.
using SourceLoader = std::function<Result<TokenizerPtr>(const std::string& source)>;

struct TokenizerEntry {
  std::string id;
  std::string name;
  std::string source;
  TokenizerPtr tokenizer;
};

enum class JobState { kPending, kProcessing, kFailed };
const char* job_state_name(JobState state);

struct JobStatus {
  JobState state = JobState::kPending;
  std::string message;  // the load error when failed
  std::chrono::steady_clock::time_point updated_at;
};

struct RegistryOptions {
  SourceLoader loader;
  std::size_t queue_capacity = 1000;          // --job-queue-capacity
  std::chrono::seconds failed_ttl{300};       // failed jobs answer /status this long
};

class TokenizerRegistry {
 public:
  explicit TokenizerRegistry(RegistryOptions options);
  ~TokenizerRegistry();  // stops the loading thread; a job in progress finishes first
  TokenizerRegistry(const TokenizerRegistry&) = delete;
  TokenizerRegistry& operator=(const TokenizerRegistry&) = delete;

  // Queues a load; returns the new id. kAlreadyExists (message = the existing id) when the name
  // is loaded, kResourceExhausted when the queue is full. Empty names or sources are accepted
  // here and fail in the job, as SMG's do.
  Result<std::string> submit(const std::string& name, const std::string& source);
  // Loads on the caller's thread (start-up: --tokenizer NAME=SOURCE, server.tokenizers).
  Result<std::string> load_now(const std::string& name, const std::string& source);

  std::optional<TokenizerEntry> find_by_name(const std::string& name) const;
  std::optional<TokenizerEntry> find_by_id(const std::string& id) const;
  std::vector<TokenizerEntry> list() const;  // sorted by name
  // Removes by id, then by name; returns the removed entry.
  std::optional<TokenizerEntry> remove(const std::string& id_or_name);
  std::optional<JobStatus> job(const std::string& id) const;
  std::size_t pending_jobs() const;
  std::size_t queue_capacity() const { return options_.queue_capacity; }

  // Blocks until the job `id` has left pending/processing or `timeout` passes (tests, --wait).
  bool wait_for_job(const std::string& id, std::chrono::milliseconds timeout) const;

 private:
  struct Job {
    std::string id;
    std::string name;
    std::string source;
  };
  void run();
  Status load(const Job& job);
  void evict_expired_locked(std::chrono::steady_clock::time_point now);

  RegistryOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, TokenizerEntry> by_id_;
  std::map<std::string, std::string> id_by_name_;
  std::map<std::string, JobStatus> jobs_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// A time-ordered UUID (version 7), as SMG's Uuid::now_v7().
std::string uuid_v7();

}  // namespace smg::server::tokenizers
