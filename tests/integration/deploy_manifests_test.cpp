// deploy/kubernetes/*.yaml and deploy/Dockerfile cannot drift from the binary: every manifest
// parses (yaml-cpp), the objects reference each other correctly, every container arg is a flag
// of `smgctl serve --help` given the number of values it takes, every environment variable the
// manifests set is one the gateway reads (named in that help text), and the hardening the issue
// asks for is there. No cluster or image build runs here.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using smg::test::read_file;

namespace {

const std::string kDeployDir = std::string(SMG_SOURCE_DIR) + "/deploy";

struct Manifests {
  std::map<std::string, YAML::Node> by_kind;  // one object of each kind is expected
  std::vector<std::string> files;
};

Manifests load_manifests() {
  Manifests out;
  for (const auto& entry : fs::directory_iterator(kDeployDir + "/kubernetes")) {
    if (entry.path().extension() != ".yaml") continue;
    out.files.push_back(entry.path().filename().string());
    std::vector<YAML::Node> docs;
    REQUIRE_NOTHROW(docs = YAML::LoadAllFromFile(entry.path().string()));
    for (const auto& doc : docs) {
      if (!doc || doc.IsNull()) continue;
      INFO(entry.path().filename().string());
      REQUIRE(doc["apiVersion"]);
      REQUIRE(doc["kind"]);
      REQUIRE(doc["metadata"]["name"]);
      std::string kind = doc["kind"].as<std::string>();
      CHECK(out.by_kind.count(kind) == 0);
      out.by_kind[kind] = doc;
    }
  }
  return out;
}

struct FlagInfo {
  bool takes_value = false;
};

// Flags and their arity from CLI11's help ("  --port INT [30000]  Listen port"), and the text.
std::map<std::string, FlagInfo> serve_flags(std::string& help_text) {
  auto help = smg::test::run_smgctl({"serve", "--help"});
  REQUIRE(help.exit_code == 0);
  help_text = help.out;
  std::map<std::string, FlagInfo> flags;
  // The value's type follows the flag after one space; the description starts after several.
  std::regex line_re(R"(^\s+(?:-\w,)?(--[a-z0-9][a-z0-9-]*)(?: ([A-Z][A-Z:]*))?)");
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, line_re)) {
      flags[match[1]].takes_value = match[2].matched;
    }
  }
  REQUIRE(flags.count("--port") == 1);
  REQUIRE(flags.at("--port").takes_value);
  REQUIRE(flags.count("--log-json") == 1);
  REQUIRE_FALSE(flags.at("--log-json").takes_value);
  return flags;
}

YAML::Node container_of(const Manifests& m) {
  REQUIRE(m.by_kind.count("Deployment") == 1);
  auto containers = m.by_kind.at("Deployment")["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.IsSequence());
  REQUIRE(containers.size() == 1);
  return containers[0];
}

std::vector<std::string> strings_of(const YAML::Node& sequence) {
  std::vector<std::string> out;
  for (const auto& item : sequence) out.push_back(item.as<std::string>());
  return out;
}

std::string arg_value(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return "";
}

}  // namespace

TEST_CASE("deploy: every manifest parses and the set is complete", "[integration][deploy]") {
  Manifests m = load_manifests();
  for (const char* kind : {"Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
                           "Secret", "Deployment", "Service", "PodDisruptionBudget"}) {
    INFO(kind);
    CHECK(m.by_kind.count(kind) == 1);
  }
  std::string ns = m.by_kind.at("Namespace")["metadata"]["name"].as<std::string>();
  for (const auto& [kind, doc] : m.by_kind) {
    if (kind == "Namespace") continue;
    INFO(kind);
    REQUIRE(doc["metadata"]["namespace"]);
    CHECK(doc["metadata"]["namespace"].as<std::string>() == ns);
  }
}

TEST_CASE("deploy: RBAC grants pods get/list/watch to the gateway's account, nothing more",
          "[integration][deploy]") {
  Manifests m = load_manifests();
  auto rules = m.by_kind.at("Role")["rules"];
  REQUIRE(rules.size() == 1);
  CHECK(strings_of(rules[0]["apiGroups"]) == std::vector<std::string>{""});
  CHECK(strings_of(rules[0]["resources"]) == std::vector<std::string>{"pods"});
  CHECK(strings_of(rules[0]["verbs"]) == std::vector<std::string>{"get", "list", "watch"});
  auto binding = m.by_kind.at("RoleBinding");
  CHECK(binding["roleRef"]["kind"].as<std::string>() == "Role");
  CHECK(binding["roleRef"]["name"].as<std::string>() ==
        m.by_kind.at("Role")["metadata"]["name"].as<std::string>());
  std::string account = m.by_kind.at("ServiceAccount")["metadata"]["name"].as<std::string>();
  CHECK(binding["subjects"][0]["name"].as<std::string>() == account);
  CHECK(m.by_kind.at("Deployment")["spec"]["template"]["spec"]["serviceAccountName"]
            .as<std::string>() == account);
}

TEST_CASE("deploy: every container arg is a `smgctl serve` flag with its values",
          "[integration][deploy]") {
  Manifests m = load_manifests();
  std::string help;
  auto flags = serve_flags(help);
  auto args = strings_of(container_of(m)["args"]);
  REQUIRE_FALSE(args.empty());
  for (std::size_t i = 0; i < args.size(); ++i) {
    INFO("arg #" << i << ": " << args[i]);
    REQUIRE(args[i].rfind("--", 0) == 0);  // a value never stands where a flag should
    auto flag = flags.find(args[i]);
    REQUIRE(flag != flags.end());
    if (flag->second.takes_value) {
      REQUIRE(i + 1 < args.size());
      CHECK(args[i + 1].rfind("--", 0) != 0);
      ++i;
    }
  }
  // The seed's recipe.
  CHECK(arg_value(args, "--selector") == "app=sglang-worker");
  CHECK(std::find(args.begin(), args.end(), "--service-discovery") != args.end());
  CHECK(arg_value(args, "--host") == "0.0.0.0");
}

TEST_CASE("deploy: every environment variable set is one the gateway reads",
          "[integration][deploy]") {
  Manifests m = load_manifests();
  std::string help;
  serve_flags(help);
  std::set<std::string> names;
  for (const auto& entry : m.by_kind.at("ConfigMap")["data"])
    names.insert(entry.first.as<std::string>());
  for (const auto& entry : m.by_kind.at("Secret")["stringData"])
    names.insert(entry.first.as<std::string>());
  auto container = container_of(m);
  for (const auto& env : container["env"]) names.insert(env["name"].as<std::string>());
  CHECK(names.count("JWT_ISSUER") == 1);
  CHECK(names.count("JWT_AUDIENCE") == 1);
  CHECK(names.count("CONTROL_PLANE_API_KEYS") == 1);
  for (const auto& name : names) {
    INFO(name);
    bool read =
        help.find("Env:" + name) != std::string::npos || help.find("$" + name) != std::string::npos;
    CHECK(read);
  }
  // envFrom names objects that exist.
  for (const auto& source : container["envFrom"]) {
    if (source["configMapRef"]) {
      CHECK(source["configMapRef"]["name"].as<std::string>() ==
            m.by_kind.at("ConfigMap")["metadata"]["name"].as<std::string>());
    } else {
      CHECK(source["secretRef"]["name"].as<std::string>() ==
            m.by_kind.at("Secret")["metadata"]["name"].as<std::string>());
    }
  }
}

TEST_CASE("deploy: the Deployment is hardened, probed and reachable", "[integration][deploy]") {
  Manifests m = load_manifests();
  auto deployment = m.by_kind.at("Deployment");
  auto pod = deployment["spec"]["template"]["spec"];
  auto container = container_of(m);
  auto args = strings_of(container["args"]);
  CHECK(deployment["spec"]["replicas"].as<int>() == 2);
  CHECK(pod["securityContext"]["runAsNonRoot"].as<bool>());
  CHECK(pod["securityContext"]["runAsUser"].as<int>() != 0);
  CHECK(container["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  CHECK_FALSE(container["securityContext"]["allowPrivilegeEscalation"].as<bool>());
  CHECK(container["resources"]["requests"]["memory"]);
  CHECK(container["resources"]["limits"]["memory"]);
  CHECK(container["readinessProbe"]["httpGet"]["path"].as<std::string>() == "/readiness");
  CHECK(container["livenessProbe"]["httpGet"]["path"].as<std::string>() == "/liveness");

  // The named port is the one the gateway listens on, and the Service sends traffic there.
  int port = std::stoi(arg_value(args, "--port"));
  REQUIRE(container["ports"][0]["name"].as<std::string>() == "http");
  CHECK(container["ports"][0]["containerPort"].as<int>() == port);
  CHECK(container["readinessProbe"]["httpGet"]["port"].as<std::string>() == "http");
  auto service = m.by_kind.at("Service");
  CHECK(service["spec"]["ports"][0]["targetPort"].as<std::string>() == "http");
  auto labels = deployment["spec"]["template"]["metadata"]["labels"];
  for (const auto& selector :
       {service["spec"]["selector"],
        m.by_kind.at("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        deployment["spec"]["selector"]["matchLabels"]}) {
    for (const auto& entry : selector) {
      CHECK(labels[entry.first.as<std::string>()].as<std::string>() ==
            entry.second.as<std::string>());
    }
  }
  CHECK(m.by_kind.at("PodDisruptionBudget")["spec"]["minAvailable"].as<int>() <
        deployment["spec"]["replicas"].as<int>());

  // The grace period covers preStop's wait plus the drain; the data dir is a writable volume.
  auto pre_stop = strings_of(container["lifecycle"]["preStop"]["exec"]["command"]);
  REQUIRE(pre_stop.size() == 2);
  CHECK(pod["terminationGracePeriodSeconds"].as<int>() >= std::stoi(pre_stop[1]) + 30);
  std::string data_dir = arg_value(args, "--data-dir");
  bool mounted = false;
  for (const auto& mount : container["volumeMounts"]) {
    mounted = mounted || mount["mountPath"].as<std::string>() == data_dir;
  }
  CHECK(mounted);
}

TEST_CASE("deploy: the Dockerfile builds with scripts/build on Debian 12 and runs non-root",
          "[integration][deploy]") {
  std::string dockerfile = read_file(kDeployDir + "/Dockerfile");
  CHECK(dockerfile.find("FROM debian:12 AS build") != std::string::npos);
  CHECK(dockerfile.find("FROM debian:12-slim") != std::string::npos);
  CHECK(dockerfile.find("scripts/build") != std::string::npos);
  CHECK(fs::exists(std::string(SMG_SOURCE_DIR) + "/scripts/build"));
  CHECK(dockerfile.find("ENTRYPOINT [\"/usr/bin/smgctl\", \"serve\"]") != std::string::npos);
  std::smatch user;
  REQUIRE(std::regex_search(dockerfile, user, std::regex(R"(\nUSER (\d+):(\d+)\n)")));
  CHECK(user[1] != "0");
  Manifests m = load_manifests();
  CHECK(m.by_kind.at("Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
            .as<std::string>() == user[1].str());
  // Every package the build stage installs is one scripts/install-deps installs too.
  std::string deps = read_file(std::string(SMG_SOURCE_DIR) + "/scripts/install-deps");
  auto start = dockerfile.find("--no-install-recommends");
  auto end = dockerfile.find("&& rm -rf", start);
  std::istringstream words(dockerfile.substr(start, end - start));
  for (std::string word; words >> word;) {
    if (word == "--no-install-recommends" || word == "\\" || word == "file") continue;
    INFO(word);
    CHECK(deps.find(word) != std::string::npos);
  }
}
