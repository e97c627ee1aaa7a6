// Test helpers for the asynchronous UpstreamClient: I/O threads to run it on, and blocking
// wrappers around open() and a stream's pulls for test code.
//
//   smg::test::IoThreads io;
//   smg::proxy::UpstreamClient client(io.runtime());
//   auto stream = smg::test::open_and_wait(client, {.url = url});
//   auto drained = smg::test::drain(**stream);
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "server/http/io_runtime.h"
#include "server/proxy/upstream_client.h"

namespace smg::test {

// An IoRuntime run by background threads until destroyed.
class IoThreads {
 public:
  explicit IoThreads(std::size_t threads = 2)
      : io_(threads), guard_(boost::asio::make_work_guard(io_.context())),
        runner_([this] { io_.run(); }) {}
  ~IoThreads() {
    guard_.reset();
    io_.stop();
    runner_.join();
  }
  server::IoRuntime& runtime() { return io_; }

 private:
  server::IoRuntime io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread runner_;
};

inline Result<std::shared_ptr<proxy::UpstreamStream>> open_and_wait(
    const proxy::UpstreamClient& client, proxy::UpstreamRequest request) {
  auto promise = std::make_shared<std::promise<Result<std::shared_ptr<proxy::UpstreamStream>>>>();
  auto future = promise->get_future();
  client.open(std::move(request), [promise](Result<std::shared_ptr<proxy::UpstreamStream>> r) {
    promise->set_value(std::move(r));
  });
  return future.get();
}

inline server::BodyPiece pull_once(server::BodySource& source) {
  auto promise = std::make_shared<std::promise<server::BodyPiece>>();
  auto future = promise->get_future();
  source.pull([promise](server::BodyPiece piece) { promise->set_value(std::move(piece)); });
  return future.get();
}

struct Drained {
  std::string body;
  bool ended = false;   // the whole body arrived
  bool failed = false;  // cut short
  int pieces = 0;
};

// Pulls until the end or a failure; on_piece sees each piece's bytes as it arrives.
inline Drained drain(server::BodySource& source,
                     const std::function<void(const std::string&)>& on_piece = {}) {
  Drained drained;
  for (;;) {
    server::BodyPiece piece = pull_once(source);
    if (!piece.bytes.empty()) {
      ++drained.pieces;
      drained.body += piece.bytes;
      if (on_piece) on_piece(piece.bytes);
    }
    if (piece.failed) {
      drained.failed = true;
      return drained;
    }
    if (piece.end) {
      drained.ended = true;
      return drained;
    }
  }
}

}  // namespace smg::test
