#include "server/workers/worker_registry.h"

#include <catch2/catch.hpp>

using namespace smg::workers;
using nlohmann::json;

namespace {

WorkerSpec spec_for(std::string url, std::vector<std::string> models = {}) {
  WorkerSpec spec;
  spec.url = std::move(url);
  spec.models = std::move(models);
  return spec;
}

}  // namespace

TEST_CASE("workers: normalize_worker_url accepts base URLs only", "[workers][registry]") {
  CHECK(*normalize_worker_url("http://10.0.0.5:8000") == "http://10.0.0.5:8000");
  CHECK(*normalize_worker_url("HTTP://Worker.Local:8000/") == "http://worker.local:8000");
  CHECK(*normalize_worker_url("https://host/base/v1//") == "https://host/base/v1");
  CHECK(*normalize_worker_url("http://[::1]:30001") == "http://[::1]:30001");
  for (const char* bad : {"", "10.0.0.5:8000", "ftp://host", "http://", "http://:80",
                          "http://host:0", "http://host:99999", "http://host:8x",
                          "http://user:pw@host", "http://host/a?b=1", "http://host/#frag",
                          "http://host/../x", "http://ho st", "http://host/a b"}) {
    INFO(bad);
    auto result = normalize_worker_url(bad);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().reason() == "invalid_worker_url");
  }
}

TEST_CASE("workers: parse_worker_body reads SMG's fields", "[workers][registry]") {
  SECTION("all fields") {
    auto spec = parse_worker_body(json::parse(R"({
      "url": "http://w1:8000/", "models": [{"id": "m1"}, "m2"], "model_id": "m1",
      "api_key": "sk-1", "worker_type": "prefill", "priority": 70, "cost": 2.5,
      "labels": {"zone": "a"}, "bootstrap_port": 9000})"));
    REQUIRE(spec.ok());
    CHECK(spec->url == "http://w1:8000");
    CHECK(spec->models == std::vector<std::string>{"m1", "m2"});
    CHECK(spec->api_key.reveal() == "sk-1");
    CHECK(spec->worker_type == WorkerType::kPrefill);
    CHECK(spec->priority == 70);
    CHECK(spec->cost == 2.5);
    CHECK(spec->labels.at("zone") == "a");
  }
  SECTION("defaults") {
    auto spec = parse_worker_body(json{{"url", "http://w1"}});
    REQUIRE(spec.ok());
    CHECK(spec->priority == 50);
    CHECK(spec->cost == 1.0);
    CHECK(spec->worker_type == WorkerType::kRegular);
  }
  SECTION("errors") {
    CHECK(parse_worker_body(json::array()).status().reason() == "invalid_worker_body");
    CHECK(parse_worker_body(json::object()).status().reason() == "invalid_worker_body");
    CHECK(parse_worker_body(json{{"url", 5}}).status().reason() == "invalid_worker_body");
    CHECK(parse_worker_body(json{{"url", "nope"}}).status().reason() == "invalid_worker_url");
    json mixed = {{"url", "http://w"}, {"worker_type", "mixed"}};
    CHECK(parse_worker_body(mixed).status().reason() == "invalid_worker_type");
    for (const auto& bad : {json{{"priority", "high"}}, json{{"priority", 1.5}},
                            json{{"cost", "x"}}, json{{"cost", -1}}, json{{"labels", {{"a", 1}}}},
                            json{{"models", "m1"}}, json{{"models", {{{"name", "x"}}}}},
                            json{{"api_key", 7}}, json{{"model_id", false}}}) {
      json body = bad;
      body["url"] = "http://w";
      INFO(body.dump());
      CHECK(parse_worker_body(body).status().code() == smg::Code::kInvalidArgument);
    }
  }
}

TEST_CASE("workers: registry add, duplicate, get and list", "[workers][registry]") {
  smg::FixedClock clock(0);
  WorkerRegistry registry({}, clock);
  auto first = registry.add(spec_for("http://w1:8000/", {"m1"}));
  REQUIRE(first.ok());
  CHECK((*first)->url() == "http://w1:8000");
  CHECK((*first)->status() == WorkerStatus::kPending);
  CHECK(is_uuid((*first)->id()));

  auto duplicate = registry.add(spec_for("HTTP://W1:8000"));
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().code() == smg::Code::kAlreadyExists);
  CHECK(duplicate.status().reason() == "WORKER_ALREADY_EXISTS");
  CHECK(registry.add(spec_for("w1:8000")).status().reason() == "invalid_worker_url");

  REQUIRE(registry.add(spec_for("http://w2:8000", {"m2"})).ok());
  CHECK(registry.get((*first)->id()) == *first);
  CHECK(registry.get("unknown") == nullptr);
  CHECK(registry.list().size() == 2);
  REQUIRE(registry.list("m2").size() == 1);
  CHECK(registry.list("m2")[0]->url() == "http://w2:8000");
  CHECK(registry.list("m3").empty());

  (*first)->set_status(WorkerStatus::kReady);
  auto stats = registry.stats();
  CHECK(stats["total"] == 2);
  CHECK(stats["healthy"] == 1);
  CHECK(stats["by_status"]["pending"] == 1);
  CHECK(stats["by_status"]["ready"] == 1);
  CHECK(stats["by_status"]["draining"] == 0);
}

TEST_CASE("workers: registry update replaces or merges", "[workers][registry]") {
  smg::FixedClock clock(0);
  WorkerRegistry registry({}, clock);
  auto body = parse_worker_body(json::parse(
      R"({"url": "http://w1", "models": ["m1"], "api_key": "sk", "priority": 70,
          "labels": {"zone": "a", "gpu": "h100"}})"));
  auto worker = *registry.add(std::move(*body));
  const std::string id = worker->id();

  SECTION("PATCH merges") {
    json patch = json::parse(R"({"cost": 3, "labels": {"gpu": null, "rack": "7"}})");
    auto updated = registry.update(id, patch, UpdateMode::kMerge);
    REQUIRE(updated.ok());
    auto spec = worker->spec();
    CHECK(spec.priority == 70);
    CHECK(spec.cost == 3.0);
    CHECK(spec.labels == std::map<std::string, std::string>{{"zone", "a"}, {"rack", "7"}});
    CHECK(spec.models == std::vector<std::string>{"m1"});
  }
  SECTION("PUT replaces mutable fields but keeps the write-only api_key") {
    REQUIRE(registry.update(id, json::parse(R"({"url": "http://w1/", "model_id": "m9"})"),
                            UpdateMode::kReplace).ok());
    auto spec = worker->spec();
    CHECK(spec.priority == 50);
    CHECK(spec.labels.empty());
    CHECK(spec.models.empty());
    CHECK(spec.model_id == "m9");
    CHECK(spec.api_key.reveal() == "sk");
  }
  SECTION("api_key can be replaced or cleared") {
    REQUIRE(registry.update(id, json{{"api_key", nullptr}}, UpdateMode::kMerge).ok());
    CHECK(worker->spec().api_key.empty());
  }
  SECTION("url and worker_type are immutable") {
    CHECK(registry.update(id, json{{"url", "http://w2"}}, UpdateMode::kMerge).status().reason() ==
          "worker_url_immutable");
    CHECK(registry.update(id, json{{"worker_type", "decode"}}, UpdateMode::kMerge)
              .status().reason() == "worker_type_immutable");
  }
  SECTION("bad fields and unknown ids") {
    CHECK(registry.update(id, json{{"priority", "x"}}, UpdateMode::kMerge).status().code() ==
          smg::Code::kInvalidArgument);
    CHECK(worker->spec().priority == 70);
    CHECK(registry.update("nope", json::object(), UpdateMode::kMerge).status().reason() ==
          "WORKER_NOT_FOUND");
  }
}

TEST_CASE("workers: registry remove drains and drops at once", "[workers][registry]") {
  smg::FixedClock clock(0);
  WorkerRegistry registry({}, clock);
  auto worker = *registry.add(spec_for("http://w1"));
  auto held = registry.snapshot();  // an in-flight request's view
  auto removed = registry.remove(worker->id());
  REQUIRE(removed.ok());
  CHECK(*removed == worker);
  CHECK(worker->status() == WorkerStatus::kDraining);
  CHECK(registry.get(worker->id()) == nullptr);
  CHECK(registry.snapshot()->empty());
  CHECK(held->size() == 1);  // still usable by whoever holds it
  CHECK(registry.remove(worker->id()).status().reason() == "WORKER_NOT_FOUND");
  CHECK(registry.add(spec_for("http://w1")).ok());  // the URL is free again
}

TEST_CASE("workers: a worker added without a key gets the registry's default key",
          "[workers][registry]") {
  smg::FixedClock clock(1000);
  WorkerRegistry registry(CircuitBreakerOptions{}, clock, smg::crypto::Secret("shared-key"));
  WorkerSpec plain;
  plain.url = "http://127.0.0.1:9001";
  WorkerSpec own;
  own.url = "http://127.0.0.1:9002";
  own.api_key = smg::crypto::Secret("own-key");
  CHECK((*registry.add(std::move(plain)))->api_key().reveal() == "shared-key");
  CHECK((*registry.add(std::move(own)))->api_key().reveal() == "own-key");

  WorkerRegistry no_default(CircuitBreakerOptions{}, clock);
  WorkerSpec bare;
  bare.url = "http://127.0.0.1:9003";
  CHECK((*no_default.add(std::move(bare)))->api_key().empty());
}
