#include "server/http/listener.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "common/log/logger.h"
#include "server/http/accept_backoff.h"
#include "server/http/blocking_pool.h"
#include "server/http/connection.h"
#include "server/http/connection_registry.h"
#include "server/http/io_runtime.h"
#include "server/http/tls_context.h"

namespace smg::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// stop(): how long requests in progress may take to finish before their sockets are closed.
constexpr std::chrono::seconds kStopGrace{10};

auto with(boost::system::error_code& error) {
  return asio::redirect_error(asio::use_awaitable, error);
}

BlockingPoolOptions pool_options(const ListenerOptions& options) {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::size_t warm = options.serving_threads > 0 ? options.serving_threads
                                                 : std::max<std::size_t>(2, cores);
  BlockingPoolOptions pool;
  pool.max_threads = std::max<std::size_t>(options.max_threads, 1);
  pool.min_threads = std::min(warm, pool.max_threads);
  return pool;
}

}  // namespace

class Listener::Engine {
 public:
  Engine(const ListenerOptions& options, const Handler& handler, const HeadScreen& screen,
         IoRuntime* io)
      : options_(options),
        owned_io_(io == nullptr ? std::make_unique<IoRuntime>(options.io_threads) : nullptr),
        io_(io == nullptr ? *owned_io_ : *io),
        strand_(asio::make_strand(io_.context())),
        acceptor_(strand_),
        accept_pause_(strand_),
        pool_(pool_options(options)),
        shared_{options_, handler, screen, pool_, registry_, stopping_, open_} {
    if (!options.tls_cert_path.empty()) load_tls();
  }

  bool tls() const { return ssl_ != nullptr || !tls_error_.ok(); }
  std::uint64_t refused_connections() const { return refused_.load(std::memory_order_relaxed); }
  std::uint64_t accept_errors(AcceptErrorReason reason) const {
    return accept_errors_[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
  }

  Result<int> bind() {
    if (!tls_error_.ok()) return tls_error_;
    Status failed(Code::kUnavailable, "listen_failed",
                  "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
    boost::system::error_code error;
    tcp::resolver resolver(io_.context());
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service,
                                      error);
    if (error || endpoints.empty()) return failed;
    tcp::endpoint endpoint = *endpoints.begin();
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(options_.listen_backlog, error);
    if (error) {
      // "Address already in use", "Permission denied": the cause, in the OS's words.
      Status refused(Code::kUnavailable, "listen_failed", failed.message() + ": " + error.message());
      acceptor_.close(error);
      return refused;
    }
    return static_cast<int>(acceptor_.local_endpoint(error).port());
  }

  bool serve() {
    if (!acceptor_.is_open()) return false;
    asio::co_spawn(strand_, accept_loop(), asio::detached);
    io_.run();  // until stop() has drained every connection
    return true;
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    asio::post(strand_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      accept_pause_.cancel();  // a paused accept loop ends now, not after its pause
      registry_.stop_all();
      asio::co_spawn(strand_, drain(), asio::detached);
    });
  }

 private:
  void load_tls() {
    auto loaded = TlsContext::load(options_.tls_cert_path, options_.tls_key_path);
    if (!loaded.ok()) {
      tls_error_ = loaded.status();
      return;
    }
    // Asio's context takes ownership of a reference; TlsContext drops its own.
    SSL_CTX_up_ref((*loaded)->get());
    ssl_ = std::make_unique<asio::ssl::context>((*loaded)->get());
  }

  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code error;
      // Each connection is pinned to one I/O thread's context (round-robin): its coroutine,
      // timers and stream sink never run on two threads at once, and need no strand.
      tcp::socket socket = co_await acceptor_.async_accept(io_.next().context, with(error));
      if (stopping_ || !acceptor_.is_open()) break;
      if (error) {
        co_await pause_after(error);
        continue;
      }
      accepted();
      if (options_.max_connections > 0 && open_.load() >= options_.max_connections) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        socket.close(error);
        continue;
      }
      open_.fetch_add(1);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, serve_connection(std::move(socket), shared_, ssl_.get()),
                     asio::detached);
    }
  }

  // Out of descriptors or memory, the failed connection waits in the backlog and accepting at
  // once would fail again: pause (accept_backoff.h) while the open connections go on. One log
  // line when a pause starts and one when accepting works again, never one per attempt.
  awaitable<void> pause_after(const boost::system::error_code& failure) {
    AcceptErrorReason reason = classify_accept_error(failure);
    accept_errors_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    bool was_paused = backoff_.paused();
    std::chrono::milliseconds pause = backoff_.after_failure(reason);
    if (pause.count() == 0) co_return;
    if (!was_paused) {
      log::warn("smg::server", "accept failed, pausing",
                {{"error", failure.message()},
                 {"reason", std::string(accept_error_label(reason))},
                 {"open_connections", std::to_string(open_.load())}});
    }
    accept_pause_.expires_after(pause);
    boost::system::error_code cancelled;  // by stop()
    co_await accept_pause_.async_wait(with(cancelled));
  }

  void accepted() {
    bool was_paused = backoff_.paused();
    std::uint64_t failures = backoff_.after_success();
    if (was_paused) {
      log::info("smg::server", "accepting again",
                {{"failed_accepts", std::to_string(failures)},
                 {"open_connections", std::to_string(open_.load())}});
    }
  }

  // After stop(): idle connections closed at once (ConnectionRegistry::stop_all), busy ones
  // after their response; those still open after the grace period are closed outright.
  awaitable<void> drain() {
    asio::steady_timer tick(strand_);
    const Clock::time_point force_at = Clock::now() + kStopGrace;
    bool forced = false;
    while (open_.load() > 0) {
      if (!forced && Clock::now() >= force_at) {
        registry_.close_all();
        forced = true;
      }
      boost::system::error_code error;
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(with(error));
    }
  }

  const ListenerOptions& options_;
  std::unique_ptr<IoRuntime> owned_io_;
  IoRuntime& io_;
  asio::strand<asio::io_context::executor_type> strand_;  // the acceptor's and stop()'s
  tcp::acceptor acceptor_;
  asio::steady_timer accept_pause_;  // on strand_, as the accept loop
  AcceptBackoff backoff_;            // the accept loop's own
  std::array<std::atomic<std::uint64_t>, kAcceptErrorReasons> accept_errors_{};
  std::unique_ptr<asio::ssl::context> ssl_;
  Status tls_error_;
  ConnectionRegistry registry_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint64_t> refused_{0};
  BlockingPool pool_;  // after io_: destroyed first, its last results posted to a live context
  EngineShared shared_;
};

Listener::Listener(ListenerOptions options, Handler handler, HeadScreen screen, IoRuntime* io)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      screen_(std::move(screen)),
      io_(io),
      engine_(std::make_unique<Engine>(options_, handler_, screen_, io_)) {}

Listener::~Listener() { stop(); }

Result<int> Listener::bind() { return engine_->bind(); }

bool Listener::serve() { return engine_->serve(); }

void Listener::stop() {
  if (engine_) engine_->stop();
}

bool Listener::tls() const { return engine_->tls(); }

std::uint64_t Listener::refused_connections() const { return engine_->refused_connections(); }

std::uint64_t Listener::accept_errors(AcceptErrorReason reason) const {
  return engine_->accept_errors(reason);
}

}  // namespace smg::server
