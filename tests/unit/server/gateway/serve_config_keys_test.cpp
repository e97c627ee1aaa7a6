// The serve config's key table: the example it prints (`smgctl config example`) holds every key
// the reader accepts and loads without error; unknown keys are matched across levels; values
// the YAML reader checks are reported by their key and line, not by a flag.
#include "server/gateway/serve_config_keys.h"

#include <catch2/catch.hpp>

#include "common/config/yaml_reader.h"
#include "server/gateway/serve_config_yaml.h"

using smg::server::ServeConfig;

namespace {

smg::Status load(const std::string& text, ServeConfig& config, const std::string& source = "") {
  auto root = smg::config::YamlReader::load_string(text);
  REQUIRE(root.ok());
  return smg::server::load_serve_config(*root, config, source);
}

// The node at `path` in the printed example, entering the first item of each list.
YAML::Node at(YAML::Node node, const std::string& path) {
  std::size_t start = 0;
  while (start < path.size() && node.IsDefined()) {
    std::size_t dot = std::min(path.find('.', start), path.size());
    std::string part = path.substr(start, dot - start);
    bool item = part.size() > 2 && part.ends_with("[]");
    if (item) part.resize(part.size() - 2);
    // reset(), not operator=: assigning one YAML::Node to another writes into the document.
    node.reset(node[part]);
    if (item && node.IsSequence()) node.reset(node[0]);
    start = dot + 1;
  }
  return node;
}

}  // namespace

TEST_CASE("serve config keys: the example shows every key and loads without error",
          "[gateway][config][schema]") {
  std::string example = smg::server::serve_config_example();
  INFO(example);
  YAML::Node root = YAML::Load(example);
  std::size_t commented = 0;
  for (const auto& key : smg::server::serve_config_keys().keys()) {
    INFO(key.path);
    std::string leaf = key.path.substr(key.path.rfind('.') + 1);
    if (leaf.ends_with("[]")) leaf.resize(leaf.size() - 2);
    if (at(root, key.path).IsDefined()) continue;
    // Not in the document: then an alternative (or inside one), printed commented out.
    CHECK((example.find("# " + leaf + ":") != std::string::npos ||
           example.find("# - " + leaf + ":") != std::string::npos));
    ++commented;
  }
  CHECK(commented < 25);  // most keys are live, not comments
  ServeConfig config;
  smg::Status loaded = load(example, config);
  INFO(loaded.message());
  REQUIRE(loaded.ok());
  CHECK(config.policy == "round_robin");
  CHECK(config.callers.size() == 1);
  CHECK(config.discovery.selector.size() == 1);
}

TEST_CASE("serve config keys: every key the reader accepts is in the table",
          "[gateway][config][schema]") {
  // A key outside the table is refused, and a key in it is accepted: the reader's "Valid keys
  // here" list is the table's.
  ServeConfig config;
  smg::Status unknown = load("server:\n  workers:\n    weights: 1\n", config);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.message().find("Valid keys here: urls, api_key_env, policy") != std::string::npos);
}

TEST_CASE("serve config keys: a key at the wrong level suggests the right one",
          "[gateway][config][schema]") {
  ServeConfig config;
  smg::Status status = load("server:\n  port: 8080\n  policy: cache_aware\n", config, "smg.yaml");
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().rfind("smg.yaml:3: server.policy: unknown key; did you mean "
                               "\"server.workers.policy\" (or "
                               "\"server.admin_auth.authorization.policy\")?",
                               0) == 0);
  ServeConfig other;
  smg::Status deeper = load("server:\n  workers:\n    port: 1\n", other, "smg.yaml");
  REQUIRE_FALSE(deeper.ok());
  CHECK(deeper.message().find("did you mean \"server.port\"") != std::string::npos);
}

TEST_CASE("serve config keys: bad values are named by key and line, not by flag",
          "[gateway][config][schema]") {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"server:\n  port: 1\n  workers:\n    policy: fastest\n",
       "smg.yaml:4: server.workers.policy: must be one of random, round_robin, power_of_two, "
       "cache_aware"},
      {"server:\n  workers:\n    urls:\n      - http://ok:8000\n      - ftp://bad\n",
       "smg.yaml:5: server.workers.urls[1]: "},
      {"server:\n  tls:\n    cert_path: /etc/c.pem\n",
       "smg.yaml:3: server.tls.key_path: required with server.tls.cert_path"},
      {"server:\n  control_plane:\n    jwt:\n      issuer: https://i\n      audience: a\n"
       "      role_mapping: {Admins: root}\n",
       "smg.yaml:6: server.control_plane.jwt.role_mapping.Admins: "},
      {"server:\n  port: many\n", "smg.yaml:2: server.port: must be a whole number"},
  };
  for (const Case& c : cases) {
    ServeConfig config;
    smg::Status status = load(c.yaml, config, "smg.yaml");
    INFO(c.yaml);
    INFO(status.message());
    REQUIRE_FALSE(status.ok());
    CHECK(status.message().rfind(c.expected, 0) == 0);
    CHECK(status.message().find("--") == std::string::npos);
  }
}
