#include "common/oidc/discovery.h"

#include <nlohmann/json.hpp>

namespace smg::oidc {
namespace {

Status discovery_failed(const std::string& why) {
  return unavailable("oidc_discovery_failed", "OIDC discovery failed: " + why);
}

Result<std::string> endpoint(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string() || it->get<std::string>().empty()) {
    return discovery_failed(std::string("missing ") + name);
  }
  std::string url = it->get<std::string>();
  if (Status allowed = http::check_fetch_url(url); !allowed.ok()) {
    return discovery_failed(std::string(name) + ": " + allowed.message());
  }
  return url;
}

// An endpoint the provider may leave out: absent is fine (""), present must pass the URL policy.
Result<std::string> optional_endpoint(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::string();
  return endpoint(doc, name);
}

}  // namespace

Result<ProviderMetadata> parse_discovery(const std::string& body,
                                         const std::string& expected_issuer) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return discovery_failed("not a JSON object");
  auto issuer = doc.find("issuer");
  if (issuer == doc.end() || !issuer->is_string() || *issuer != expected_issuer) {
    return discovery_failed("issuer does not match the configured issuer_url");
  }
  ProviderMetadata metadata;
  metadata.issuer = expected_issuer;
  auto authorization = endpoint(doc, "authorization_endpoint");
  auto token = endpoint(doc, "token_endpoint");
  auto jwks = endpoint(doc, "jwks_uri");
  for (const auto* part : {&authorization, &token, &jwks}) {
    if (!part->ok()) return part->status();
  }
  metadata.authorization_endpoint = *authorization;
  metadata.token_endpoint = *token;
  metadata.jwks_uri = *jwks;
  auto device = optional_endpoint(doc, "device_authorization_endpoint");
  auto revocation = optional_endpoint(doc, "revocation_endpoint");
  for (const auto* part : {&device, &revocation}) {
    if (!part->ok()) return part->status();
  }
  metadata.device_authorization_endpoint = *device;
  metadata.revocation_endpoint = *revocation;
  auto methods = doc.find("code_challenge_methods_supported");
  if (methods != doc.end() && methods->is_array()) {
    for (const auto& method : *methods) {
      if (method.is_string()) {
        metadata.code_challenge_methods_supported.push_back(method.get<std::string>());
      }
    }
  }
  return metadata;
}

Result<ProviderMetadata> discover(const http::HttpClient& client, const std::string& issuer) {
  std::string url = issuer;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/.well-known/openid-configuration";
  if (Status allowed = http::check_fetch_url(url); !allowed.ok()) {
    return discovery_failed(allowed.message());
  }
  http::Request request;
  request.url = url;
  request.headers["Accept"] = "application/json";
  auto response = client.send(request);
  if (!response.ok()) return discovery_failed(response.status().message());
  if (response->status != 200) {
    return discovery_failed("HTTP " + std::to_string(response->status));
  }
  return parse_discovery(response->body, issuer);
}

}  // namespace smg::oidc
