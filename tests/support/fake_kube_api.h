// FakeKubeApi: a stand-in Kubernetes API server for discovery tests (no cluster runs here). It
// serves pods the way the API documents it:
//   GET /api/v1[/namespaces/NS]/pods?labelSelector=k=v,..&limit=N&continue=T → a PodList with
//     metadata.resourceVersion (and metadata.continue while pages remain)
//   ...&watch=true&resourceVersion=RV[&allowWatchBookmarks=true][&timeoutSeconds=S] → a chunked
//     stream of {"type","object"} lines from RV on: ADDED, MODIFIED, DELETED, BOOKMARK, and
//     ERROR 410 (reason Expired) when RV is older than the history kept
//   401 with a Status object unless `Authorization: Bearer <token>` matches; HTTPS with its own
//   self-signed certificate (the CA a client must trust) when asked.
// The test drives it: add/modify/delete pods (each change is one event with the next version),
// send bookmarks, compact the history (so old versions get 410), drop open watch streams
// mid-chunk (a dropped connection), hold reconnecting watches, rotate the token, stop and start
// it again on the same port.
// Header-only: only integration tests link cpp-httplib.
// Thread-safety: every method may be called from any thread.
//
//   smg::test::FakeKubeApi api({.token = "t0"});
//   api.start();
//   api.put_pod(smg::test::FakeKubeApi::pod("w-0", "127.0.0.1", 8000));
//   api.set_ready("w-0", false);      // a MODIFIED event
//   api.delete_pod("w-0");            // a DELETED event
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace smg::test {

class FakeKubeApi {
 public:
  struct Options {
    std::string token;      // required bearer token; empty: none checked
    std::string cert_path;  // with key_path: serve HTTPS
    std::string key_path;
    int port = 0;  // 0: any free port
  };

  explicit FakeKubeApi(Options options) : options_(std::move(options)) {}
  ~FakeKubeApi() { stop(); }
  FakeKubeApi(const FakeKubeApi&) = delete;
  FakeKubeApi& operator=(const FakeKubeApi&) = delete;

  // A Ready, Running pod in namespace "llm" labelled app=sglang-worker, serving on `port`.
  static nlohmann::json pod(const std::string& name, const std::string& ip, int port,
                            const std::string& app = "sglang-worker") {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", name},
              {"namespace", "llm"},
              {"uid", "uid-" + name},
              {"labels", {{"app", app}}},
              {"annotations", {{"smg.ai/worker-ports", std::to_string(port)}}}}},
            {"status",
             {{"phase", "Running"},
              {"podIP", ip},
              {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  }

  // Listens (again, after stop(), on the same port). Throws when the port cannot be bound.
  void start() {
    std::lock_guard<std::mutex> guard(lifecycle_);
    if (server_) return;
    if (!options_.cert_path.empty()) {
      server_ = std::make_unique<httplib::SSLServer>(options_.cert_path.c_str(),
                                                     options_.key_path.c_str());
    } else {
      server_ = std::make_unique<httplib::Server>();
    }
    server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_->set_keep_alive_timeout(1);  // so stop() need not wait for idle connections
    server_->Get(R"(/api/v1/pods)", [this](const auto& req, auto& res) { serve(req, res, ""); });
    server_->Get(R"(/api/v1/namespaces/([^/]+)/pods)",
                 [this](const auto& req, auto& res) { serve(req, res, req.matches[1].str()); });
    int wanted = port_ != 0 ? port_ : options_.port;
    if (wanted != 0) {
      // The port was ours a moment ago; the OS may take a little while to free it.
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!server_->bind_to_port("127.0.0.1", wanted)) {
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("bind failed");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      port_ = wanted;
    } else {
      port_ = server_->bind_to_any_port("127.0.0.1");
      if (port_ <= 0) throw std::runtime_error("FakeKubeApi: bind failed");
    }
    {
      std::lock_guard<std::mutex> state(mutex_);
      stopping_ = false;
    }
    thread_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
    // httplib's stop() is a no-op until the accept loop runs: wait for it, or a quick stop()
    // would leave the loop running and the join hanging.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_->is_running() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // Closes every stream abruptly and stops listening; the pods and history stay.
  void stop() {
    std::lock_guard<std::mutex> guard(lifecycle_);
    if (!server_) return;
    {
      std::lock_guard<std::mutex> state(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  int port() const { return port_; }
  std::string url() const {
    return std::string(options_.cert_path.empty() ? "http" : "https") +
           "://127.0.0.1:" + std::to_string(port_);
  }

  // ADDED (new name) or MODIFIED; fills uid and namespace if absent. Returns the new version.
  int64_t put_pod(nlohmann::json pod) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto& meta = pod["metadata"];
    if (!meta.contains("namespace")) meta["namespace"] = "llm";
    if (!meta.contains("uid")) meta["uid"] = "uid-" + meta["name"].get<std::string>();
    std::string key = meta["namespace"].get<std::string>() + "/" + meta["name"].get<std::string>();
    auto existing = pods_.find(key);
    nlohmann::json previous = existing == pods_.end() ? nlohmann::json() : existing->second;
    meta["resourceVersion"] = std::to_string(++version_);
    pods_[key] = pod;
    record_locked(previous.is_null() ? "ADDED" : "MODIFIED", pod, previous);
    return version_;
  }
  // Many pods as many events, woken once (a burst).
  void put_pods(const std::vector<nlohmann::json>& pods) {
    for (const auto& pod : pods) put_pod(pod);
  }
  void set_ready(const std::string& name, bool ready) {
    mutate(name, [ready](nlohmann::json& pod) {
      pod["status"]["conditions"] = {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}};
    });
  }
  void set_terminating(const std::string& name) {
    mutate(name, [](nlohmann::json& pod) {
      pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    });
  }
  void set_labels(const std::string& name, const nlohmann::json& labels) {
    mutate(name, [&](nlohmann::json& pod) { pod["metadata"]["labels"] = labels; });
  }
  void delete_pod(const std::string& name, const std::string& ns = "llm") {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = pods_.find(ns + "/" + name);
    if (it == pods_.end()) return;
    nlohmann::json pod = it->second;
    pods_.erase(it);
    pod["metadata"]["resourceVersion"] = std::to_string(++version_);
    record_locked("DELETED", pod);
  }
  // A BOOKMARK at the current version to every open watch that asked for bookmarks.
  void bookmark() {
    std::lock_guard<std::mutex> guard(mutex_);
    ++bookmark_generation_;
    changed_.notify_all();
  }
  // Forgets the history up to now: a WATCH from an older version gets ERROR 410, and open
  // watches are sent one (as etcd compaction does to a lagging watcher).
  void compact() {
    std::lock_guard<std::mutex> guard(mutex_);
    history_.clear();
    oldest_version_ = version_;
    ++compact_generation_;
    changed_.notify_all();
  }
  // Ends every open WATCH without the chunked terminator: the client sees a dropped connection.
  void drop_watches() {
    std::lock_guard<std::mutex> guard(mutex_);
    ++drop_generation_;
    changed_.notify_all();
  }
  // While held, a new WATCH request waits before it is answered (it is counted in watches()
  // and last_watch_version() at once): changes made meanwhile happen "while reconnecting".
  void hold_watches(bool hold) {
    std::lock_guard<std::mutex> guard(mutex_);
    hold_watches_ = hold;
    changed_.notify_all();
  }
  void set_token(const std::string& token) {
    std::lock_guard<std::mutex> guard(mutex_);
    options_.token = token;
  }

  int lists() const { return lists_.load(); }
  int watches() const { return watches_.load(); }
  int open_watches() const { return open_watches_.load(); }
  int unauthorized() const { return unauthorized_.load(); }
  int expired_answers() const { return expired_.load(); }
  int bookmarks_sent() const { return bookmarks_sent_.load(); }
  // The resourceVersion of the last WATCH request.
  std::string last_watch_version() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return last_watch_version_;
  }
  int64_t version() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return version_;
  }

 private:
  struct Event {
    int64_t version;
    std::string type;
    nlohmann::json object;
    nlohmann::json previous;  // MODIFIED: the object before, to tell who stops or starts matching
  };

  template <typename Change>
  void mutate(const std::string& name, Change change) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = pods_.find("llm/" + name);
    if (it == pods_.end()) return;
    nlohmann::json previous = it->second;
    change(it->second);
    it->second["metadata"]["resourceVersion"] = std::to_string(++version_);
    record_locked("MODIFIED", it->second, previous);
  }

  void record_locked(const std::string& type, const nlohmann::json& pod,
                     const nlohmann::json& previous = nullptr) {
    history_.push_back({version_, type, pod, previous});
    changed_.notify_all();
  }

  // The event a watch with this selector sees, as the API's watch cache does: a MODIFIED object
  // that stops matching arrives as DELETED, one that starts matching as ADDED. Empty: none.
  static std::string line_for(const Event& event, const std::string& ns,
                              const std::string& selector) {
    bool now = selected(event.object, ns, selector);
    std::string type = event.type;
    if (type == "MODIFIED") {
      bool before = selected(event.previous, ns, selector);
      if (!before && !now) return "";
      if (before && !now) type = "DELETED";
      if (!before && now) type = "ADDED";
    } else if (!now) {
      return "";
    }
    return nlohmann::json{{"type", type}, {"object", event.object}}.dump() + "\n";
  }

  static nlohmann::json status_object(int code, const std::string& reason,
                                      const std::string& message) {
    return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason},
            {"code", code}};
  }

  static bool selected(const nlohmann::json& pod, const std::string& ns,
                       const std::string& selector) {
    if (!pod.is_object() || !pod.contains("metadata")) return false;
    const auto& meta = pod.at("metadata");
    if (!ns.empty() && meta.value("namespace", "") != ns) return false;
    const auto labels = meta.value("labels", nlohmann::json::object());
    std::size_t start = 0;
    while (start < selector.size()) {
      std::size_t comma = std::min(selector.find(',', start), selector.size());
      std::string term = selector.substr(start, comma - start);
      auto equals = term.find('=');
      if (equals != std::string::npos) {
        std::string key = term.substr(0, equals);
        if (!labels.contains(key) || labels.at(key) != term.substr(equals + 1)) return false;
      }
      start = comma + 1;
    }
    return true;
  }

  void serve(const httplib::Request& req, httplib::Response& res, const std::string& ns) {
    std::string token;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      token = options_.token;
    }
    if (!token.empty() && req.get_header_value("Authorization") != "Bearer " + token) {
      unauthorized_.fetch_add(1);
      res.status = 401;
      res.set_content(status_object(401, "Unauthorized", "Unauthorized").dump(),
                      "application/json");
      return;
    }
    std::string selector = req.get_param_value("labelSelector");
    if (req.get_param_value("watch") == "true") {
      watch(req, res, ns, selector);
    } else {
      list(req, res, ns, selector);
    }
  }

  void list(const httplib::Request& req, httplib::Response& res, const std::string& ns,
            const std::string& selector) {
    lists_.fetch_add(1);
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<nlohmann::json> items;
    for (const auto& [key, pod] : pods_) {
      if (selected(pod, ns, selector)) items.push_back(pod);
    }
    std::size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 0;
    std::size_t offset =
        req.has_param("continue") ? std::stoul(req.get_param_value("continue")) : 0;
    nlohmann::json meta = {{"resourceVersion", std::to_string(version_)}};
    std::size_t end = limit == 0 ? items.size() : std::min(items.size(), offset + limit);
    if (end < items.size()) meta["continue"] = std::to_string(end);
    nlohmann::json page = nlohmann::json::array();
    for (std::size_t i = std::min(offset, items.size()); i < end; ++i) page.push_back(items[i]);
    res.set_content(
        nlohmann::json{
            {"kind", "PodList"}, {"apiVersion", "v1"}, {"metadata", meta}, {"items", page}}
            .dump(),
        "application/json");
  }

  struct WatchState {
    int64_t from = 0;  // send events with a larger version
    std::string ns, selector;
    bool bookmarks = false;
    bool expired = false;
    uint64_t drop_generation = 0, compact_generation = 0, bookmark_generation = 0;
    std::chrono::steady_clock::time_point deadline;
  };

  void watch(const httplib::Request& req, httplib::Response& res, const std::string& ns,
             const std::string& selector) {
    watches_.fetch_add(1);
    auto state = std::make_shared<WatchState>();
    state->ns = ns;
    state->selector = selector;
    state->bookmarks = req.get_param_value("allowWatchBookmarks") == "true";
    int timeout =
        req.has_param("timeoutSeconds") ? std::stoi(req.get_param_value("timeoutSeconds")) : 1800;
    state->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      last_watch_version_ = req.get_param_value("resourceVersion");
      changed_.wait(lock, [this] { return !hold_watches_ || stopping_; });
      std::string requested = req.get_param_value("resourceVersion");
      state->from = requested.empty() ? version_ : std::stoll(requested);
      state->expired = state->from < oldest_version_;
      state->drop_generation = drop_generation_;
      state->compact_generation = compact_generation_;
      state->bookmark_generation = bookmark_generation_;
    }
    open_watches_.fetch_add(1);
    res.set_chunked_content_provider(
        "application/json",
        [this, state](std::size_t, httplib::DataSink& sink) { return stream(*state, sink); },
        [this](bool) { open_watches_.fetch_sub(1); });
  }

  // One call of httplib's content provider: waits for something to send, sends it.
  bool stream(WatchState& state, httplib::DataSink& sink) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto pending = [&] {
      return stopping_ || state.expired || drop_generation_ != state.drop_generation ||
             compact_generation_ != state.compact_generation ||
             (state.bookmarks && bookmark_generation_ != state.bookmark_generation) ||
             (!history_.empty() && history_.back().version > state.from);
    };
    changed_.wait_until(lock, state.deadline, pending);
    if (stopping_ || drop_generation_ != state.drop_generation) return false;  // abrupt close
    if (state.expired || compact_generation_ != state.compact_generation) {
      expired_.fetch_add(1);
      std::string line =
          nlohmann::json{{"type", "ERROR"},
                         {"object", status_object(410, "Expired", "too old resource version")}}
              .dump() +
          "\n";
      lock.unlock();
      sink.write(line.data(), line.size());
      sink.done();
      return true;
    }
    std::string out;
    for (const auto& event : history_) {
      if (event.version <= state.from) continue;
      out += line_for(event, state.ns, state.selector);
      state.from = event.version;
    }
    if (state.bookmarks && bookmark_generation_ != state.bookmark_generation) {
      state.bookmark_generation = bookmark_generation_;
      out += nlohmann::json{{"type", "BOOKMARK"},
                            {"object",
                             {{"kind", "Pod"},
                              {"apiVersion", "v1"},
                              {"metadata", {{"resourceVersion", std::to_string(version_)}}}}}}
                 .dump() +
             "\n";
    }
    bool timed_out = std::chrono::steady_clock::now() >= state.deadline;
    bool bookmarked = out.find("\"BOOKMARK\"") != std::string::npos;
    lock.unlock();
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (bookmarked) bookmarks_sent_.fetch_add(1);
    if (timed_out) sink.done();
    return true;
  }

  Options options_;
  std::mutex lifecycle_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool hold_watches_ = false;
  std::map<std::string, nlohmann::json> pods_;  // namespace/name
  std::vector<Event> history_;
  int64_t version_ = 100;
  int64_t oldest_version_ = 0;
  uint64_t drop_generation_ = 0, compact_generation_ = 0, bookmark_generation_ = 0;
  std::string last_watch_version_;
  std::atomic<int> lists_{0}, watches_{0}, open_watches_{0}, unauthorized_{0}, expired_{0},
      bookmarks_sent_{0};
};

// A kubeconfig for the stand-in at `server_url`: namespace llm, the CA in api.crt and the bearer
// token in the file `token`, both beside the kubeconfig.
inline std::string stand_in_kubeconfig(const std::string& server_url) {
  return R"(apiVersion: v1
kind: Config
current-context: test
contexts:
- name: test
  context: {cluster: stand-in, user: discovery, namespace: llm}
clusters:
- name: stand-in
  cluster:
    server: )" +
         server_url + R"(
    certificate-authority: api.crt
users:
- name: discovery
  user:
    tokenFile: token
)";
}

}  // namespace smg::test
