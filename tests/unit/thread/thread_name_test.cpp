#include "common/thread/thread_name.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>

namespace {

std::string own_comm() {
  std::ifstream comm("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace

TEST_CASE("thread name: shown by the kernel, cut to 15 bytes", "[thread]") {
  std::string shortened, whole;
  std::thread([&] {
    smg::set_thread_name("smg-reqlog");
    whole = own_comm();
    smg::set_thread_name("smg-a-name-longer-than-fifteen");
    shortened = own_comm();
  }).join();
  CHECK(whole == "smg-reqlog");
  CHECK(shortened == "smg-a-name-long");
}
