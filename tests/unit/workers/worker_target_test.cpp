// Worker targets (attack probe, finding 12): link-local and cloud metadata hosts are refused in
// every spelling a resolver would accept, unless the operator allows them; ordinary hosts pass.
#include "server/workers/worker_target.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/clock/clock.h"
#include "server/workers/worker_body.h"
#include "server/workers/worker_registry.h"

namespace {

smg::Status check(const std::string& url, bool allow = false) {
  auto normalized = smg::workers::normalize_worker_url(url);
  REQUIRE(normalized.ok());
  return smg::workers::check_worker_target(*normalized, allow);
}

}  // namespace

TEST_CASE("worker target: metadata and link-local hosts are refused in every spelling",
          "[workers][target]") {
  for (const char* url :
       {"http://169.254.169.254", "http://169.254.169.254:80/latest", "http://0xa9fea9fe",
        "http://0xA9FEA9FE:8080", "http://2852039166", "http://0251.0376.0251.0376",
        "http://169.254.43518", "http://169.254.1.1:8000", "http://100.100.100.200",
        "http://[fd00:ec2::254]", "http://[FD00:EC2::254]:80", "http://[::ffff:169.254.169.254]",
        "http://[::ffff:a9fe:a9fe]", "http://[64:ff9b::169.254.169.254]", "http://[fe80::1]:8000",
        "http://metadata.google.internal", "http://METADATA.GOOGLE.INTERNAL.", "http://metadata",
        "http://instance-data:80"}) {
    INFO(url);
    auto status = check(url);
    CHECK_FALSE(status.ok());
    CHECK(status.reason() == "worker_target_refused");
    CHECK(status.message().find("--allow-link-local-workers") != std::string::npos);
    CHECK(check(url, /*allow=*/true).ok());
  }
}

TEST_CASE("worker target: ordinary hosts pass", "[workers][target]") {
  for (const char* url :
       {"http://127.0.0.1:8000", "http://10.0.0.7:8000", "http://[::1]:8000", "http://[fd00::1]",
        "http://169.253.255.255", "http://169.255.0.1", "http://worker-0.llm.svc:8000",
        "http://metadata-service.local", "https://gpu.example.com/v1", "http://100.100.100.201"}) {
    INFO(url);
    CHECK(check(url).ok());
  }
}

TEST_CASE("worker target: resolved addresses are checked as the proxy connects",
          "[workers][target]") {
  auto v4 = [](const char* text) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    REQUIRE(inet_pton(AF_INET, text, &address.sin_addr) == 1);
    return smg::workers::is_refused_address(reinterpret_cast<const sockaddr*>(&address));
  };
  auto v6 = [](const char* text) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    REQUIRE(inet_pton(AF_INET6, text, &address.sin6_addr) == 1);
    return smg::workers::is_refused_address(reinterpret_cast<const sockaddr*>(&address));
  };
  CHECK(v4("169.254.169.254"));
  CHECK(v4("169.254.0.1"));
  CHECK_FALSE(v4("127.0.0.1"));
  CHECK_FALSE(v4("10.1.2.3"));
  CHECK(v6("fe80::abcd"));
  CHECK(v6("fd00:ec2::254"));
  CHECK(v6("::ffff:169.254.169.254"));
  CHECK_FALSE(v6("::1"));
  CHECK_FALSE(v6("fd00:ec2::253"));
  CHECK_FALSE(smg::workers::is_refused_address(nullptr));
}

TEST_CASE("worker target: the registry refuses them unless allowed", "[workers][target]") {
  smg::workers::WorkerRegistry strict({}, smg::SystemClock::instance());
  smg::workers::WorkerSpec spec;
  spec.url = "http://2852039166:80";
  auto refused = strict.add(spec);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == "worker_target_refused");
  CHECK(strict.list().empty());
  smg::workers::WorkerRegistry lenient({}, smg::SystemClock::instance(), {}, true);
  CHECK(lenient.add(spec).ok());
}
