#include <catch2/catch.hpp>

#include "cli/cli_context.h"
#include "cli/completion/worker_ids.h"

using smg::cli::completion::fetch_worker_ids;
using smg::cli::completion::worker_ids_from_body;

TEST_CASE("completion worker ids: read from a GET /workers body", "[shell][completion]") {
  CHECK(worker_ids_from_body(R"({"workers":[{"id":"a","url":"u"},{"id":"b"}],"total":2})") ==
        std::vector<std::string>{"a", "b"});
  CHECK(worker_ids_from_body(R"({"workers":[{"url":"u"},{"id":7},"x"]})").empty());
  CHECK(worker_ids_from_body("not json").empty());
  CHECK(worker_ids_from_body(R"({"error":{"message":"nope"}})").empty());
}

TEST_CASE("completion worker ids: nothing when no gateway answers", "[shell][completion]") {
  smg::cli::CliContext context;
  CHECK(fetch_worker_ids(context).empty());  // no server known: no error, no output
  context.global.server = "http://127.0.0.1:1";
  CHECK(fetch_worker_ids(context).empty());  // connection refused
}
