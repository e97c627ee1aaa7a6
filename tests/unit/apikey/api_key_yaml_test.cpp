#include <catch2/catch.hpp>

#include <string>

#include "common/apikey/api_key_yaml.h"
#include "common/crypto/crypto.h"

using namespace smg::apikey;
using smg::Role;
using smg::crypto::sha256;
using smg::crypto::sha256_hex;

namespace {

smg::Result<std::vector<ApiKeyEntry>> parse(const std::string& yaml) {
  return parse_api_keys_yaml(YAML::Load(yaml), "server.control_plane.api_keys");
}

}  // namespace

TEST_CASE("apikey: YAML accepts spec strings and key_sha256 maps", "[apikey][yaml]") {
  const std::string yaml =
      "- ci:CI bot:user:k:with:colons\n"
      "- {id: ops, name: Ops, role: admin, key_sha256: " +
      sha256_hex("ops-key") +
      "}\n"
      "- {id: bare, role: user, key_sha256: " +
      sha256_hex("bare") + "}\n";
  auto entries = parse(yaml);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].key_sha256 == sha256("k:with:colons"));
  CHECK((*entries)[1].id == "ops");
  CHECK((*entries)[1].name == "Ops");
  CHECK((*entries)[1].role == Role::kAdmin);
  CHECK((*entries)[1].key_sha256 == sha256("ops-key"));
  CHECK((*entries)[2].name == "bare");  // name defaults to id
}

TEST_CASE("apikey: YAML refuses a plaintext key", "[apikey][yaml][attack]") {
  auto entries = parse("- {id: ops, name: Ops, role: admin, key: sk-SUPERSECRET}\n");
  REQUIRE_FALSE(entries.ok());
  const std::string& message = entries.status().message();
  CHECK(message.rfind("server.control_plane.api_keys[0]: plaintext key", 0) == 0);
  CHECK(message.find("key_sha256") != std::string::npos);
  CHECK(message.find("CONTROL_PLANE_API_KEYS") != std::string::npos);
  CHECK(message.find("SUPERSECRET") == std::string::npos);
}

TEST_CASE("apikey: YAML rejects bad items", "[apikey][yaml]") {
  const std::string digest = sha256_hex("x");
  auto message_of = [](const std::string& yaml) {
    auto entries = parse(yaml);
    REQUIRE_FALSE(entries.ok());
    return entries.status().message();
  };
  CHECK(message_of("{id: a}") == "server.control_plane.api_keys: expected a list of API keys");
  CHECK(message_of("- [a, b]").find("[0]: expected an id:name:role:key string") !=
        std::string::npos);
  CHECK(message_of("- {role: user, key_sha256: " + digest + "}") ==
        "server.control_plane.api_keys[0]: id must not be empty");
  CHECK(message_of("- {id: a, role: boss, key_sha256: " + digest + "}") ==
        "server.control_plane.api_keys[0] (id \"a\"): role must be admin or user");
  CHECK(message_of("- {id: a, role: user, key_sha256: abc}").find("64 hex") != std::string::npos);
  CHECK(message_of("- {id: a, role: user}").find("64 hex") != std::string::npos);
  CHECK(message_of("- {id: a, role: user, key_sha256: " + std::string(64, 'g') + "}")
            .find("64 hex") != std::string::npos);
  CHECK(message_of("- {id: a, role: user, key_sha256: " + digest + ", kye: 1}")
            .find("unknown field \"kye\"") != std::string::npos);
  CHECK(message_of("- ok:OK:user:k\n- bad:BAD:root:sk-SUPERSECRET") ==
        "server.control_plane.api_keys[1] (id \"bad\"): role must be admin or user");
}

TEST_CASE("apikey: YAML absent or null gives no keys", "[apikey][yaml]") {
  CHECK(parse_api_keys_yaml(YAML::Node(), "k")->empty());
  CHECK(parse("~")->empty());
  CHECK(parse("[]")->empty());
}
