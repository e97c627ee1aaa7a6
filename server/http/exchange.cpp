#include "server/http/exchange.h"

#include <strings.h>

namespace smg::server {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::optional<std::string> Request::header(const std::string& name) const {
  auto it = headers.find(name);
  if (it == headers.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [existing, existing_value] : headers) {
    if (strcasecmp(existing.c_str(), name.c_str()) == 0) {
      existing_value = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::add_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [existing, value] : headers) {
    if (existing.size() == name.size() &&
        strncasecmp(existing.c_str(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

namespace {

// A deferred response followed by one more step.
class ThenDeferred final : public Deferred {
 public:
  ThenDeferred(std::shared_ptr<Deferred> inner, std::function<Response(Response)> next)
      : inner_(std::move(inner)), next_(std::move(next)) {}
  void start(std::function<void(Response)> done) override {
    inner_->start([next = std::move(next_), done = std::move(done)](Response response) mutable {
      done(then(std::move(response), std::move(next)));
    });
  }
  void cancel() override { inner_->cancel(); }

 private:
  std::shared_ptr<Deferred> inner_;
  std::function<Response(Response)> next_;
};

}  // namespace

Response then(Response response, std::function<Response(Response)> next) {
  if (!response.deferred) return next(std::move(response));
  Response waiting;
  waiting.deferred = std::make_shared<ThenDeferred>(std::move(response.deferred), std::move(next));
  return waiting;
}

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  // Strings from clients may hold any bytes: invalid UTF-8 becomes U+FFFD instead of throwing
  // (which would turn, say, an audit listing that includes one such path into a 500).
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response text_response(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response error_response(int status, const std::string& type, const std::string& message,
                        const std::string& code) {
  nlohmann::json error = {{"type", type}, {"message", message}};
  if (!code.empty()) {
    error["code"] = code;
  }
  Response response = json_response(status, {{"error", error}});
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response admin_error_response(int status, const std::string& type) {
  Response response = json_response(status, {{"error", {{"type", type}, {"message", type}}}});
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace smg::server
