#include "server/http/io_runtime.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <optional>
#include <thread>

namespace smg::server {
namespace {

std::size_t thread_count(std::size_t requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// The runtime and slot of the I/O thread running here; null elsewhere.
thread_local const IoRuntime* running_runtime = nullptr;
thread_local std::size_t running_index = 0;

}  // namespace

IoRuntime::IoRuntime(std::size_t threads) {
  std::size_t count = thread_count(threads);
  contexts_.reserve(count);
  // Concurrency hint 1: each context is run by one thread, so Asio skips its locking for work
  // that thread posts to itself.
  for (std::size_t i = 0; i < count; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoRuntime::Slot IoRuntime::next() {
  std::size_t index = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
  return {*contexts_[index], index};
}

IoRuntime::Slot IoRuntime::local() {
  if (running_runtime == this) return {*contexts_[running_index], running_index};
  return next();
}

void IoRuntime::run() {
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::optional<Guard>> guards(contexts_.size());
  std::vector<std::thread> others;
  others.reserve(contexts_.size() - 1);
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    guards[i].emplace(contexts_[i]->get_executor());
    others.emplace_back([this, i] {
      running_runtime = this;
      running_index = i;
      contexts_[i]->run();
      running_runtime = nullptr;
    });
  }
  running_runtime = this;
  running_index = 0;
  contexts_[0]->run();
  running_runtime = nullptr;
  for (auto& guard : guards) guard.reset();  // the others end once their own work is done
  for (auto& thread : others) thread.join();
}

void IoRuntime::stop() {
  for (auto& context : contexts_) context->stop();
}

}  // namespace smg::server
