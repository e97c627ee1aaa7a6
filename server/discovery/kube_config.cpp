#include "server/discovery/kube_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/crypto/crypto.h"

namespace smg::discovery {
namespace {

namespace fs = std::filesystem;

Status config_invalid(const std::string& message) {
  return invalid_argument("kube_config_invalid", message);
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

std::string trim(std::string text) {
  const char* space = " \t\r\n";
  text.erase(0, text.find_first_not_of(space));
  text.erase(text.find_last_not_of(space) + 1);
  return text;
}

std::string relative_to(const fs::path& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (base_dir / path).string();
}

std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node child = node[key];
  return child && child.IsScalar() ? child.as<std::string>() : std::string();
}

// The entry of `list` (clusters, users, contexts) called `name`, as its inner mapping.
std::optional<YAML::Node> named(const YAML::Node& root, const char* list, const char* inner,
                                const std::string& name) {
  const YAML::Node entries = root[list];
  if (!entries || !entries.IsSequence()) return std::nullopt;
  for (const auto& entry : entries) {
    if (entry.IsMap() && scalar(entry, "name") == name && entry[inner] && entry[inner].IsMap()) {
      return entry[inner];
    }
  }
  return std::nullopt;
}

Status decode_pem(const YAML::Node& node, const char* key, std::string& out) {
  std::string data = scalar(node, key);
  if (data.empty()) return Status::ok_status();
  auto decoded = crypto::base64_decode(trim(data));
  if (!decoded.ok()) return config_invalid(std::string("kubeconfig ") + key + ": not base64");
  out = std::move(*decoded);
  return Status::ok_status();
}

Status read_cluster(const YAML::Node& cluster, const fs::path& dir, KubeConnection& out) {
  out.server = scalar(cluster, "server");
  while (!out.server.empty() && out.server.back() == '/') out.server.pop_back();
  if (out.server.rfind("https://", 0) != 0 && out.server.rfind("http://", 0) != 0) {
    return config_invalid("kubeconfig cluster server: must be an http(s) URL");
  }
  out.ca_file = relative_to(dir, scalar(cluster, "certificate-authority"));
  out.insecure_skip_tls_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
  return decode_pem(cluster, "certificate-authority-data", out.ca_pem);
}

Status read_user(const YAML::Node& user, const fs::path& dir, KubeConnection& out) {
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (user[unsupported]) {
      return config_invalid(std::string("kubeconfig user ") + unsupported +
                            ": not supported (use a token, tokenFile or client certificate)");
    }
  }
  out.token = scalar(user, "token");
  out.token_file = relative_to(dir, scalar(user, "tokenFile"));
  out.client_cert_file = relative_to(dir, scalar(user, "client-certificate"));
  out.client_key_file = relative_to(dir, scalar(user, "client-key"));
  if (Status cert = decode_pem(user, "client-certificate-data", out.client_cert_pem); !cert.ok()) {
    return cert;
  }
  return decode_pem(user, "client-key-data", out.client_key_pem);
}

Result<KubeConnection> parse_kubeconfig(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap()) return config_invalid("kubeconfig " + path + ": not a mapping");
  std::string current = scalar(root, "current-context");
  if (current.empty()) return config_invalid("kubeconfig " + path + ": no current-context");
  auto context = named(root, "contexts", "context", current);
  if (!context) return config_invalid("kubeconfig context " + current + ": not found");
  KubeConnection out;
  out.source = path;
  out.default_namespace = scalar(*context, "namespace");
  fs::path dir = fs::path(path).parent_path();
  auto cluster = named(root, "clusters", "cluster", scalar(*context, "cluster"));
  if (!cluster) return config_invalid("kubeconfig context " + current + ": cluster not found");
  if (Status read = read_cluster(*cluster, dir, out); !read.ok()) return read;
  std::string user_name = scalar(*context, "user");
  if (!user_name.empty()) {
    auto user = named(root, "users", "user", user_name);
    if (!user) return config_invalid("kubeconfig context " + current + ": user not found");
    if (Status read = read_user(*user, dir, out); !read.ok()) return read;
  }
  return out;
}

}  // namespace

Result<std::string> KubeConnection::bearer_token() const {
  if (token_file.empty()) return token;
  std::string text;
  if (!read_file(token_file, text)) {
    return unavailable("kube_token_unreadable", "cannot read the token file " + token_file);
  }
  return trim(std::move(text));
}

Result<KubeConnection> load_in_cluster(const std::string& service_host,
                                       const std::string& service_port,
                                       const std::string& service_account_dir) {
  if (service_host.empty() || service_port.empty()) {
    return config_invalid(
        "--service-discovery: not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no "
        "--kubeconfig or KUBECONFIG");
  }
  KubeConnection out;
  out.source = "in-cluster";
  bool v6 = service_host.find(':') != std::string::npos;
  out.server = "https://" + (v6 ? "[" + service_host + "]" : service_host) + ":" + service_port;
  fs::path dir(service_account_dir);
  out.ca_file = (dir / "ca.crt").string();
  out.token_file = (dir / "token").string();
  std::string probe;
  if (!read_file(out.ca_file, probe)) return config_invalid("cannot read " + out.ca_file);
  if (!read_file(out.token_file, probe)) return config_invalid("cannot read " + out.token_file);
  if (read_file((dir / "namespace").string(), probe)) out.default_namespace = trim(probe);
  return out;
}

Result<KubeConnection> load_kubeconfig_file(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) return config_invalid("--kubeconfig: cannot read " + path);
  try {
    return parse_kubeconfig(YAML::Load(text), path);
  } catch (const YAML::Exception& error) {
    return config_invalid("kubeconfig " + path + ": " + error.msg);
  }
}

Result<KubeConnection> resolve_kube_connection(const std::string& kubeconfig) {
  if (!kubeconfig.empty()) return load_kubeconfig_file(kubeconfig);
  if (const char* list = std::getenv("KUBECONFIG"); list != nullptr && *list != '\0') {
    std::stringstream paths(list);
    std::string path;
    while (std::getline(paths, path, ':')) {
      if (!path.empty() && fs::exists(path)) return load_kubeconfig_file(path);
    }
  }
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
  };
  return load_in_cluster(env("KUBERNETES_SERVICE_HOST"), env("KUBERNETES_SERVICE_PORT"));
}

}  // namespace smg::discovery
