#include "cli/login/loopback_receiver.h"

#include <httplib.h>

#include "common/oidc/authorization_response.h"

namespace smg::cli {
namespace {

std::string page(const std::string& title, const std::string& text) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>smgctl login</title></head>"
         "<body style=\"font-family:sans-serif;margin:3em\"><h1>" +
         title + "</h1><p>" + text + "</p></body></html>";
}

void answer(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Connection", "close");
  // Nothing on the page comes from the request, and nothing may be loaded from anywhere.
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(body, "text/html; charset=utf-8");
}

}  // namespace

LoopbackReceiver::LoopbackReceiver(std::string expected_state)
    : expected_state_(std::move(expected_state)), server_(std::make_unique<httplib::Server>()) {}

LoopbackReceiver::~LoopbackReceiver() { stop(); }

Result<std::unique_ptr<LoopbackReceiver>> LoopbackReceiver::start(std::string expected_state) {
  std::unique_ptr<LoopbackReceiver> receiver(new LoopbackReceiver(std::move(expected_state)));
  LoopbackReceiver* self = receiver.get();
  self->server_->set_keep_alive_max_count(1);
  self->server_->Get("/callback", [self](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(self->mutex_);
    if (self->outcome_) {
      answer(res, 409,
             page("Already finished",
                  "This login has already finished. "
                  "You can close this tab."));
      return;
    }
    auto code = oidc::authorization_code_from_redirect(req.params, self->expected_state_);
    if (code.ok()) {
      answer(res, 200, page("Logged in", "smgctl has your login. You can close this tab."));
    } else {
      answer(res, 400,
             page("Login failed",
                  "smgctl refused this login; see your terminal. "
                  "You can close this tab."));
    }
    self->outcome_ = std::move(code);
    self->arrived_.notify_all();
  });
  self->port_ = self->server_->bind_to_any_port("127.0.0.1");
  if (self->port_ <= 0) {
    return unavailable("loopback_listen_failed", "could not listen on 127.0.0.1 for the login");
  }
  self->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  // stop() before the accept loop runs would be missed and leave the thread running forever.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!self->server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return receiver;
}

std::string LoopbackReceiver::redirect_uri() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/callback";
}

Result<std::string> LoopbackReceiver::wait_for_code(std::chrono::seconds timeout) {
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, timeout, [this] { return outcome_.has_value(); })) {
    return Status(Code::kDeadlineExceeded, "oidc_login_timeout",
                  "no login arrived within " + std::to_string(timeout.count()) + " s");
  }
  return *outcome_;
}

void LoopbackReceiver::stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace smg::cli
