#include "server/wasm/wasm_routes.h"

#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"
#include "tests/support/peers.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::server;
using namespace smg::server::wasm;
using nlohmann::json;
using smg::wasm::testing::example_bytes;
using smg::wasm::testing::example_path;

namespace {

struct Fixture {
  ModuleRegistry registry{{}};
  WasmRoutes routes{&registry};

  Response call(std::string method, std::string path, std::string body = "") {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    REQUIRE(WasmRoutes::owns(request.path));
    return routes.handle(request);
  }
  Response post(const json& modules) {
    return call("POST", "/wasm", json{{"modules", modules}}.dump());
  }
};

json descriptor(const std::string& name, const std::string& file_path,
                const std::string& point = "OnRequest") {
  return {{"name", name},
          {"file_path", file_path},
          {"module_type", "Middleware"},
          {"attach_points", json::array({{{"Middleware", point}}})}};
}

json body_of(const Response& response) { return json::parse(response.body); }

}  // namespace

TEST_CASE("wasm routes: POST by path and by upload, GET, DELETE", "[wasm]") {
  Fixture f;
  json upload = {{"name", "logging"},
                 {"wasm_base64", smg::crypto::base64_encode(example_bytes("add_header"))},
                 {"attach_points", json::array({{{"Middleware", "OnResponse"}}})},
                 {"fail_closed", true}};
  auto added = f.post(json::array({descriptor("reject", example_path("reject_domain")), upload}));
  REQUIRE(added.status == 200);
  auto modules = body_of(added)["modules"];
  REQUIRE(modules.size() == 2);
  std::string uuid = modules[0]["add_result"]["Success"];
  CHECK(modules[0]["name"] == "reject");
  CHECK_FALSE(modules[1].contains("wasm_base64"));  // not echoed back
  CHECK(modules[1]["add_result"].contains("Success"));

  auto listed = f.call("GET", "/wasm");
  REQUIRE(listed.status == 200);
  auto list = body_of(listed);
  REQUIRE(list["modules"].size() == 2);
  CHECK(list["modules"][0]["module_uuid"] == uuid);
  CHECK(list["modules"][1]["module_meta"]["file_path"] == "");
  CHECK(list["modules"][1]["module_meta"]["fail_closed"] == true);
  CHECK(list["metrics"].contains("total_executions"));

  auto one = f.call("GET", "/wasm/" + uuid);
  CHECK(one.status == 200);
  CHECK(body_of(one)["module_meta"]["name"] == "reject");

  auto removed = f.call("DELETE", "/wasm/" + uuid);
  CHECK(removed.status == 200);
  CHECK(removed.body == "Module removed successfully");
  CHECK(f.call("DELETE", "/wasm/" + uuid).status == 404);
  CHECK(f.call("GET", "/wasm/" + uuid).status == 404);
  CHECK(f.call("DELETE", "/wasm/not-a-uuid").status == 400);
  CHECK(f.call("PUT", "/wasm").status == 405);
}

TEST_CASE("wasm routes: 400 with a one-line reason per refused module", "[wasm][attack]") {
  Fixture f;
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("text.wasm"), "this is not wasm");
  std::string truncated = example_bytes("cap_max_tokens").substr(0, 100);
  smg::test::write_file(dir.file("truncated.wasm"), truncated);
  smg::test::write_file(dir.file("no_exports.wasm"),
                        smg::wasm::testing::wasm_bytes("(module (memory (export \"memory\") 1))"));
  auto response = f.post(json::array({
      descriptor("good", example_path("status_503"), "OnResponse"),
      descriptor("text", dir.file("text.wasm")),
      descriptor("truncated", dir.file("truncated.wasm")),
      descriptor("no-exports", dir.file("no_exports.wasm")),
      descriptor("relative", "modules/m.wasm"),
      descriptor("etc", "/etc/m.wasm"),
      descriptor("duplicate", example_path("status_503"), "OnResponse"),
      descriptor("on-error", example_path("add_header"), "OnError"),
  }));
  CHECK(response.status == 400);
  CHECK(body_of(response)["error"]["message"] ==
        "module text: invalid wasm module: bad magic value (at byte 4)");
  auto modules = body_of(response)["modules"];
  REQUIRE(modules.size() == 8);
  CHECK(modules[0]["add_result"].contains("Success"));  // the others do not undo it
  std::vector<std::string> expected = {
      "invalid wasm module: bad magic value",
      "invalid wasm module: ",
      "wasm module exports neither smg_on_request nor smg_on_response",
      "Module file path must be absolute, got: modules/m.wasm",
      "Access to /etc/ directory is not allowed",
      "Duplicate SHA256 hash detected",
      "OnError attach point not yet implemented"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::string error = modules[i + 1]["add_result"]["Error"];
    INFO(modules[i + 1]["name"] << ": " << error);
    CHECK_THAT(error, Catch::StartsWith(expected[i]));
    CHECK(error.find('\n') == std::string::npos);
  }
  CHECK(f.registry.snapshot()->size() == 1);
}

TEST_CASE("wasm routes: bad bodies", "[wasm][attack]") {
  Fixture f;
  CHECK(f.call("POST", "/wasm", "{not json").status == 400);
  CHECK(f.call("POST", "/wasm", R"({"modules":[]})").status == 400);
  auto oversize = f.call("POST", "/wasm", std::string(max_upload_bytes({}) + 1, ' '));
  CHECK(oversize.status == 400);
  CHECK(body_of(oversize)["error"]["code"] == "wasm_too_large");
  auto wrong_type = descriptor("m", example_path("status_503"), "OnResponse");
  wrong_type["module_type"] = "StorageHook";
  CHECK(body_of(f.post(json::array({wrong_type})))["modules"][0]["add_result"]["Error"] ==
        "module_type must be \"Middleware\"");
}

TEST_CASE("wasm routes: disabled without --enable-wasm", "[wasm]") {
  WasmRoutes routes(nullptr);
  for (auto [method, path] : {std::pair{"GET", "/wasm"}, std::pair{"POST", "/wasm"},
                              std::pair{"DELETE", "/wasm/0b7c1f6e-8a47-4bde-9d3c-2f1e5a6b7c8d"}}) {
    Request request;
    request.method = method;
    request.path = path;
    auto response = routes.handle(request);
    CHECK(response.status == 400);
    auto error = body_of(response)["error"];
    CHECK(error["type"] == "wasm_disabled");
    CHECK_THAT(error["message"].get<std::string>(), Catch::Contains("--enable-wasm"));
  }
  CHECK_FALSE(WasmRoutes::owns("/wasmx"));
  CHECK_FALSE(WasmRoutes::owns("/wasm/"));
}
