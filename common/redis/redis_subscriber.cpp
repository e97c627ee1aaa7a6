#include "common/redis/redis_subscriber.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

#include "common/log/logger.h"
#include "common/thread/thread_name.h"

namespace smg::redis {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{2000};
constexpr int kMaxMissedPings = 2;

// Appends one command and writes it all out (the socket has a send timeout).
bool send(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    return false;
  }
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context, &done) != REDIS_OK) return false;
  }
  return true;
}

}  // namespace

RedisSubscriber::RedisSubscriber(ClientOptions options, std::vector<std::string> channels,
                                 Handlers handlers, std::chrono::milliseconds ping_interval)
    : options_(std::move(options)),
      channels_(std::move(channels)),
      handlers_(std::move(handlers)),
      ping_interval_(ping_interval) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    wake_read_ = fds[0];
    wake_write_ = fds[1];
  }
  thread_ = std::thread([this] { run(); });
}

RedisSubscriber::~RedisSubscriber() {
  stopping_.store(true);
  if (wake_write_ >= 0) {
    char byte = 1;
    (void)::write(wake_write_, &byte, 1);
  }
  thread_.join();
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

bool RedisSubscriber::wait_or_stop(std::chrono::milliseconds timeout) {
  pollfd wake{wake_read_, POLLIN, 0};
  ::poll(&wake, 1, static_cast<int>(timeout.count()));
  return stopping_.load();
}

void RedisSubscriber::run() {
  set_thread_name("smg-redis-sub");
  std::chrono::milliseconds backoff = kFirstBackoff;
  while (!stopping_.load()) {
    auto connection = Connection::open(options_);
    if (connection.ok()) {
      uint64_t before = subscriptions_.load();
      listen(**connection);
      connected_.store(false);
      if (subscriptions_.load() != before) backoff = kFirstBackoff;
      if (stopping_.load()) return;
      log::warn(options_.log_target, "redis subscription lost; reconnecting",
                {{"url", options_.url.describe()}});
    }
    if (wait_or_stop(backoff)) return;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool RedisSubscriber::dispatch(const Reply& reply, std::size_t& acknowledged) {
  if (!reply.is_array() || reply.elements.empty()) return reply.type != Reply::Type::kError;
  const std::string& kind = reply.elements[0].text;
  if (kind == "subscribe" && ++acknowledged == channels_.size()) {
    connected_.store(true);
    subscriptions_.fetch_add(1);
    if (handlers_.on_subscribed) handlers_.on_subscribed();
  } else if (kind == "message" && reply.elements.size() == 3 && handlers_.on_message) {
    handlers_.on_message(reply.elements[1].text, reply.elements[2].text);
  }
  return true;
}

void RedisSubscriber::listen(Connection& connection) {
  redisContext* context = connection.context();
  std::vector<std::string> subscribe = {"SUBSCRIBE"};
  subscribe.insert(subscribe.end(), channels_.begin(), channels_.end());
  if (!send(context, subscribe)) return;
  std::size_t acknowledged = 0;
  int missed_pings = 0;
  while (!stopping_.load()) {
    void* raw = nullptr;
    while (redisGetReplyFromReader(context, &raw) == REDIS_OK && raw != nullptr) {
      Reply reply = copy_reply(raw);
      freeReplyObject(raw);
      raw = nullptr;
      if (!dispatch(reply, acknowledged)) return;
    }
    if (context->err != 0) return;
    pollfd fds[2] = {{context->fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(ping_interval_.count()));
    if (stopping_.load() || (fds[1].revents & POLLIN) != 0) return;
    if (ready > 0) {
      if (redisBufferRead(context) != REDIS_OK) return;
      missed_pings = 0;
    } else if (ready == 0) {
      // Quiet for a whole interval: a PING proves the server (and the path to it) is alive.
      if (++missed_pings > kMaxMissedPings || !send(context, {"PING"})) return;
    }
  }
}

}  // namespace smg::redis
