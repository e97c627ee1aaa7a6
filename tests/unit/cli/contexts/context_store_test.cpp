#include "cli/contexts/context_store.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "cli/contexts/private_file.h"
#include "tests/support/peers.h"

using smg::cli::Context;
using smg::cli::ContextStore;
using smg::cli::Credential;
using smg::cli::OidcTokens;
using smg::crypto::Secret;

namespace {

ContextStore open_store(const std::string& dir) {
  auto store = ContextStore::open(dir);
  REQUIRE(store.ok());
  return std::move(*store);
}

Context context_named(const std::string& name, const std::string& server) {
  Context context;
  context.name = name;
  context.server = server;
  return context;
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("context store: a missing folder means no contexts and creates nothing", "[contexts]") {
  smg::test::TempDir temp;
  ContextStore store = open_store(temp.file("smgctl"));
  CHECK(store.contexts().empty());
  CHECK_FALSE(store.current());
  CHECK(store.credential("prod")->empty());
  struct stat info {};
  CHECK(::stat(temp.file("smgctl").c_str(), &info) != 0);
}

TEST_CASE("context store: round trip of contexts and both credential kinds", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  {
    ContextStore store = open_store(dir);
    Context prod = context_named("prod", "https://gw.example:8443");
    prod.cacert = "/etc/ssl/prod.pem";
    REQUIRE(store.set_context(prod).ok());
    Context lab = context_named("lab", "http://127.0.0.1:8080");
    lab.insecure = true;
    REQUIRE(store.set_context(lab).ok());
    REQUIRE(store.save_credential("prod", Credential::api_key(Secret("smg_key_123"))).ok());
    Credential oidc;
    oidc.oidc = OidcTokens{};
    oidc.oidc->issuer = "https://idp.example";
    oidc.oidc->client_id = "smgctl";
    oidc.oidc->access_token = Secret("at-1");
    oidc.oidc->refresh_token = Secret("rt-1");
    oidc.oidc->id_token = Secret("it-1");
    oidc.oidc->expires_at = 1900000000;
    oidc.oidc->token_endpoint = "https://idp.example/token";
    oidc.oidc->revocation_endpoint = "https://idp.example/revoke";
    REQUIRE(store.save_credential("lab", oidc).ok());
  }
  ContextStore store = open_store(dir);
  REQUIRE(store.contexts().size() == 2);
  CHECK(store.current_name() == "prod");  // the first context becomes current
  CHECK(store.find("prod")->cacert == "/etc/ssl/prod.pem");
  CHECK(store.find("lab")->insecure);
  CHECK(store.credential("prod")->token.reveal() == "smg_key_123");
  CHECK(store.credential("prod")->bearer().reveal() == "smg_key_123");
  auto lab = store.credential("lab");
  REQUIRE(lab->oidc);
  CHECK(lab->oidc->refresh_token.reveal() == "rt-1");
  CHECK(lab->oidc->expires_at == 1900000000);
  CHECK(lab->oidc->revocation_endpoint == "https://idp.example/revoke");
  CHECK(lab->bearer().reveal() == "at-1");
}

TEST_CASE("context store: files are 0600 in a 0700 folder and config holds no secret",
          "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  ContextStore store = open_store(dir);
  REQUIRE(store.set_context(context_named("prod", "https://gw.example")).ok());
  REQUIRE(store.save_credential("prod", Credential::api_key(Secret("smg_secret_value"))).ok());
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(store.config_path()) == 0600);
  CHECK(mode_of(store.credentials_path()) == 0600);
  CHECK(smg::test::read_file(store.config_path()).find("smg_secret_value") == std::string::npos);
  CHECK(smg::test::read_file(store.credentials_path()).find("smg_secret_value") !=
        std::string::npos);
}

TEST_CASE("context store: refuses a config or credentials file readable by others", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  {
    ContextStore store = open_store(dir);
    REQUIRE(store.set_context(context_named("prod", "https://gw.example")).ok());
    REQUIRE(store.save_credential("prod", Credential::api_key(Secret("k"))).ok());
  }
  SECTION("config.yaml 0644") {
    REQUIRE(::chmod((dir + "/config.yaml").c_str(), 0644) == 0);
    auto store = ContextStore::open(dir);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message().find(dir + "/config.yaml") != std::string::npos);
    CHECK(store.status().message().find("chmod 600") != std::string::npos);
  }
  SECTION("credentials.yaml 0644") {
    REQUIRE(::chmod((dir + "/credentials.yaml").c_str(), 0644) == 0);
    ContextStore store = open_store(dir);
    auto credential = store.credential("prod");
    REQUIRE_FALSE(credential.ok());
    CHECK(credential.status().message().find("credentials.yaml") != std::string::npos);
    // A change must not silently rewrite (and so "fix") a file it refused to read.
    CHECK_FALSE(store.save_credential("prod", Credential::api_key(Secret("k2"))).ok());
  }
}

TEST_CASE("context store: use, remove and the current context", "[contexts]") {
  smg::test::TempDir temp;
  ContextStore store = open_store(temp.file("smgctl"));
  REQUIRE(store.set_context(context_named("a", "http://a.example")).ok());
  REQUIRE(store.set_context(context_named("b", "http://b.example")).ok());
  REQUIRE(store.save_credential("b", Credential::api_key(Secret("kb"))).ok());
  CHECK(store.current_name() == "a");
  REQUIRE(store.use("b").ok());
  CHECK(store.current()->server == "http://b.example");
  CHECK(store.use("nope").reason() == "context_not_found");
  REQUIRE(store.remove("b").ok());
  CHECK(store.current_name().empty());
  CHECK(store.credential("b")->empty());
  CHECK(store.remove("b").reason() == "context_not_found");
  CHECK(open_store(temp.file("smgctl")).contexts().size() == 1);
}

TEST_CASE("context store: set_context keeps the credential and rejects bad names", "[contexts]") {
  smg::test::TempDir temp;
  ContextStore store = open_store(temp.file("smgctl"));
  REQUIRE(store.set_context(context_named("prod", "http://old.example")).ok());
  REQUIRE(store.save_credential("prod", Credential::api_key(Secret("kp"))).ok());
  REQUIRE(store.set_context(context_named("prod", "http://new.example")).ok());
  CHECK(store.find("prod")->server == "http://new.example");
  CHECK(store.credential("prod")->token.reveal() == "kp");
  CHECK(store.set_context(context_named("../evil", "http://x")).reason() == "bad_context_name");
  CHECK(store.set_context(context_named("ok", "")).reason() == "missing_server");
  REQUIRE(store.forget_credential("prod").ok());
  CHECK(store.credential("prod")->empty());
}

TEST_CASE("context store: a change rereads the file so another writer is not lost", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  ContextStore first = open_store(dir);
  ContextStore second = open_store(dir);
  REQUIRE(first.set_context(context_named("a", "http://a.example")).ok());
  REQUIRE(second.set_context(context_named("b", "http://b.example")).ok());
  CHECK(second.contexts().size() == 2);
  CHECK(open_store(dir).contexts().size() == 2);
}

TEST_CASE("context store: malformed files are errors naming the file", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  REQUIRE(smg::cli::ensure_private_dir(dir).ok());
  REQUIRE(smg::cli::write_private_file(dir + "/config.yaml", "contexts: [ {name: 1\n").ok());
  auto store = ContextStore::open(dir);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("config.yaml") != std::string::npos);
  REQUIRE(smg::cli::write_private_file(dir + "/config.yaml", "contexts: {a: 1}\n").ok());
  CHECK(ContextStore::open(dir).status().message().find("contexts must be a list") !=
        std::string::npos);
}

TEST_CASE("context store: default folder follows XDG_CONFIG_HOME then HOME", "[contexts]") {
  std::string saved_xdg = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
  std::string saved_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
  CHECK(ContextStore::default_dir() == "/tmp/xdg-test/smgctl");
  ::unsetenv("XDG_CONFIG_HOME");
  ::setenv("HOME", "/home/someone", 1);
  CHECK(ContextStore::default_dir() == "/home/someone/.config/smgctl");
  if (saved_xdg.empty()) {
    ::unsetenv("XDG_CONFIG_HOME");
  } else {
    ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
  }
  ::setenv("HOME", saved_home.c_str(), 1);
}
