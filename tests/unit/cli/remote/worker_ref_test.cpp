#include "cli/remote/worker_ref.h"

#include <catch2/catch.hpp>

using nlohmann::json;
using smg::cli::match_worker;

TEST_CASE("worker ref: an id, a unique prefix or a URL names one worker", "[cli]") {
  const json workers =
      json::array({{{"id", "3f2a9c1e-0000-4000-8000-000000000001"}, {"url", "http://w1:8000"}},
                   {{"id", "3f9b0000-0000-4000-8000-000000000002"}, {"url", "http://w2:8000/"}},
                   {{"id", "a1000000-0000-4000-8000-000000000003"}, {"url", "http://w3:8000"}}});
  CHECK(*match_worker(workers, "3f2a9c1e-0000-4000-8000-000000000001") ==
        "3f2a9c1e-0000-4000-8000-000000000001");
  CHECK(*match_worker(workers, "3f2") == "3f2a9c1e-0000-4000-8000-000000000001");
  CHECK(*match_worker(workers, "a") == "a1000000-0000-4000-8000-000000000003");
  CHECK(*match_worker(workers, "http://w2:8000") == "3f9b0000-0000-4000-8000-000000000002");
  CHECK(*match_worker(workers, "http://w1:8000/") == "3f2a9c1e-0000-4000-8000-000000000001");

  auto ambiguous = match_worker(workers, "3f");
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.status().reason() == "ambiguous_worker");
  CHECK(ambiguous.status().message().find("matches 2 workers") != std::string::npos);
  for (const char* missing : {"zz", "", "http://w9:8000", "w1"}) {
    INFO(missing);
    auto found = match_worker(workers, missing);
    REQUIRE_FALSE(found.ok());
    CHECK(found.status().reason() == "no_such_worker");
  }
  CHECK_FALSE(match_worker(json::object(), "a").ok());
}

TEST_CASE("worker ref: whole ids need no lookup", "[cli]") {
  CHECK(smg::cli::is_full_worker_id("3f2a9c1e-0000-4000-8000-000000000001"));
  CHECK_FALSE(smg::cli::is_full_worker_id("3f2a9c1e"));
  CHECK_FALSE(smg::cli::is_full_worker_id("3f2a9c1e-0000-4000-8000-00000000000g"));
  CHECK_FALSE(smg::cli::is_full_worker_id("3f2a9c1e00000-4000-8000-000000000001"));
}
