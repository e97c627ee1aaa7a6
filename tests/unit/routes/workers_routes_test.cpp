#include "server/routes/workers_routes.h"

#include <catch2/catch.hpp>

using namespace smg::server;
using namespace smg::workers;
using nlohmann::json;

namespace {

struct Fixture {
  smg::FixedClock clock{0};
  WorkerRegistry registry{{}, clock};
  int added = 0;
  WorkersRoutes routes{registry, [this](const std::shared_ptr<Worker>&) { ++added; }};

  Response call(std::string method, std::string path, std::string body = "",
                std::map<std::string, std::string> query = {}) {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    request.query = std::move(query);
    REQUIRE(WorkersRoutes::owns(request.path));
    return routes.handle(request);
  }
  std::string add(const std::string& body) {
    auto response = call("POST", "/workers", body);
    REQUIRE(response.status == 202);
    return json::parse(response.body)["worker_id"].get<std::string>();
  }
};

json body_of(const Response& response) { return json::parse(response.body); }

void check_error(const Response& response, int status, const std::string& type,
                 const std::string& code) {
  CHECK(response.status == status);
  auto error = body_of(response)["error"];
  CHECK(error["type"] == type);
  CHECK(error["code"] == code);
  CHECK(error["message"].is_string());
  CHECK(response.header("Cache-Control") == "no-store");
}

const char* kUnknownId = "123e4567-e89b-42d3-a456-426614174000";

}  // namespace

TEST_CASE("workers routes: owns its paths only", "[workers][routes]") {
  CHECK(WorkersRoutes::owns("/workers"));
  CHECK(WorkersRoutes::owns("/workers/abc"));
  CHECK(WorkersRoutes::owns("/get_loads"));
  CHECK_FALSE(WorkersRoutes::owns("/workers/"));
  CHECK_FALSE(WorkersRoutes::owns("/workersx"));
  CHECK_FALSE(WorkersRoutes::owns("/v1/models"));
}

TEST_CASE("workers routes: POST /workers accepts a worker", "[workers][routes]") {
  Fixture f;
  auto response = f.call("POST", "/workers",
                         R"({"url": "http://10.0.0.5:8000/", "api_key": "sk-secret",
                             "models": [{"id": "m1"}]})");
  CHECK(response.status == 202);
  auto body = body_of(response);
  CHECK(body["status"] == "accepted");
  std::string id = body["worker_id"];
  CHECK(is_uuid(id));
  CHECK(body["url"] == "http://10.0.0.5:8000");
  CHECK(body["location"] == "/workers/" + id);
  CHECK(body["message"].is_string());
  CHECK(response.header("Location") == "/workers/" + id);
  CHECK(f.added == 1);
  CHECK(f.registry.get(id) != nullptr);

  SECTION("duplicate URL → 409") {
    check_error(f.call("POST", "/workers", R"({"url": "http://10.0.0.5:8000"})"), 409,
                "conflict_error", "WORKER_ALREADY_EXISTS");
    CHECK(f.added == 1);
  }
  SECTION("bad bodies → 400") {
    check_error(f.call("POST", "/workers", "{not json"), 400, "invalid_request_error",
                "invalid_json");
    check_error(f.call("POST", "/workers", R"({"models": []})"), 400, "invalid_request_error",
                "invalid_worker_body");
    check_error(f.call("POST", "/workers", R"({"url": "10.0.0.6"})"), 400,
                "invalid_request_error", "invalid_worker_url");
    check_error(f.call("POST", "/workers", R"({"url": "http://x", "worker_type": "gpu"})"), 400,
                "invalid_request_error", "invalid_worker_type");
    check_error(f.call("POST", "/workers", R"({"url": "http://x", "priority": "hi"})"), 400,
                "invalid_request_error", "invalid_worker_body");
  }
}

TEST_CASE("workers routes: GET /workers lists with stats and a model filter",
          "[workers][routes]") {
  Fixture f;
  f.add(R"({"url": "http://w1", "models": ["m1"], "api_key": "sk-hidden"})");
  f.add(R"({"url": "http://w2", "models": ["m2"]})");
  auto all = body_of(f.call("GET", "/workers"));
  CHECK(all["total"] == 2);
  REQUIRE(all["workers"].size() == 2);
  auto first = all["workers"][0];
  for (const char* field : {"id", "url", "model_id", "worker_type", "is_healthy", "status", "load",
                            "circuit_state"}) {
    CHECK(first.contains(field));
  }
  CHECK(first["status"] == "pending");
  CHECK(all.dump().find("sk-hidden") == std::string::npos);
  CHECK(all["stats"]["total"] == 2);
  CHECK(all["stats"]["by_status"]["pending"] == 2);

  auto filtered = body_of(f.call("GET", "/workers", "", {{"model", "m2"}}));
  CHECK(filtered["total"] == 1);
  CHECK(filtered["workers"][0]["url"] == "http://w2");
}

TEST_CASE("workers routes: GET, PUT, PATCH, DELETE one worker", "[workers][routes]") {
  Fixture f;
  std::string id = f.add(R"({"url": "http://w1", "models": ["m1"], "priority": 70,
                             "labels": {"zone": "a"}})");
  std::string path = "/workers/" + id;

  auto got = f.call("GET", path);
  CHECK(got.status == 200);
  CHECK(body_of(got)["id"] == id);
  CHECK(body_of(got)["priority"] == 70);

  auto patched = f.call("PATCH", path, R"({"cost": 2.0, "labels": {"rack": "4"}})");
  CHECK(patched.status == 200);
  CHECK(body_of(patched)["priority"] == 70);
  CHECK(body_of(patched)["labels"] == json{{"zone", "a"}, {"rack", "4"}});

  auto replaced = f.call("PUT", path, R"({"models": [{"id": "m9"}]})");
  CHECK(replaced.status == 200);
  CHECK(body_of(replaced)["priority"] == 50);
  CHECK(body_of(replaced)["models"] == json::array({"m9"}));

  check_error(f.call("PATCH", path, R"({"url": "http://w2"})"), 400, "invalid_request_error",
              "worker_url_immutable");
  check_error(f.call("PUT", path, "[1"), 400, "invalid_request_error", "invalid_json");

  auto deleted = f.call("DELETE", path);
  CHECK(deleted.status == 202);
  CHECK(body_of(deleted)["worker_id"] == id);
  CHECK(body_of(deleted)["message"].get<std::string>().find("draining") != std::string::npos);
  check_error(f.call("GET", path), 404, "not_found_error", "WORKER_NOT_FOUND");
  check_error(f.call("DELETE", path), 404, "not_found_error", "WORKER_NOT_FOUND");
}

TEST_CASE("workers routes: bad and unknown worker ids", "[workers][routes]") {
  Fixture f;
  for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
    INFO(method);
    check_error(f.call(method, "/workers/not-a-uuid", "{}"), 400, "invalid_request_error",
                "invalid_worker_id");
    check_error(f.call(method, std::string("/workers/") + kUnknownId, "{}"), 404,
                "not_found_error", "WORKER_NOT_FOUND");
  }
  check_error(f.call("PATCH", std::string("/workers/") + kUnknownId, "{bad"), 404,
              "not_found_error", "WORKER_NOT_FOUND");
}

TEST_CASE("workers routes: other methods → 405 with Allow", "[workers][routes]") {
  Fixture f;
  auto response = f.call("DELETE", "/workers");
  CHECK(response.status == 405);
  CHECK(response.header("Allow") == "GET, POST");
  CHECK(f.call("POST", "/get_loads").header("Allow") == "GET");
  CHECK(f.call("POST", std::string("/workers/") + kUnknownId).status == 405);
}

TEST_CASE("workers routes: GET /get_loads", "[workers][routes]") {
  Fixture f;
  std::string id = f.add(R"({"url": "http://w1"})");
  f.registry.get(id)->add_load(3);
  auto response = f.call("GET", "/get_loads");
  CHECK(response.status == 200);
  CHECK(body_of(response) == json{{"workers", {{{"worker", "http://w1"}, {"load", 3}}}}});
}
