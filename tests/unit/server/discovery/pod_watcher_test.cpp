#include "server/discovery/pod_watcher.h"

#include <catch2/catch.hpp>
#include <mutex>

#include "tests/support/eventually.h"
#include "tests/unit/server/discovery/fake_pod_api.h"

using namespace smg::discovery;
using namespace smg::discovery::test;
using namespace std::chrono_literals;

namespace {

class RecordingListener final : public PodWatcherListener {
 public:
  void on_pods(const std::vector<Pod>& pods) override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++passes_;
    last_.clear();
    for (const auto& pod : pods) last_.push_back(pod.name);
  }
  void on_api_ok() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++oks_;
  }
  void on_api_error(const smg::Status& status, std::chrono::milliseconds retry_in) override {
    std::lock_guard<std::mutex> guard(mutex_);
    errors_.push_back(status.reason());
    delays_.push_back(retry_in);
  }
  void on_relist(const std::string& why) override {
    std::lock_guard<std::mutex> guard(mutex_);
    relists_.push_back(why);
  }
  int passes() {
    std::lock_guard<std::mutex> g(mutex_);
    return passes_;
  }
  std::vector<std::string> last() {
    std::lock_guard<std::mutex> g(mutex_);
    return last_;
  }
  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> g(mutex_);
    return errors_;
  }
  std::vector<std::chrono::milliseconds> delays() {
    std::lock_guard<std::mutex> g(mutex_);
    return delays_;
  }
  std::vector<std::string> relists() {
    std::lock_guard<std::mutex> g(mutex_);
    return relists_;
  }

 private:
  std::mutex mutex_;
  int passes_ = 0;
  int oks_ = 0;
  std::vector<std::string> last_;
  std::vector<std::string> errors_;
  std::vector<std::chrono::milliseconds> delays_;
  std::vector<std::string> relists_;
};

const WatcherOptions kFast{.backoff_initial = 2ms, .backoff_max = 8ms};

}  // namespace

TEST_CASE("discovery: list_all follows continue tokens and replaces the store",
          "[discovery][watcher]") {
  FakePodApi api;
  RecordingListener listener;
  PodWatcher watcher(api, kFast, listener);
  api.queue_list(page_of({pod_json("a", "10.0.0.1", "5")}, "10", "next-page"));
  api.queue_list(page_of({pod_json("b", "10.0.0.2", "6")}, "11"));
  REQUIRE(watcher.list_all().ok());
  CHECK(api.continue_tokens() == std::vector<std::string>{"", "next-page"});
  CHECK(watcher.resource_version() == "11");
  CHECK(watcher.synced());
  CHECK(listener.last() == std::vector<std::string>{"a", "b"});
  CHECK(listener.passes() == 1);

  api.queue_list(page_of({pod_json("c", "10.0.0.3", "20")}, "21"));
  REQUIRE(watcher.list_all().ok());
  CHECK(listener.last() == std::vector<std::string>{"c"});  // a and b are gone

  SECTION("a failed LIST leaves the store as it was") {
    auto failed = watcher.list_all();
    CHECK(failed.reason() == "kube_connect_failed");
    CHECK(watcher.pods().size() == 1);
    CHECK(watcher.resource_version() == "21");
  }
}

TEST_CASE("discovery: watch_once applies events and moves the version", "[discovery][watcher]") {
  FakePodApi api;
  RecordingListener listener;
  PodWatcher watcher(api, kFast, listener);
  api.queue_list(page_of({pod_json("a", "10.0.0.1", "5")}, "10"));
  REQUIRE(watcher.list_all().ok());

  std::string added = event_line("ADDED", pod_json("b", "10.0.0.2", "11"));
  api.queue_watch(
      {{added.substr(0, 17),
        added.substr(17) + event_line("MODIFIED", pod_json("a", "10.0.0.1", "12", false)),
        event_line("DELETED", pod_json("b", "10.0.0.2", "13")), bookmark_line("40")},
       smg::Status::ok_status()});
  REQUIRE(watcher.watch_once().ok());
  CHECK(api.watch_versions() == std::vector<std::string>{"10"});
  CHECK(watcher.resource_version() == "40");
  auto pods = watcher.pods();
  REQUIRE(pods.size() == 1);
  CHECK(pods[0].name == "a");
  CHECK_FALSE(pods[0].ready);
  // LIST, then the chunk ending in MODIFIED, then DELETED; the bookmark-only chunk changes nothing.
  CHECK(listener.passes() == 3);

  SECTION("the next WATCH resumes from the bookmark") {
    api.queue_watch({{}, smg::Status::ok_status()});
    REQUIRE(watcher.watch_once().ok());
    CHECK(api.watch_versions().back() == "40");
  }
}

TEST_CASE("discovery: watch_once reports 410 and malformed events", "[discovery][watcher]") {
  FakePodApi api;
  RecordingListener listener;
  PodWatcher watcher(api, kFast, listener);
  api.queue_list(page_of({}, "10"));
  REQUIRE(watcher.list_all().ok());

  SECTION("ERROR 410 after an event: the event is kept, the answer is kube_gone") {
    api.queue_watch(
        {{event_line("ADDED", pod_json("a", "10.0.0.1", "11")) +
          event_line("ERROR", {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}})},
         smg::Status::ok_status()});
    CHECK(watcher.watch_once().reason() == "kube_gone");
    CHECK(watcher.pods().size() == 1);
    CHECK(watcher.resource_version() == "11");
  }
  SECTION("HTTP 410") {
    api.queue_watch({{}, smg::Status(smg::Code::kFailedPrecondition, "kube_gone", "410")});
    CHECK(watcher.watch_once().reason() == "kube_gone");
  }
  SECTION("ERROR 500 ends the stream") {
    api.queue_watch({{event_line("ERROR", {{"code", 500}})}, smg::Status::ok_status()});
    CHECK(watcher.watch_once().reason() == "kube_watch_error");
  }
  SECTION("a line that is not an event") {
    api.queue_watch({{"{\"type\":\"ADDED\"}\n"}, smg::Status::ok_status()});
    CHECK(watcher.watch_once().reason() == "kube_bad_event");
  }
}

TEST_CASE("discovery: the loop re-watches after a drop and re-lists after 410",
          "[discovery][watcher]") {
  FakePodApi api;
  RecordingListener listener;
  PodWatcher watcher(api, kFast, listener);
  api.queue_list(page_of({pod_json("a", "10.0.0.1", "5")}, "10"));
  api.queue_watch({{event_line("ADDED", pod_json("b", "10.0.0.2", "11"))},
                   smg::unavailable("kube_stream_dropped", "connection reset")});
  api.queue_watch({{event_line("ERROR", {{"code", 410}})}, smg::Status::ok_status()});
  api.queue_list(page_of({pod_json("c", "10.0.0.3", "30")}, "31"));
  watcher.start();
  REQUIRE(smg::test::eventually([&] { return api.idle() && watcher.lists() == 2; }));
  CHECK(api.watch_versions() == std::vector<std::string>{"10", "11", "31"});
  CHECK(listener.relists() == std::vector<std::string>{"kube_gone"});
  CHECK(listener.errors() == std::vector<std::string>{"kube_stream_dropped"});
  CHECK(listener.last() == std::vector<std::string>{"c"});
  auto started = std::chrono::steady_clock::now();
  watcher.stop();  // the open WATCH is cancelled
  CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("discovery: the loop backs off, doubling up to the cap, while the API is down",
          "[discovery][watcher]") {
  FakePodApi api;
  RecordingListener listener;
  PodWatcher watcher(api, kFast, listener);
  watcher.start();  // no LIST scripted: every attempt fails
  REQUIRE(smg::test::eventually([&] { return listener.errors().size() >= 5; }));
  CHECK_FALSE(watcher.synced());
  auto delays = listener.delays();
  // Jittered within [d/2, d] for d = 2, 4, 8, 8, ... ms.
  CHECK(delays[0] >= 1ms);
  CHECK(delays[0] <= 2ms);
  CHECK(delays[1] >= 2ms);
  CHECK(delays[2] >= 4ms);
  for (auto delay : delays) CHECK(delay <= 8ms);
  api.queue_list(page_of({pod_json("a", "10.0.0.1", "5")}, "10"));
  REQUIRE(smg::test::eventually([&] { return watcher.synced() && api.idle(); }));
  CHECK(listener.last() == std::vector<std::string>{"a"});
  watcher.stop();
}
