#include "server/tokenizers/tokenizer_registry.h"

#include <algorithm>
#include <cstdio>

#include "common/crypto/crypto.h"
#include "common/thread/thread_name.h"

namespace smg::server::tokenizers {

const char* job_state_name(JobState state) {
  switch (state) {
    case JobState::kPending: return "pending";
    case JobState::kProcessing: return "processing";
    case JobState::kFailed: return "failed";
  }
  return "failed";
}

std::string uuid_v7() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  std::string bytes = crypto::random_bytes(16);
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<char>((ms >> (8 * (5 - i))) & 0xFF);
  bytes[6] = static_cast<char>(0x70 | (bytes[6] & 0x0F));
  bytes[8] = static_cast<char>(0x80 | (bytes[8] & 0x3F));
  std::string hex = crypto::to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) +
         "-" + hex.substr(20);
}

TokenizerRegistry::TokenizerRegistry(RegistryOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

TokenizerRegistry::~TokenizerRegistry() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Result<std::string> TokenizerRegistry::submit(const std::string& name, const std::string& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  evict_expired_locked(now);
  if (auto existing = id_by_name_.find(name); existing != id_by_name_.end() && !name.empty()) {
    return Status(Code::kAlreadyExists, "tokenizer_exists", existing->second);
  }
  if (queue_.size() >= options_.queue_capacity) {
    return Status(Code::kResourceExhausted, "job_queue_full",
                  "Job queue full: " + std::to_string(queue_.size()) + " jobs pending (capacity: " +
                      std::to_string(options_.queue_capacity) + ")");
  }
  std::string id = uuid_v7();
  jobs_[id] = JobStatus{JobState::kPending, "", now};
  queue_.push_back({id, name, source});
  changed_.notify_all();
  return id;
}

Result<std::string> TokenizerRegistry::load_now(const std::string& name, const std::string& source) {
  Job job{uuid_v7(), name, source};
  Status status = load(job);
  if (!status.ok()) return status;
  return job.id;
}

Status TokenizerRegistry::load(const Job& job) {
  if (job.name.empty()) return invalid_argument("tokenizer_load_failed", "tokenizer name cannot be empty");
  if (job.source.empty()) return invalid_argument("tokenizer_load_failed", "tokenizer source cannot be empty");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto existing = id_by_name_.find(job.name); existing != id_by_name_.end()) {
      return Status(Code::kAlreadyExists, "tokenizer_exists",
                    "Tokenizer '" + job.name + "' already exists (id: " + existing->second + ")");
    }
  }
  Result<TokenizerPtr> loaded = options_.loader
                                    ? options_.loader(job.source)
                                    : Result<TokenizerPtr>(internal_error("tokenizer_load_failed", "no loader"));
  if (!loaded.ok()) return loaded.status();
  std::lock_guard<std::mutex> lock(mutex_);
  // Loads run one at a time on this thread, but load_now may race a queued job for a name.
  if (auto existing = id_by_name_.find(job.name); existing != id_by_name_.end()) {
    return Status(Code::kAlreadyExists, "tokenizer_exists",
                  "Tokenizer '" + job.name + "' already exists (id: " + existing->second + ")");
  }
  by_id_[job.id] = TokenizerEntry{job.id, job.name, job.source, *loaded};
  id_by_name_[job.name] = job.id;
  return Status();
}

void TokenizerRegistry::run() {
  set_thread_name("smg-tokenizers");
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = queue_.front();
    queue_.pop_front();
    jobs_[job.id] = JobStatus{JobState::kProcessing, "", std::chrono::steady_clock::now()};
    changed_.notify_all();
    lock.unlock();
    Status status = load(job);
    lock.lock();
    if (status.ok()) {
      jobs_.erase(job.id);
    } else {
      jobs_[job.id] = JobStatus{JobState::kFailed, status.message(), std::chrono::steady_clock::now()};
    }
    changed_.notify_all();
  }
}

void TokenizerRegistry::evict_expired_locked(std::chrono::steady_clock::time_point now) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    bool expired = it->second.state == JobState::kFailed && now - it->second.updated_at > options_.failed_ttl;
    it = expired ? jobs_.erase(it) : std::next(it);
  }
}

std::optional<TokenizerEntry> TokenizerRegistry::find_by_name(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto id = id_by_name_.find(name);
  if (id == id_by_name_.end()) return std::nullopt;
  return by_id_.at(id->second);
}

std::optional<TokenizerEntry> TokenizerRegistry::find_by_id(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return std::nullopt;
  return found->second;
}

std::vector<TokenizerEntry> TokenizerRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<TokenizerEntry> out;
  for (const auto& [name, id] : id_by_name_) out.push_back(by_id_.at(id));  // id_by_name_ is sorted
  return out;
}

std::optional<TokenizerEntry> TokenizerRegistry::remove(const std::string& id_or_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = by_id_.find(id_or_name);
  if (found == by_id_.end()) {
    auto by_name = id_by_name_.find(id_or_name);
    if (by_name == id_by_name_.end()) return std::nullopt;
    found = by_id_.find(by_name->second);
  }
  TokenizerEntry entry = found->second;
  id_by_name_.erase(entry.name);
  by_id_.erase(found);
  return entry;
}

std::optional<JobStatus> TokenizerRegistry::job(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end()) return std::nullopt;
  if (found->second.state == JobState::kFailed &&
      std::chrono::steady_clock::now() - found->second.updated_at > options_.failed_ttl) {
    return std::nullopt;
  }
  return found->second;
}

std::size_t TokenizerRegistry::pending_jobs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool TokenizerRegistry::wait_for_job(const std::string& id, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    auto found = jobs_.find(id);
    return found == jobs_.end() || found->second.state == JobState::kFailed;
  });
}

}  // namespace smg::server::tokenizers
