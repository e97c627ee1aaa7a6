// QueuedHttpClient: an HttpClient whose answers for one URL come from a queue, one per request,
// the last repeating once the queue is down to it; every request is recorded. For protocol loops
// that call the same endpoint many times (device-flow polling, refresh). Thread-safe.
//
//   smg::test::QueuedHttpClient http;
//   http.push("https://idp/token", 400, R"({"error":"authorization_pending"})");
//   http.push("https://idp/token", 200, R"({"access_token":"at","expires_in":60})");
//   http.push_failure("https://idp/token", "http_timeout");
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/http/http_client.h"

namespace smg::test {

class QueuedHttpClient final : public smg::http::HttpClient {
 public:
  void push(const std::string& url, long status, std::string body) {
    std::lock_guard lock(mutex_);
    smg::http::Response response;
    response.status = status;
    response.body = std::move(body);
    queues_[url].emplace_back(std::move(response));
  }
  void push_failure(const std::string& url, const std::string& reason) {
    std::lock_guard lock(mutex_);
    queues_[url].emplace_back(smg::unavailable(reason, "scripted failure"));
  }

  Result<smg::http::Response> send(const smg::http::Request& request) const override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    auto it = queues_.find(request.url);
    if (it == queues_.end() || it->second.empty()) {
      return smg::unavailable("http_connect_failed", "no script for " + request.url);
    }
    Result<smg::http::Response> answer = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return answer;
  }

  std::vector<smg::http::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::deque<Result<smg::http::Response>>> queues_;
  mutable std::vector<smg::http::Request> requests_;
};

}  // namespace smg::test
