#include "server/workers/worker.h"

#include <catch2/catch.hpp>

#include <set>

using namespace smg::workers;

namespace {

WorkerSpec spec_with(std::vector<std::string> models, std::string model_id = "") {
  WorkerSpec spec;
  spec.url = "http://w1:8000";
  spec.models = std::move(models);
  spec.model_id = std::move(model_id);
  spec.api_key = smg::crypto::Secret("sk-worker-secret");
  spec.labels = {{"zone", "a"}};
  return spec;
}

}  // namespace

TEST_CASE("workers: new_worker_id makes distinct v4 UUIDs", "[workers][worker]") {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = new_worker_id();
    REQUIRE(is_uuid(id));
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    ids.insert(id);
  }
  CHECK(ids.size() == 100);
  CHECK_FALSE(is_uuid("not-a-uuid"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
}

TEST_CASE("workers: worker type and status names", "[workers][worker]") {
  CHECK(parse_worker_type("prefill").ok());
  CHECK(*parse_worker_type("decode") == WorkerType::kDecode);
  CHECK(parse_worker_type("mixed").status().reason() == "invalid_worker_type");
  CHECK(std::string(worker_status_name(WorkerStatus::kNotReady)) == "not_ready");
}

TEST_CASE("workers: worker serves its models", "[workers][worker]") {
  smg::FixedClock clock(0);
  SECTION("explicit models win") {
    Worker worker("id", spec_with({"a", "b"}, "c"), {}, clock);
    CHECK(worker.serves("a"));
    CHECK(worker.serves(""));
    CHECK_FALSE(worker.serves("c"));
  }
  SECTION("model_id plus discovered ids") {
    Worker worker("id", spec_with({}, "c"), {}, clock);
    worker.set_discovered_models({"d", "c"});
    CHECK(worker.model_ids() == std::vector<std::string>{"c", "d"});
    CHECK(worker.serves("d"));
    CHECK_FALSE(worker.serves("e"));
  }
  SECTION("no known model takes any model") {
    Worker worker("id", spec_with({}), {}, clock);
    CHECK(worker.serves("anything"));
  }
}

TEST_CASE("workers: worker routable needs ready and a closed breaker", "[workers][worker]") {
  smg::FixedClock clock(0);
  CircuitBreakerOptions options;
  options.failure_threshold = 1;
  Worker worker("id", spec_with({"a"}), options, clock);
  CHECK(worker.status() == WorkerStatus::kPending);
  CHECK_FALSE(worker.routable());
  worker.set_status(WorkerStatus::kReady);
  CHECK(worker.routable());
  worker.breaker().record_failure();
  CHECK_FALSE(worker.routable());
  worker.set_status(WorkerStatus::kDraining);
  CHECK_FALSE(worker.transition_status(WorkerStatus::kReady, WorkerStatus::kNotReady));
  CHECK(worker.status() == WorkerStatus::kDraining);
}

TEST_CASE("workers: worker to_json shows its state and never the api_key", "[workers][worker]") {
  smg::FixedClock clock(0);
  Worker worker("123e4567-e89b-42d3-a456-426614174000", spec_with({"a"}), {}, clock);
  worker.set_status(WorkerStatus::kReady);
  worker.add_load(2);
  auto json = worker.to_json();
  CHECK(json["id"] == "123e4567-e89b-42d3-a456-426614174000");
  CHECK(json["url"] == "http://w1:8000");
  CHECK(json["model_id"] == "a");
  CHECK(json["models"] == nlohmann::json::array({"a"}));
  CHECK(json["worker_type"] == "regular");
  CHECK(json["priority"] == 50);
  CHECK(json["cost"] == 1.0);
  CHECK(json["labels"]["zone"] == "a");
  CHECK(json["is_healthy"] == true);
  CHECK(json["status"] == "ready");
  CHECK(json["load"] == 2);
  CHECK(json["circuit_state"] == "closed");
  CHECK_FALSE(json.contains("api_key"));
  CHECK(json.dump().find("sk-worker-secret") == std::string::npos);
}
