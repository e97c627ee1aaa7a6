#include "cli/remote/target.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>

#include "cli/contexts/context_store.h"
#include "tests/support/peers.h"

using smg::cli::CliContext;
using smg::cli::Context;
using smg::cli::ContextStore;
using smg::cli::Credential;
using smg::cli::resolve_target;
using smg::crypto::Secret;

namespace {

// Sets (or unsets) an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Two contexts: "prod" (current, API key) and "lab" (OIDC, its own CA).
void write_contexts(const std::string& config_home) {
  auto store = ContextStore::open(config_home + "/smgctl");
  REQUIRE(store.ok());
  Context prod;
  prod.name = "prod";
  prod.server = "https://prod.example/";
  REQUIRE(store->set_context(prod).ok());
  REQUIRE(store->save_credential("prod", Credential::api_key(Secret("prod-key"))).ok());
  Context lab;
  lab.name = "lab";
  lab.server = "https://lab.example";
  lab.cacert = "/etc/lab.pem";
  REQUIRE(store->set_context(lab).ok());
  Credential oidc;
  oidc.oidc.emplace();
  oidc.oidc->access_token = Secret("lab-access-token");
  REQUIRE(store->save_credential("lab", oidc).ok());
}

}  // namespace

TEST_CASE("target: precedence is flag then SMG_TOKEN then context", "[contexts][target]") {
  smg::test::TempDir temp;
  ScopedEnv xdg("XDG_CONFIG_HOME", temp.path());
  ScopedEnv env_token("SMG_TOKEN", std::nullopt);
  write_contexts(temp.path());
  CliContext context;

  SECTION("the current context alone") {
    auto target = resolve_target(context);
    CHECK(target.server == "https://prod.example");
    CHECK(target.token == "prod-key");
    CHECK(target.context_name == "prod");
  }
  SECTION("SMG_TOKEN beats the context's credential") {
    ScopedEnv token("SMG_TOKEN", "env-key");
    auto target = resolve_target(context);
    CHECK(target.server == "https://prod.example");
    CHECK(target.token == "env-key");
  }
  SECTION("--token beats SMG_TOKEN") {
    ScopedEnv token("SMG_TOKEN", "env-key");
    context.global.token = "flag-key";
    CHECK(resolve_target(context).token == "flag-key");
  }
  SECTION("--context picks another context and its OIDC access token") {
    context.global.context = "lab";
    auto target = resolve_target(context);
    CHECK(target.server == "https://lab.example");
    CHECK(target.token == "lab-access-token");
    CHECK(target.cacert == "/etc/lab.pem");
  }
  SECTION("--server elsewhere never receives the current context's credential") {
    context.global.server = "https://other.example";
    auto target = resolve_target(context);
    CHECK(target.server == "https://other.example");
    CHECK(target.token.empty());
    CHECK(target.context_name.empty());
  }
  SECTION("--server with an explicit --context uses that context's credential") {
    context.global.server = "https://other.example";
    context.global.context = "prod";
    CHECK(resolve_target(context).token == "prod-key");
  }
  SECTION("an unknown --context is a usage error") {
    context.global.context = "nope";
    CHECK_THROWS_AS(resolve_target(context), smg::cli::UsageError);
  }
}

TEST_CASE("target: no server anywhere is a usage error", "[contexts][target]") {
  smg::test::TempDir temp;
  ScopedEnv xdg("XDG_CONFIG_HOME", temp.path());
  CliContext context;
  CHECK_THROWS_AS(resolve_target(context), smg::cli::UsageError);
}
