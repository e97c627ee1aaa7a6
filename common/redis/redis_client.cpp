#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "common/log/logger.h"

namespace smg::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Status unreachable(const std::string& why) {
  return unavailable("redis_unavailable", "Redis: " + why);
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// AUTH and SELECT, run once per new connection; their error replies fail the open.
Status prepare(Connection& connection, const RedisUrl& url) {
  std::vector<std::vector<std::string>> setup;
  if (!url.password.empty()) {
    if (url.user.empty()) {
      setup.push_back({"AUTH", url.password.reveal()});
    } else {
      setup.push_back({"AUTH", url.user, url.password.reveal()});
    }
  }
  if (url.db != 0) setup.push_back({"SELECT", std::to_string(url.db)});
  if (setup.empty()) return Status::ok_status();
  auto replies = connection.run(setup);
  if (!replies.ok()) return replies.status();
  for (const Reply& reply : *replies) {
    // The AUTH error text names no secret ("WRONGPASS invalid username-password pair").
    if (reply.type == Reply::Type::kError) return unreachable("setup refused: " + reply.text);
  }
  return Status::ok_status();
}

}  // namespace

Reply copy_reply(const void* hiredis_reply) {
  const auto* raw = static_cast<const redisReply*>(hiredis_reply);
  Reply reply;
  switch (raw->type) {
    case REDIS_REPLY_STRING:
      reply.type = Reply::Type::kString;
      reply.text.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_STATUS:
      reply.type = Reply::Type::kStatus;
      reply.text.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_ERROR:
      reply.type = Reply::Type::kError;
      reply.text.assign(raw->str, raw->len);
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = Reply::Type::kInteger;
      reply.integer = raw->integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = Reply::Type::kArray;
      reply.elements.reserve(raw->elements);
      for (std::size_t i = 0; i < raw->elements; ++i) {
        reply.elements.push_back(copy_reply(raw->element[i]));
      }
      break;
    default:
      reply.type = Reply::Type::kNil;
  }
  return reply;
}

Result<std::unique_ptr<Connection>> Connection::open(const ClientOptions& options) {
  const RedisUrl& url = options.url;
  redisContext* context =
      redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(options.connect_timeout));
  if (context == nullptr) return unreachable("out of memory connecting to " + url.describe());
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    return unreachable("cannot connect to " + url.describe() + ": " + why);
  }
  redisSetTimeout(context, to_timeval(options.command_timeout));
  redisEnableKeepAlive(context);
  std::unique_ptr<Connection> connection(new Connection(context));
  if (Status ready = prepare(*connection, url); !ready.ok()) return ready;
  return connection;
}

Connection::~Connection() { redisFree(context_); }

Status Connection::transport_error() {
  broken_ = true;
  int saved = errno;
  // hiredis reports a socket timeout as an I/O error with EAGAIN's text.
  timed_out_ = context_->err == REDIS_ERR_IO &&
               (saved == EAGAIN || saved == EWOULDBLOCK ||
                std::strstr(context_->errstr, "temporarily unavailable") != nullptr);
  if (timed_out_) return unreachable("command timed out");
  if (context_->err == REDIS_ERR_EOF) return unreachable("the server closed the connection");
  return unreachable(std::string("I/O error: ") + context_->errstr);
}

Result<std::vector<Reply>> Connection::run(const std::vector<std::vector<std::string>>& commands) {
  if (broken_) return unreachable("connection is broken");
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    int argc = static_cast<int>(argv.size());
    if (redisAppendCommandArgv(context_, argc, argv.data(), lengths.data()) != REDIS_OK) {
      return transport_error();
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    errno = 0;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return transport_error();
    replies.push_back(copy_reply(raw));
    freeReplyObject(raw);
  }
  return replies;
}

RedisClient::RedisClient(ClientOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() = default;

void RedisClient::mark(const Status& outcome) {
  bool reached = outcome.ok() || outcome.code() != Code::kUnavailable;
  bool was = available_.exchange(reached);
  if (was && !reached) {
    outages_.fetch_add(1);
    log::warn(options_.log_target, "redis unavailable",
              {{"url", options_.url.describe()}, {"error", outcome.message()}});
  } else if (!was && reached) {
    log::info(options_.log_target, "redis available again", {{"url", options_.url.describe()}});
  }
}

Result<std::unique_ptr<Connection>> RedisClient::acquire(bool& reused) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return connection;
    }
  }
  reused = false;
  if (steady_ns() < connect_after_ns_.load()) {
    return unreachable("not connected (retrying shortly)");
  }
  auto connection = Connection::open(options_);
  if (!connection.ok()) {
    auto cooldown = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.reconnect_cooldown);
    connect_after_ns_.store(steady_ns() + cooldown.count());
  }
  return connection;
}

void RedisClient::release(std::unique_ptr<Connection> connection) {
  if (connection->broken()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
}

Result<std::vector<Reply>> RedisClient::run_raw(
    const std::vector<std::vector<std::string>>& commands) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto connection = acquire(reused);
    if (!connection.ok()) {
      mark(connection.status());
      return connection.status();
    }
    auto replies = (*connection)->run(commands);
    bool timed_out = (*connection)->timed_out();
    release(std::move(*connection));
    // A pooled connection may have died while idle (server restart): one retry on a new one.
    // A timeout is not retried: the server may be slow, and a retry would double the wait.
    if (!replies.ok() && reused && !timed_out && attempt == 0) continue;
    mark(replies.ok() ? Status::ok_status() : replies.status());
    return replies;
  }
}

Result<std::vector<Reply>> RedisClient::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  auto replies = run_raw(commands);
  if (!replies.ok()) return replies;
  for (const Reply& reply : *replies) {
    if (reply.type == Reply::Type::kError) {
      return Status(Code::kInternal, "redis_error", "Redis: " + reply.text);
    }
  }
  return replies;
}

Result<Reply> RedisClient::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

Result<Reply> RedisClient::eval(const Script& script, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args) {
  std::vector<std::string> call = {"EVALSHA", script.sha1(), std::to_string(keys.size())};
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), args.begin(), args.end());
  auto replies = run_raw({call});
  if (!replies.ok()) return replies.status();
  Reply reply = std::move(replies->front());
  if (reply.type == Reply::Type::kError && reply.text.rfind("NOSCRIPT", 0) == 0) {
    call[0] = "EVAL";
    call[1] = script.source();
    return command(call);
  }
  if (reply.type == Reply::Type::kError) {
    return Status(Code::kInternal, "redis_error", "Redis: " + reply.text);
  }
  return reply;
}

}  // namespace smg::redis
