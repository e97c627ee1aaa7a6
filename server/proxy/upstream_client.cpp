#include "server/proxy/upstream_client.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <utility>

#include "server/proxy/internal/connection_pool.h"
#include "server/proxy/internal/upstream_exchange.h"

namespace smg::proxy {
namespace {

namespace asio = boost::asio;

// The client's TLS settings for https:// workers: the system's trust store, peer verification
// and the host name checked (set per connection).
asio::ssl::context& client_tls_context() {
  static asio::ssl::context* context = [] {
    auto* c = new asio::ssl::context(asio::ssl::context::tls_client);
    boost::system::error_code ignored;
    c->set_default_verify_paths(ignored);
    c->set_verify_mode(asio::ssl::verify_peer);
    return c;
  }();
  return *context;
}

// A timer as an UpstreamCall (retry back-off).
class Delay final : public UpstreamCall, public std::enable_shared_from_this<Delay> {
 public:
  explicit Delay(asio::io_context& io) : timer_(io.get_executor()) {}
  void start(std::chrono::milliseconds delay, std::function<void()> f) {
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this(), f = std::move(f)](boost::system::error_code e) {
      if (!e && !self->cancelled_) f();
    });
  }
  void cancel() override {
    cancelled_ = true;
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

 private:
  asio::steady_timer timer_;
  std::atomic<bool> cancelled_{false};
};

// The call for a request that failed before it started: cancel() has nothing to stop.
class Finished final : public UpstreamCall {
 public:
  void cancel() override {}
};

}  // namespace

UpstreamClient::UpstreamClient(server::IoRuntime& io, UpstreamClientOptions options)
    : io_(io),
      options_(options),
      pool_(std::make_shared<internal::ConnectionPool>(internal::ConnectionPoolOptions{
          options.max_idle_per_origin, options.max_idle_total, options.idle_timeout})) {}

UpstreamClient::~UpstreamClient() = default;

std::shared_ptr<UpstreamCall> UpstreamClient::send(UpstreamRequest request, SendDone done) const {
  auto target = internal::parse_upstream_url(request.url);
  if (!target.ok()) {
    done(target.status());
    return std::make_shared<Finished>();
  }
  server::IoRuntime::Slot slot = io_.local();  // the caller's own I/O thread, when it is one
  internal::ExchangeSetup setup{
      std::move(request), std::move(*target),    options_.max_response_bytes, pool_,
      slot.index,         &client_tls_context(), options_.refuse_link_local};
  auto exchange = std::make_shared<internal::UpstreamExchange>(slot.context, std::move(setup));
  exchange->start_send(std::move(done));
  return exchange;
}

std::shared_ptr<UpstreamCall> UpstreamClient::open(UpstreamRequest request, OpenDone done) const {
  auto target = internal::parse_upstream_url(request.url);
  if (!target.ok()) {
    done(target.status());
    return std::make_shared<Finished>();
  }
  server::IoRuntime::Slot slot = io_.local();
  internal::ExchangeSetup setup{
      std::move(request),    std::move(*target),        0, pool_, slot.index,
      &client_tls_context(), options_.refuse_link_local};
  auto exchange = std::make_shared<internal::UpstreamExchange>(slot.context, std::move(setup));
  exchange->start_open(std::move(done));
  return exchange;
}

Result<UpstreamResponse> UpstreamClient::send_and_wait(UpstreamRequest request) const {
  auto promise = std::make_shared<std::promise<Result<UpstreamResponse>>>();
  auto future = promise->get_future();
  send(std::move(request),
       [promise](Result<UpstreamResponse> result) { promise->set_value(std::move(result)); });
  return future.get();
}

std::shared_ptr<UpstreamCall> UpstreamClient::after(std::chrono::milliseconds delay,
                                                    std::function<void()> f) const {
  auto timer = std::make_shared<Delay>(io_.local().context);
  timer->start(delay, std::move(f));
  return timer;
}

std::size_t UpstreamClient::idle_connections() const { return pool_->idle(); }

int http_status_for(const Status& status) {
  if (status.reason() == "upstream_timeout" || status.code() == Code::kDeadlineExceeded) {
    return 504;
  }
  return 502;
}

}  // namespace smg::proxy
