// ScriptedHttpClient: an HttpClient for tests that answers by URL from a script and records every
// request. Thread-safe (the health checker probes from several threads).
//
//   smg::test::ScriptedHttpClient http;
//   http.respond("http://w1/health", 200, "OK");
//   http.fail("http://w2/health", "http_connect_failed");
//   http.count("http://w1/health");   // requests seen for that URL
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/http/http_client.h"

namespace smg::test {

class ScriptedHttpClient final : public smg::http::HttpClient {
 public:
  // Every later request to `url` gets this response (until re-scripted).
  void respond(const std::string& url, long status, std::string body = "") {
    std::lock_guard lock(mutex_);
    smg::http::Response response;
    response.status = status;
    response.body = std::move(body);
    script_.insert_or_assign(url, Result<smg::http::Response>(std::move(response)));
  }
  // Every later request to `url` fails at the transport level with `reason`.
  void fail(const std::string& url, const std::string& reason = "http_connect_failed") {
    std::lock_guard lock(mutex_);
    script_.insert_or_assign(
        url, Result<smg::http::Response>(smg::unavailable(reason, "scripted failure")));
  }

  Result<smg::http::Response> send(const smg::http::Request& request) const override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    auto it = script_.find(request.url);
    if (it == script_.end()) {
      return smg::unavailable("http_connect_failed", "no script for " + request.url);
    }
    return it->second;
  }

  std::vector<smg::http::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int count(const std::string& url) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& request : requests_) {
      n += request.url == url ? 1 : 0;
    }
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Result<smg::http::Response>> script_;
  mutable std::vector<smg::http::Request> requests_;
};

}  // namespace smg::test
