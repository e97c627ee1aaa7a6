#include "server/wasm/wasm_config.h"

#include <catch2/catch.hpp>

#include "server/gateway/serve_config_keys.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::server::wasm;
using smg::config::YamlReader;
using smg::wasm::testing::example_path;

namespace {

smg::Status read(const std::string& yaml, WasmConfig& config) {
  auto root = YamlReader::load_string(yaml);
  REQUIRE(root.ok());
  YamlReader reader(*root, &smg::server::serve_config_keys());
  read_wasm_config(reader, reader.child(reader.root(), "server"), config);
  return reader.first_error();
}

}  // namespace

TEST_CASE("wasm config: server.wasm limits and start-up modules", "[wasm]") {
  WasmConfig config;
  std::string yaml =
      "server:\n  wasm:\n    enabled: true\n    max_memory_pages: 64\n"
      "    max_execution_time_ms: 250\n    max_stack_size: 131072\n"
      "    max_body_size: 2048\n    modules:\n"
      "      - name: logging\n        file_path: " +
      example_path("add_header") +
      "\n        attach_points: [on-response]\n"
      "      - name: reject\n        file_path: " +
      example_path("reject_domain") +
      "\n        attach_points: [{Middleware: OnRequest}]\n        fail_closed: true\n";
  auto status = read(yaml, config);
  INFO(status.message());
  REQUIRE(status.ok());
  CHECK(config.enabled);
  CHECK(config.limits.max_memory_pages == 64);
  CHECK(config.limits.max_instructions == smg::wasm::instructions_for_ms(250));
  CHECK(config.limits.max_stack_bytes == 131072);
  CHECK(config.limits.max_body_bytes == 2048);
  REQUIRE(config.modules.size() == 2);

  ModuleRegistry registry(config.limits);
  REQUIRE(load_startup_modules(registry, config).ok());
  auto snapshot = registry.snapshot();
  REQUIRE(snapshot->size() == 2);
  CHECK((*snapshot)[0]->spec.on_response);
  CHECK((*snapshot)[1]->spec.on_request);
  CHECK((*snapshot)[1]->spec.fail_closed);
}

TEST_CASE("wasm config: errors name their path", "[wasm]") {
  WasmConfig config;
  CHECK_THAT(read("server:\n  wasm:\n    max_memory_pages: 70000\n", config).message(),
             Catch::Contains("server.wasm.max_memory_pages"));
  WasmConfig unknown;
  CHECK_THAT(read("server:\n  wasm:\n    fuel: 3\n", unknown).message(),
             Catch::Contains("server.wasm.fuel"));
  WasmConfig bad_point;
  CHECK_THAT(
      read("server:\n  wasm:\n    modules:\n      - name: m\n        file_path: /srv/m.wasm\n"
           "        attach_points: [on-error]\n",
           bad_point)
          .message(),
      Catch::Contains("server.wasm.modules[0].attach_points[0]"));

  WasmConfig relative;
  REQUIRE(read("server:\n  wasm:\n    modules:\n      - name: m\n        file_path: m.wasm\n"
               "        attach_points: [on-request]\n",
               relative)
              .ok());
  ModuleRegistry registry({});
  CHECK(load_startup_modules(registry, relative).message() ==
        "server.wasm.modules[0] (m): Module file path must be absolute, got: m.wasm");
}
