// FakeHttpClient: an HttpClient that answers from a URL → response table and counts requests.
// A URL with no entry fails like an unreachable host. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/http/http_client.h"

namespace smg::test {

class FakeHttpClient final : public http::HttpClient {
 public:
  void set(const std::string& url, long status, std::string body,
           std::map<std::string, std::string> headers = {}) {
    std::lock_guard lock(mutex_);
    responses_[url] = http::Response{status, std::move(headers), std::move(body)};
  }
  void remove(const std::string& url) {
    std::lock_guard lock(mutex_);
    responses_.erase(url);
  }
  int count(const std::string& url) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(url);
    return it == counts_.end() ? 0 : it->second;
  }
  int total() const {
    std::lock_guard lock(mutex_);
    int sum = 0;
    for (const auto& [url, n] : counts_) sum += n;
    return sum;
  }

  Result<http::Response> send(const http::Request& request) const override {
    std::lock_guard lock(mutex_);
    ++counts_[request.url];
    auto it = responses_.find(request.url);
    if (it == responses_.end()) {
      return unavailable("http_connect_failed", "connection refused");
    }
    if (it->second.body.size() > request.max_response_bytes) {
      return unavailable("http_too_large", "response too large");
    }
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, http::Response> responses_;
  mutable std::map<std::string, int> counts_;
};

}  // namespace smg::test
