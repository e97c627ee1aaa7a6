// Polls a condition until it holds or a deadline passes: the only way tests wait for another
// thread or process (never a bare sleep as synchronisation).
//
//   REQUIRE(smg::test::eventually([&] { return worker.stats().active == 0; }));
#pragma once

#include <chrono>
#include <thread>

namespace smg::test {

template <typename Predicate>
bool eventually(Predicate predicate,
                std::chrono::milliseconds deadline = std::chrono::seconds(10),
                std::chrono::milliseconds interval = std::chrono::milliseconds(5)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > until) return predicate();
    std::this_thread::sleep_for(interval);
  }
  return true;
}

}  // namespace smg::test
