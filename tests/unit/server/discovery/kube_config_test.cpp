#include "server/discovery/kube_config.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/crypto/crypto.h"
#include "server/discovery/kube_client.h"

using namespace smg::discovery;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/smg-kubeconfig-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: other
  context: {cluster: nowhere, user: nobody}
- name: dev
  context: {cluster: kind, user: admin, namespace: llm}
clusters:
- name: kind
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: ca.pem
users:
- name: admin
  user:
    tokenFile: token.txt
)";

}  // namespace

TEST_CASE("discovery: in-cluster config from the service account", "[discovery][kubeconfig]") {
  TempDir dir;
  dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
  dir.write("token", "tok-1\n");
  dir.write("namespace", "llm\n");
  auto connection = load_in_cluster("10.96.0.1", "443", dir.path.string());
  REQUIRE(connection.ok());
  CHECK(connection->server == "https://10.96.0.1:443");
  CHECK(connection->ca_file == (dir.path / "ca.crt").string());
  CHECK(connection->default_namespace == "llm");
  CHECK(connection->source == "in-cluster");
  CHECK(*connection->bearer_token() == "tok-1");

  SECTION("a rotated token is read at the next request") {
    dir.write("token", "tok-2");
    CHECK(*connection->bearer_token() == "tok-2");
  }
  SECTION("a token file that disappears is an error, not an empty token") {
    fs::remove(dir.path / "token");
    CHECK(connection->bearer_token().status().reason() == "kube_token_unreadable");
  }
  SECTION("IPv6 service host") {
    CHECK(load_in_cluster("fd00::1", "443", dir.path.string())->server == "https://[fd00::1]:443");
  }
}

TEST_CASE("discovery: in-cluster config refuses what is missing", "[discovery][kubeconfig]") {
  TempDir dir;
  CHECK(load_in_cluster("", "", dir.path.string()).status().reason() == "kube_config_invalid");
  CHECK(load_in_cluster("10.96.0.1", "443", dir.path.string()).status().message().find("ca.crt") !=
        std::string::npos);
  dir.write("ca.crt", "x");
  CHECK(load_in_cluster("10.96.0.1", "443", dir.path.string()).status().message().find("token") !=
        std::string::npos);
}

TEST_CASE("discovery: kubeconfig current context, relative paths", "[discovery][kubeconfig]") {
  TempDir dir;
  dir.write("token.txt", "file-token\n");
  auto connection = load_kubeconfig_file(dir.write("config", kKubeconfig));
  REQUIRE(connection.ok());
  CHECK(connection->server == "https://127.0.0.1:6443");
  CHECK(connection->ca_file == (dir.path / "ca.pem").string());
  CHECK(connection->token_file == (dir.path / "token.txt").string());
  CHECK(*connection->bearer_token() == "file-token");
  CHECK(connection->default_namespace == "llm");
}

TEST_CASE("discovery: kubeconfig inline data and client certificates", "[discovery][kubeconfig]") {
  TempDir dir;
  std::string text = R"(current-context: c
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {server: "https://k:6443", insecure-skip-tls-verify: true,
            certificate-authority-data: )" +
                     smg::crypto::base64_encode("CA PEM") + R"(}}]
users: [{name: u, user: {token: inline-token, client-certificate-data: )" +
                     smg::crypto::base64_encode("CERT PEM") + R"(, client-key: /abs/key.pem}}]
)";
  auto connection = load_kubeconfig_file(dir.write("config", text));
  REQUIRE(connection.ok());
  CHECK(connection->ca_pem == "CA PEM");
  CHECK(connection->insecure_skip_tls_verify);
  CHECK(connection->client_cert_pem == "CERT PEM");
  CHECK(connection->client_key_file == "/abs/key.pem");
  CHECK(*connection->bearer_token() == "inline-token");
}

TEST_CASE("discovery: kubeconfig errors name the problem", "[discovery][kubeconfig]") {
  TempDir dir;
  auto reason_of = [&](const std::string& text) {
    auto connection = load_kubeconfig_file(dir.write("config", text));
    REQUIRE_FALSE(connection.ok());
    CHECK(connection.status().reason() == "kube_config_invalid");
    return connection.status().message();
  };
  CHECK(reason_of("[unclosed").find("kubeconfig") != std::string::npos);
  CHECK(reason_of("contexts: []").find("current-context") != std::string::npos);
  CHECK(reason_of("current-context: x\ncontexts: []").find("not found") != std::string::npos);
  CHECK(reason_of(R"(current-context: c
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {server: "https://k"}}]
users: [{name: u, user: {exec: {command: aws}}}])")
            .find("exec") != std::string::npos);
  CHECK(reason_of(R"(current-context: c
contexts: [{name: c, context: {cluster: k}}]
clusters: [{name: k, cluster: {server: "ftp://k"}}])")
            .find("server") != std::string::npos);
  CHECK(load_kubeconfig_file((dir.path / "missing").string()).status().reason() ==
        "kube_config_invalid");
}

TEST_CASE("discovery: KubeClient builds the LIST and WATCH URLs of the API",
          "[discovery][client]") {
  KubeConnection connection;
  connection.server = "https://10.96.0.1:443";
  PodQuery query;
  query.namespace_name = "llm";
  query.selector = {{"app", "sglang-worker"}, {"tier", "gpu"}};
  query.page_size = 250;
  KubeClient namespaced(connection, query);
  CHECK(namespaced.list_url("") ==
        "https://10.96.0.1:443/api/v1/namespaces/llm/"
        "pods?labelSelector=app%3Dsglang-worker%2Ctier%3Dgpu"
        "&limit=250");
  CHECK(namespaced.list_url("a b") ==
        "https://10.96.0.1:443/api/v1/namespaces/llm/"
        "pods?labelSelector=app%3Dsglang-worker%2Ctier%3Dgpu"
        "&limit=250&continue=a%20b");
  PodQuery everywhere;
  everywhere.selector = {{"app", "w"}};
  KubeClient cluster_wide(connection, everywhere);
  CHECK(cluster_wide.watch_url("123") ==
        "https://10.96.0.1:443/api/v1/pods?labelSelector=app%3Dw&watch=true&resourceVersion=123"
        "&allowWatchBookmarks=true&timeoutSeconds=290");
}
