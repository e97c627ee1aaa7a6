#include "server/http/io_runtime.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace smg::server {
namespace {

std::size_t thread_count(std::size_t requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

IoRuntime::IoRuntime(std::size_t threads)
    : threads_(thread_count(threads)) {}

void IoRuntime::run() {
  std::vector<std::thread> others;
  others.reserve(threads_ - 1);
  for (std::size_t i = 1; i < threads_; ++i) {
    others.emplace_back([this] { context_.run(); });
  }
  context_.run();
  for (auto& thread : others) thread.join();
}

}  // namespace smg::server
