#include "cli/contexts/context_yaml.h"

#include <yaml-cpp/yaml.h>

namespace smg::cli {
namespace {

// yaml-cpp reports type mismatches by throwing; this edge turns them into Status values.
class BadField : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string string_at(const YAML::Node& parent, const char* key, const std::string& where) {
  YAML::Node node = parent[key];
  if (!node || node.IsNull()) return "";
  if (!node.IsScalar()) throw BadField(where + "." + key + " must be a string");
  return node.as<std::string>();
}

Status bad_file(const std::string& path, const std::string& detail) {
  return invalid_argument("bad_context_file", path + ": " + detail);
}

Context read_context(const YAML::Node& node, std::size_t index) {
  std::string where = "contexts[" + std::to_string(index) + "]";
  if (!node.IsMap()) throw BadField(where + " must be a mapping");
  Context context;
  context.name = string_at(node, "name", where);
  if (!valid_context_name(context.name)) throw BadField(where + ".name is missing or invalid");
  context.server = string_at(node, "server", where);
  context.cacert = string_at(node, "cacert", where);
  if (YAML::Node insecure = node["insecure"]; insecure && !insecure.IsNull()) {
    try {
      context.insecure = insecure.as<bool>();
    } catch (const YAML::Exception&) {
      throw BadField(where + ".insecure must be true or false");
    }
  }
  return context;
}

OidcTokens read_oidc(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) throw BadField(where + " must be a mapping");
  OidcTokens tokens;
  tokens.issuer = string_at(node, "issuer", where);
  tokens.client_id = string_at(node, "client_id", where);
  tokens.access_token = crypto::Secret(string_at(node, "access_token", where));
  tokens.refresh_token = crypto::Secret(string_at(node, "refresh_token", where));
  tokens.id_token = crypto::Secret(string_at(node, "id_token", where));
  tokens.token_endpoint = string_at(node, "token_endpoint", where);
  tokens.revocation_endpoint = string_at(node, "revocation_endpoint", where);
  if (YAML::Node expires = node["expires_at"]; expires && !expires.IsNull()) {
    try {
      tokens.expires_at = expires.as<int64_t>();
    } catch (const YAML::Exception&) {
      throw BadField(where + ".expires_at must be Unix seconds");
    }
  }
  return tokens;
}

Credential read_credential(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) throw BadField(where + " must be a mapping");
  Credential credential;
  credential.token = crypto::Secret(string_at(node, "token", where));
  if (YAML::Node oidc = node["oidc"]; oidc && !oidc.IsNull()) {
    credential.oidc = read_oidc(oidc, where + ".oidc");
  }
  return credential;
}

YAML::Node load(const std::string& text) {
  YAML::Node root = YAML::Load(text);
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw BadField("the top level must be a mapping");
  return root;
}

}  // namespace

Result<ContextConfig> parse_context_config(const std::string& text, const std::string& path) {
  try {
    YAML::Node root = load(text);
    ContextConfig config;
    config.current_context = string_at(root, "current-context", "");
    YAML::Node list = root["contexts"];
    if (list && !list.IsNull() && !list.IsSequence()) throw BadField("contexts must be a list");
    for (std::size_t i = 0; list && i < list.size(); ++i) {
      config.contexts.push_back(read_context(list[i], i));
    }
    return config;
  } catch (const BadField& e) {
    return bad_file(path, e.what());
  } catch (const YAML::Exception& e) {
    return bad_file(path, "not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

Result<CredentialMap> parse_credentials(const std::string& text, const std::string& path) {
  try {
    YAML::Node root = load(text);
    CredentialMap credentials;
    YAML::Node map = root["credentials"];
    if (map && !map.IsNull() && !map.IsMap()) throw BadField("credentials must be a mapping");
    for (auto it = map.begin(); map && it != map.end(); ++it) {
      std::string name = it->first.as<std::string>();
      credentials[name] = read_credential(it->second, "credentials." + name);
    }
    return credentials;
  } catch (const BadField& e) {
    return bad_file(path, e.what());
  } catch (const YAML::Exception& e) {
    // e.what() may quote the offending text, which could be a token: give the line only.
    return bad_file(path, "not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

std::string encode_context_config(const ContextConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "current-context" << YAML::Value << config.current_context;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
  for (const Context& context : config.contexts) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << context.name;
    out << YAML::Key << "server" << YAML::Value << context.server;
    if (!context.cacert.empty()) out << YAML::Key << "cacert" << YAML::Value << context.cacert;
    out << YAML::Key << "insecure" << YAML::Value << context.insecure << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

namespace {

void emit_oidc(YAML::Emitter& out, const OidcTokens& tokens) {
  out << YAML::Key << "oidc" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "issuer" << YAML::Value << tokens.issuer;
  out << YAML::Key << "client_id" << YAML::Value << tokens.client_id;
  out << YAML::Key << "access_token" << YAML::Value << tokens.access_token.reveal();
  out << YAML::Key << "refresh_token" << YAML::Value << tokens.refresh_token.reveal();
  out << YAML::Key << "id_token" << YAML::Value << tokens.id_token.reveal();
  out << YAML::Key << "expires_at" << YAML::Value << tokens.expires_at;
  out << YAML::Key << "token_endpoint" << YAML::Value << tokens.token_endpoint;
  out << YAML::Key << "revocation_endpoint" << YAML::Value << tokens.revocation_endpoint;
  out << YAML::EndMap;
}

}  // namespace

std::string encode_credentials(const CredentialMap& credentials) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "credentials" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, credential] : credentials) {
    if (credential.empty()) continue;
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    if (!credential.token.empty()) {
      out << YAML::Key << "token" << YAML::Value << credential.token.reveal();
    }
    if (credential.oidc) emit_oidc(out, *credential.oidc);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace smg::cli
