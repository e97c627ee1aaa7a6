#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "common/apikey/api_key_spec.h"
#include "common/apikey/api_key_store.h"

using namespace smg::apikey;

namespace {

std::vector<ApiKeyEntry> entries_of(std::vector<std::string> specs) {
  auto entries = parse_api_key_flags(std::move(specs));
  REQUIRE(entries.ok());
  return std::move(*entries);
}

}  // namespace

TEST_CASE("apikey: lookup finds the principal by key", "[apikey][store]") {
  auto store =
      ApiKeyStore::build(entries_of({"admin1:Platform Admin:admin:sk-a", "ci:CI:user:sk-c"}));
  REQUIRE(store.ok());
  CHECK(store->size() == 2);

  auto admin = store->lookup("sk-a");
  REQUIRE(admin.has_value());
  CHECK(admin->subject == "api_key:admin1");
  CHECK(admin->display_name == "Platform Admin");
  CHECK(admin->auth_method == smg::AuthMethod::kApiKey);
  CHECK(admin->role == smg::Role::kAdmin);
  CHECK(store->lookup("sk-c")->role == smg::Role::kUser);
}

TEST_CASE("apikey: lookup misses unknown, empty and near-miss keys", "[apikey][store]") {
  auto store = ApiKeyStore::build(entries_of({"a:A:admin:sk-a"}));
  REQUIRE(store.ok());
  CHECK_FALSE(store->lookup("sk-b").has_value());
  CHECK_FALSE(store->lookup("").has_value());
  CHECK_FALSE(store->lookup("sk-a ").has_value());
  CHECK_FALSE(store->lookup("SK-A").has_value());
  CHECK_FALSE(store->lookup("a").has_value());  // an id is not a key
  CHECK(ApiKeyStore::build({})->empty());
}

TEST_CASE("apikey: duplicate id is refused", "[apikey][store]") {
  auto store = ApiKeyStore::build(entries_of({"a:A:admin:sk-1", "a:Other:user:sk-2"}));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().reason() == "duplicate_api_key");
  CHECK(store.status().message() == "duplicate API key id \"a\"");
}

TEST_CASE("apikey: duplicate key is refused without showing it", "[apikey][store][attack]") {
  auto store = ApiKeyStore::build(entries_of({"a:A:admin:sk-SAME", "b:B:user:sk-SAME"}));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().reason() == "duplicate_api_key");
  CHECK(store.status().message() == "API keys \"a\" and \"b\" have the same key");
}

TEST_CASE("apikey: concurrent lookups agree", "[apikey][store]") {
  auto store = ApiKeyStore::build(entries_of({"a:A:admin:sk-a", "b:B:user:sk-b"}));
  REQUIRE(store.ok());
  const ApiKeyStore& shared = *store;
  std::vector<int> hits(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared, &hits, t] {
      for (int i = 0; i < 1000; ++i) {
        auto principal = shared.lookup(i % 2 == 0 ? "sk-a" : "nope");
        hits[t] += principal.has_value() && principal->subject == "api_key:a" ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : hits) CHECK(count == 500);
}
