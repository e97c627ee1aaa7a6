// KeySchema: children by path (list indices read as "[]"), keys meant at another level, and the
// example document it prints.
#include "common/config/key_schema.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

using smg::config::KeySchema;

namespace {

const KeySchema& schema() {
  static const KeySchema keys({
      {"server", "", "the gateway"},
      {"server.port", "30000", "listen port"},
      {"server.workers", "", "workers"},
      {"server.workers.policy", "round_robin", "routing"},
      {"server.callers", "", "tokens"},
      {"server.callers[].token_id", "app1", "name"},
      {"server.callers[].token_sha256", "ab", "digest"},
      {"server.callers[].token_env", "APP1", "or the variable", true},
      {"server.auth", "", "auth"},
      {"server.auth.policy", "[p]", "lines"},
      {"server.extra", "", "off by default", true},
      {"server.extra[].name", "x", ""},
  });
  return keys;
}

}  // namespace

TEST_CASE("key schema: children of a path in table order", "[config][schema]") {
  CHECK(schema().children("") == std::vector<std::string>{"server"});
  CHECK(schema().children("server") ==
        std::vector<std::string>{"port", "workers", "callers", "auth", "extra"});
  CHECK(schema().children("server.callers[3]") ==
        std::vector<std::string>{"token_id", "token_sha256", "token_env"});
  CHECK(schema().children("server.nosuch").empty());
  CHECK(smg::config::schema_path("a.b[12].c[0]") == "a.b[].c[]");
}

TEST_CASE("key schema: a key at the wrong level finds the right one", "[config][schema]") {
  // Same name deeper down: nearest first.
  CHECK(schema().elsewhere("server", "policy") ==
        std::vector<std::string>{"server.workers.policy", "server.auth.policy"});
  // A typo of a name elsewhere.
  CHECK(schema().elsewhere("server", "polcy").front() == "server.workers.policy");
  // Up a level.
  CHECK(schema().elsewhere("server.workers", "port") == std::vector<std::string>{"server.port"});
  CHECK(schema().elsewhere("server", "frobnicate").empty());
}

TEST_CASE("key schema: the example prints every key and parses as YAML", "[config][schema]") {
  std::string yaml = schema().example_yaml("# header\n");
  INFO(yaml);
  CHECK(yaml.rfind("# header\n", 0) == 0);
  YAML::Node root = YAML::Load(yaml);
  CHECK(root["server"]["port"].as<int>() == 30000);
  CHECK(root["server"]["workers"]["policy"].as<std::string>() == "round_robin");
  REQUIRE(root["server"]["callers"].IsSequence());
  CHECK(root["server"]["callers"][0]["token_id"].as<std::string>() == "app1");
  CHECK(root["server"]["callers"][0]["token_sha256"].as<std::string>() == "ab");
  // Alternatives are there, commented out; removing "# " gives valid YAML with them.
  CHECK_FALSE(root["server"]["callers"][0]["token_env"].IsDefined());
  CHECK(yaml.find("# token_env: APP1") != std::string::npos);
  CHECK_FALSE(root["server"]["extra"].IsDefined());
  CHECK(yaml.find("# - name: x") != std::string::npos);
  std::string uncommented;
  for (std::size_t at = 0; at < yaml.size();) {
    std::size_t end = yaml.find('\n', at);
    std::string line = yaml.substr(at, end - at);
    at = end + 1;
    auto hash = line.find("# ");
    if (hash != std::string::npos && line.find_first_not_of(' ') == hash && hash > 0) {
      line.erase(hash, 2);
    }
    uncommented += line + "\n";
  }
  YAML::Node all = YAML::Load(uncommented);
  CHECK(all["server"]["callers"][0]["token_env"].as<std::string>() == "APP1");
  CHECK(all["server"]["extra"][0]["name"].as<std::string>() == "x");
  // Comments follow the values.
  CHECK(yaml.find("port: 30000") != std::string::npos);
  CHECK(yaml.find("# listen port") != std::string::npos);
}
