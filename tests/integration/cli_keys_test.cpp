// `smgctl keys generate`: the printed spec must be one the gateway accepts, with the printed
// digest.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <string>

#include "common/apikey/api_key_spec.h"
#include "common/apikey/api_key_store.h"
#include "common/crypto/crypto.h"
#include "tests/support/process.h"

using smg::test::run_smgctl;

namespace {

// "label:   value" lines → {label: value}.
std::map<std::string, std::string> parse_labelled(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    auto value_start = line.find_first_not_of(' ', colon + 1);
    fields[line.substr(0, colon)] = line.substr(value_start);
  }
  return fields;
}

}  // namespace

TEST_CASE("cli keys: generate prints a key, a spec that parses, and its sha256", "[cli][apikey]") {
  auto result = run_smgctl({"keys", "generate"});
  REQUIRE(result.exit_code == 0);
  auto fields = parse_labelled(result.out);
  REQUIRE(fields.size() == 6);
  CHECK(fields["id"].rfind("key-", 0) == 0);
  CHECK(fields["id"].size() == 4 + 8);
  CHECK(fields["name"] == fields["id"]);
  CHECK(fields["role"] == "user");
  CHECK(fields["key"].rfind("smgk_", 0) == 0);
  CHECK(fields["spec"] == fields["id"] + ":" + fields["id"] + ":user:" + fields["key"]);
  CHECK(fields["key_sha256"] == smg::crypto::sha256_hex(fields["key"]));

  auto entry = smg::apikey::parse_api_key_spec(fields["spec"], "test");
  REQUIRE(entry.ok());
  CHECK(smg::crypto::to_hex(entry->key_sha256) == fields["key_sha256"]);
  CHECK(entry->role == smg::Role::kUser);
}

TEST_CASE("cli keys: generate -o json with id, name and role", "[cli][apikey]") {
  auto result = run_smgctl(
      {"keys", "generate", "--id", "ci", "--name", "CI bot", "--role", "admin", "-o", "json"});
  REQUIRE(result.exit_code == 0);
  auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["id"] == "ci");
  CHECK(doc["name"] == "CI bot");
  CHECK(doc["role"] == "admin");
  const std::string key = doc["key"];
  CHECK(doc["spec"] == "ci:CI bot:admin:" + key);
  CHECK(doc["key_sha256"] == smg::crypto::sha256_hex(key));

  auto entries = smg::apikey::parse_api_key_flags({doc["spec"].get<std::string>()});
  REQUIRE(entries.ok());
  auto store = smg::apikey::ApiKeyStore::build(std::move(*entries));
  REQUIRE(store.ok());
  auto principal = store->lookup(key);
  REQUIRE(principal.has_value());
  CHECK(principal->subject == "api_key:ci");
  CHECK(principal->role == smg::Role::kAdmin);
}

TEST_CASE("cli keys: two runs give different keys", "[cli][apikey]") {
  auto first = nlohmann::json::parse(run_smgctl({"keys", "generate", "-o", "json"}).out);
  auto second = nlohmann::json::parse(run_smgctl({"keys", "generate", "-o", "json"}).out);
  CHECK(first["key"] != second["key"]);
  CHECK(first["id"] != second["id"]);
}

TEST_CASE("cli keys: bad arguments exit 2 with one line", "[cli][apikey]") {
  const std::vector<std::vector<std::string>> bad = {
      {"keys", "generate", "--role", "root"}, {"keys", "generate", "--role", "Admin"},
      {"keys", "generate", "--id", "a:b"},    {"keys", "generate", "--id", "a,b"},
      {"keys", "generate", "--name", "x:y"},  {"keys", "generate", "--name", ""},
  };
  for (const auto& args : bad) {
    CAPTURE(args);
    auto result = run_smgctl(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    REQUIRE_FALSE(result.err.empty());
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
  CHECK(run_smgctl({"keys", "generate", "--role", "root"}).err ==
        "smgctl: --role must be admin or user\n");
}
