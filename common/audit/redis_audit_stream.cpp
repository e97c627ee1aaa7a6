#include "common/audit/redis_audit_stream.h"

#include "common/log/logger.h"
#include "common/thread/thread_name.h"

namespace smg::audit {
namespace {

constexpr std::size_t kQueueCapacity = 10000;
constexpr std::size_t kBatch = 200;
constexpr auto kRetryDelay = std::chrono::milliseconds(200);
constexpr auto kMaxReadWait = std::chrono::milliseconds(5000);

Status stream_unavailable() {
  return unavailable("audit_stream_unavailable", "The cluster audit stream is unavailable");
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 20 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

// [id, [field, value, ...]] → StreamedEvent; entries that are not ours are skipped.
bool decode_entry(const redis::Reply& entry, StreamedEvent& out) {
  if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[1].is_array()) {
    return false;
  }
  out.id = entry.elements[0].text;
  std::string replica;
  std::string line;
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].text == "replica") replica = fields[i + 1].text;
    if (fields[i].text == "event") line = fields[i + 1].text;
  }
  out.event = nlohmann::json::parse(line, nullptr, false);
  if (!out.event.is_object()) return false;
  out.event["replica"] = replica;
  return true;
}

std::vector<StreamedEvent> decode_entries(const redis::Reply& entries) {
  std::vector<StreamedEvent> out;
  for (const auto& entry : entries.elements) {
    StreamedEvent event;
    if (decode_entry(entry, event)) out.push_back(std::move(event));
  }
  return out;
}

redis::ClientOptions reader_options(redis::ClientOptions options) {
  options.command_timeout += kMaxReadWait;
  options.max_idle_connections = 4;
  return options;
}

}  // namespace

bool valid_stream_id(const std::string& id) {
  std::size_t dash = id.find('-');
  if (dash == std::string::npos) return all_digits(id);
  return all_digits(id.substr(0, dash)) && all_digits(id.substr(dash + 1));
}

RedisAuditStream::RedisAuditStream(redis::ClientOptions options, std::string key,
                                   std::size_t max_len, std::string replica)
    : options_(options),
      writer_(options),
      reader_(reader_options(options)),
      key_(std::move(key)),
      max_len_(max_len),
      replica_(std::move(replica)) {
  writer_thread_ = std::thread([this] { write_loop(); });
}

RedisAuditStream::~RedisAuditStream() {
  (void)flush(std::chrono::milliseconds(1000));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_thread_.join();
}

void RedisAuditStream::publish(const AuditEvent& event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= kQueueCapacity) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(event);
  }
  changed_.notify_all();
}

bool RedisAuditStream::write_batch(std::vector<AuditEvent>& batch) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& event : batch) {
    commands.push_back({"XADD", key_, "MAXLEN", "~", std::to_string(max_len_), "*", "replica",
                        replica_, "event", to_json_line(event)});
  }
  return writer_.pipeline(commands).ok();
}

// One writer keeps this replica's events in their order; a failed batch is retried as a whole
// (the pipeline may have written part of it: a rare duplicate beats a lost event).
void RedisAuditStream::write_loop() {
  set_thread_name("smg-audit-xadd");
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::size_t take = std::min(queue_.size(), kBatch);
    std::vector<AuditEvent> batch(queue_.begin(), queue_.begin() + static_cast<long>(take));
    in_flight_ = take;
    lock.unlock();
    bool written = write_batch(batch);
    lock.lock();
    in_flight_ = 0;
    if (written) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(take));
      changed_.notify_all();
      continue;
    }
    if (stopping_) return;
    changed_.wait_for(lock, kRetryDelay, [&] { return stopping_; });
  }
}

bool RedisAuditStream::flush(std::chrono::milliseconds deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return queue_.empty() && in_flight_ == 0; });
}

Result<std::vector<StreamedEvent>> RedisAuditStream::after(const std::string& id,
                                                           std::size_t limit) {
  auto reply = reader_.command(
      {"XRANGE", key_, "(" + id, "+", "COUNT", std::to_string(limit)});
  if (!reply.ok()) return stream_unavailable();
  return decode_entries(*reply);
}

Result<std::vector<StreamedEvent>> RedisAuditStream::since_time(int64_t from_ms,
                                                                std::size_t limit) {
  auto reply = reader_.command({"XRANGE", key_, std::to_string(std::max<int64_t>(0, from_ms)),
                                "+", "COUNT", std::to_string(limit)});
  if (!reply.ok()) return stream_unavailable();
  return decode_entries(*reply);
}

Result<std::vector<StreamedEvent>> RedisAuditStream::wait_after(const std::string& id,
                                                                std::chrono::milliseconds wait) {
  wait = std::min(wait, kMaxReadWait);
  auto reply = reader_.command({"XREAD", "COUNT", "1000", "BLOCK", std::to_string(wait.count()),
                                "STREAMS", key_, id});
  if (!reply.ok()) return stream_unavailable();
  if (!reply->is_array() || reply->elements.empty()) return std::vector<StreamedEvent>{};
  const redis::Reply& stream = reply->elements[0];
  if (!stream.is_array() || stream.elements.size() != 2) return std::vector<StreamedEvent>{};
  return decode_entries(stream.elements[1]);
}

}  // namespace smg::audit
