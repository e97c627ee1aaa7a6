#include "server/discovery/pod_watcher.h"

#include <algorithm>

#include "common/thread/thread_name.h"

namespace smg::discovery {
namespace {

bool is_gone(const Status& status) { return status.reason() == "kube_gone"; }

// A malformed or oversized event may have hidden a change: only a fresh LIST is safe.
bool needs_relist(const Status& status) {
  return status.reason() == "kube_bad_event" || status.reason() == "kube_line_too_long";
}

}  // namespace

PodWatcher::PodWatcher(PodApi& api, WatcherOptions options, PodWatcherListener& listener)
    : api_(api),
      options_(options),
      listener_(listener),
      jitter_state_(
          static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1) {}

PodWatcher::~PodWatcher() { stop(); }

void PodWatcher::start() {
  std::lock_guard<std::mutex> guard(wait_mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    set_thread_name("smg-discovery");
    run();
  });
}

void PodWatcher::stop() {
  {
    std::lock_guard<std::mutex> guard(wait_mutex_);
    stopping_ = true;
  }
  api_.cancel();
  wait_cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::vector<Pod> PodWatcher::pods() const {
  std::lock_guard<std::mutex> guard(store_mutex_);
  std::vector<Pod> out;
  out.reserve(store_.size());
  for (const auto& [key, pod] : store_) out.push_back(pod);
  return out;
}

std::string PodWatcher::resource_version() const {
  std::lock_guard<std::mutex> guard(store_mutex_);
  return resource_version_;
}

bool PodWatcher::wait_for(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(wait_mutex_);
  wait_cv_.wait_for(lock, delay, [this] { return stopping_; });
  return !stopping_;
}

std::chrono::milliseconds PodWatcher::next_backoff() {
  backoff_ = backoff_.count() == 0 ? options_.backoff_initial
                                   : std::min(backoff_ * 2, options_.backoff_max);
  // Half fixed, half random, so replicas that lost the API together do not return together.
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  auto half = backoff_.count() / 2;
  auto jitter =
      half > 0 ? static_cast<int64_t>(jitter_state_ % static_cast<uint64_t>(half + 1)) : 0;
  return std::chrono::milliseconds(half + jitter);
}

Status PodWatcher::list_all() {
  std::map<std::string, Pod> fresh;
  std::string version;
  std::string token;
  do {
    auto page = api_.list_pods(token);
    if (!page.ok()) return page.status();
    for (auto& pod : page->pods) {
      std::string key = pod.key();
      fresh[key] = std::move(pod);
    }
    version = page->resource_version;
    token = page->continue_token;
  } while (!token.empty());
  {
    std::lock_guard<std::mutex> guard(store_mutex_);
    store_ = std::move(fresh);
    resource_version_ = version;
  }
  lists_.fetch_add(1);
  synced_.store(true);
  listener_.on_api_ok();
  listener_.on_pods(pods());
  return Status::ok_status();
}

bool PodWatcher::apply_event(const WatchEvent& event, Status& stream_status) {
  if (event.type == WatchEventType::kError) {
    stream_status =
        event.expired()
            ? Status(Code::kFailedPrecondition, "kube_gone", event.error_message)
            : unavailable("kube_watch_error", "watch ERROR " + std::to_string(event.error_code) +
                                                  " " + event.error_reason);
    return false;
  }
  std::lock_guard<std::mutex> guard(store_mutex_);
  if (!event.resource_version.empty()) resource_version_ = event.resource_version;
  if (event.type == WatchEventType::kDeleted) {
    store_.erase(event.pod.key());
  } else if (event.type != WatchEventType::kBookmark) {
    store_[event.pod.key()] = event.pod;
  }
  return true;
}

bool PodWatcher::apply_chunk(std::string_view chunk, WatchLineBuffer& buffer,
                             Status& stream_status) {
  bool changed = false;
  bool keep_going = true;
  Status fed = buffer.feed(chunk, [&](std::string_view line) {
    if (!keep_going) return;
    auto event = parse_watch_event(line);
    if (!event.ok()) {
      stream_status = event.status();
      keep_going = false;
      return;
    }
    keep_going = apply_event(*event, stream_status);
    changed = changed || (keep_going && event->type != WatchEventType::kBookmark);
  });
  if (!fed.ok()) {
    stream_status = fed;
    keep_going = false;
  }
  // Events before a bad line still count: the store has them.
  if (changed) listener_.on_pods(pods());
  return keep_going;
}

Status PodWatcher::watch_once() {
  WatchLineBuffer buffer;
  Status stream_status;
  bool connected = false;
  watches_.fetch_add(1);
  Status done = api_.watch_pods(resource_version(), [&](std::string_view chunk) {
    if (!connected) {
      connected = true;
      listener_.on_api_ok();
    }
    return apply_chunk(chunk, buffer, stream_status);
  });
  if (connected) backoff_ = std::chrono::milliseconds(0);  // it worked: start over
  if (!stream_status.ok()) return stream_status;           // our reason beats "kube_stream_aborted"
  return done;
}

void PodWatcher::run() {
  bool need_list = true;
  int gone_in_a_row = 0;
  while (wait_for(std::chrono::milliseconds(0))) {
    auto started = std::chrono::steady_clock::now();
    Status step = need_list ? list_all() : watch_once();
    if (!wait_for(std::chrono::milliseconds(0))) return;
    if (step.ok()) {
      gone_in_a_row = 0;
      bool was_watch = !need_list;
      if (need_list) backoff_ = std::chrono::milliseconds(0);
      need_list = false;
      // A server that ends every WATCH at once must not make us spin.
      if (was_watch && std::chrono::steady_clock::now() - started < options_.backoff_initial) {
        wait_for(next_backoff());
      }
      continue;
    }
    if (is_gone(step) || needs_relist(step)) {
      need_list = true;
      listener_.on_relist(step.reason());
      if (is_gone(step) && ++gone_in_a_row < 2) continue;  // once at once; then back off
    }
    auto delay = next_backoff();
    listener_.on_api_error(step, delay);
    wait_for(delay);
  }
}

}  // namespace smg::discovery
