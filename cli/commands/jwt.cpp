// smgctl jwt decode | verify: inspect a token, or check it the way the gateway would
// against a JWKS (URL or file), one PEM key, or an issuer's discovery document.
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "common/http/http_client.h"
#include "common/jwks/jwks_cache.h"
#include "common/jwt/claims.h"
#include "common/jwt/jws.h"
#include "common/jwt/verifier.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct VerifyOptions {
  std::string token;
  std::string jwks;
  std::string key_file;
  std::string issuer;
  std::string audience;
  std::string issuer_check;
  long long leeway = 30;
  std::string role_claim = "roles";
  std::vector<std::string> role_mappings;
};

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// "-" means: read the token from stdin.
std::string read_token(const std::string& arg, CliContext& context) {
  if (arg != "-") {
    return trim(arg);
  }
  std::ostringstream buffer;
  buffer << context.in->rdbuf();
  return trim(buffer.str());
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw CommandError(kExitFailure, "cannot read " + path);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string utc_time(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

void print_times(const json& claims, std::ostream& out) {
  for (const char* name : {"iat", "nbf", "exp"}) {
    auto it = claims.find(name);
    if (it != claims.end() && it->is_number()) {
      out << name << ": " << utc_time(it->get<int64_t>()) << "\n";
    }
  }
}

void run_decode(const std::string& token_arg, CliContext& context) {
  auto jws = jwt::parse_jws(read_token(token_arg, context));
  if (!jws.ok()) {
    throw CommandError(kExitFailure, "jwt decode failed: " + jws.status().reason() + ": " +
                                         jws.status().message());
  }
  std::ostream& out = *context.out;
  if (context.json_output()) {
    out << json{{"header", jws->header}, {"claims", jws->payload}, {"verified", false}}.dump(2)
        << "\n";
    return;
  }
  out << "Header:\n" << jws->header.dump(2) << "\nClaims:\n" << jws->payload.dump(2) << "\n";
  print_times(jws->payload, out);
  out << "Signature: NOT verified (use `smgctl jwt verify`)\n";
}

[[noreturn]] void fail_verify(const Status& status) {
  throw CommandError(kExitFailure,
                     "jwt verify failed: " + status.reason() + ": " + status.message());
}

bool is_url(const std::string& text) {
  return text.starts_with("https://") || text.starts_with("http://");
}

// Loads the one key source given; a fetched JWKS honours the token's kid.
jwks::KeySetPtr load_keys(const VerifyOptions& options, const jwt::Jws& jws) {
  if (!options.key_file.empty() || (!options.jwks.empty() && !is_url(options.jwks))) {
    bool pem = !options.key_file.empty();
    std::string text = read_text_file(pem ? options.key_file : options.jwks);
    auto set = pem ? jwks::JwkSet::from_pem(text) : jwks::JwkSet::parse(text);
    if (!set.ok()) {
      fail_verify(set.status());
    }
    return std::make_shared<const jwks::JwkSet>(std::move(*set));
  }
  auto client = http::make_curl_client();
  jwks::JwksCacheOptions cache_options;
  cache_options.jwks_uri = options.jwks;
  cache_options.issuer = options.issuer;
  jwks::JwksCache cache(cache_options, *client, SystemClock::instance());
  auto set = jws.has_kid ? cache.key_set_for_kid(jws.kid) : cache.key_set();
  if (!set.ok()) {
    fail_verify(set.status());
  }
  return *set;
}

jwt::IdentityOptions identity_options(const VerifyOptions& options) {
  jwt::IdentityOptions identity;
  identity.role_claim = options.role_claim;
  for (const std::string& text : options.role_mappings) {
    auto entry = jwt::parse_role_mapping(text);
    if (!entry.ok()) {
      throw UsageError("--role-mapping: " + entry.status().message());
    }
    identity.role_mapping.push_back(*entry);
  }
  return identity;
}

// What this verification did not check, so "verified" never reads as more than it was.
std::vector<std::string> unchecked_claims(const jwt::VerifyPolicy& policy) {
  std::vector<std::string> unchecked;
  if (policy.issuer.empty()) unchecked.push_back("iss");
  if (policy.audience.empty()) unchecked.push_back("aud");
  return unchecked;
}

void print_verified(const jwt::VerifiedJwt& verified, const Principal& principal,
                    const jwt::VerifyPolicy& policy, CliContext& context) {
  std::ostream& out = *context.out;
  std::vector<std::string> unchecked = unchecked_claims(policy);
  if (context.json_output()) {
    json doc{{"valid", true},           {"subject", principal.display_name},
             {"role", role_name(principal.role)}, {"claims", verified.claims},
             {"header", verified.header}, {"unchecked", unchecked}};
    out << doc.dump(2) << "\n";
    return;
  }
  out << "Signature: verified (" << verified.alg
      << (verified.key_id.empty() ? "" : ", kid " + verified.key_id) << ")\n";
  if (!unchecked.empty()) {
    out << "Not checked:";
    for (const auto& claim : unchecked) {
      out << " " << claim << (claim == "iss" ? " (no --issuer or --issuer-check)"
                                             : " (no --audience)");
    }
    out << "\n";
  }
  out << "Subject: " << principal.display_name << "\nRole: " << role_name(principal.role)
      << "\nClaims:\n" << verified.claims.dump(2) << "\n";
  print_times(verified.claims, out);
}

void run_verify(const VerifyOptions& options, CliContext& context) {
  int sources = !options.jwks.empty() + !options.key_file.empty() + !options.issuer.empty();
  if (sources != 1) {
    throw UsageError("jwt verify needs exactly one of --jwks, --key, --issuer");
  }
  if (options.leeway < 0) {
    throw UsageError("--leeway must be >= 0");
  }
  jwt::IdentityOptions identity = identity_options(options);
  std::string token = read_token(options.token, context);
  auto jws = jwt::parse_jws(token);
  if (!jws.ok()) {
    fail_verify(jws.status());
  }
  jwks::KeySetPtr keys = load_keys(options, *jws);
  jwt::VerifyPolicy policy;
  policy.issuer = options.issuer_check.empty() ? options.issuer : options.issuer_check;
  policy.audience = options.audience;
  policy.leeway = std::chrono::seconds(options.leeway);
  auto verified = jwt::verify_jws(*jws, *keys, policy, SystemClock::instance());
  if (!verified.ok()) {
    fail_verify(verified.status());
  }
  auto principal = jwt::principal_from_claims(verified->claims, identity);
  if (!principal.ok()) {
    fail_verify(principal.status());
  }
  print_verified(*verified, *principal, policy, context);
}

}  // namespace

void register_jwt_commands(CLI::App& app, CliContext& context) {
  CLI::App* group = app.add_subcommand("jwt", "Decode or verify JSON Web Tokens");
  group->require_subcommand(1);

  auto decode_token = std::make_shared<std::string>();
  CLI::App* decode =
      group->add_subcommand("decode", "Show a token's header and claims (unverified)");
  decode->add_option("token", *decode_token, "The token, or - to read it from stdin")->required();
  decode->callback([decode_token, &context] { run_decode(*decode_token, context); });

  auto options = std::make_shared<VerifyOptions>();
  CLI::App* verify = group->add_subcommand("verify", "Verify a token as the gateway would");
  verify->add_option("token", options->token, "The token, or - to read it from stdin")->required();
  // Each flag also answers to the name `smgctl serve` gives it (--jwt-issuer, ...), so a serve
  // command line's JWT flags can be pasted here as they are.
  verify->add_option("--jwks,--jwt-jwks-uri", options->jwks, "JWKS URL or file");
  verify->add_option("--key", options->key_file, "PEM public key file (SPKI)");
  verify->add_option("--issuer,--jwt-issuer", options->issuer,
                     "Issuer URL: discover its JWKS, require iss");
  verify->add_option("--audience,--jwt-audience", options->audience, "Require this value in aud");
  verify->add_option("--issuer-check", options->issuer_check,
                     "Require iss to equal this (with --jwks or --key)");
  verify->add_option("--leeway,--jwt-leeway-secs", options->leeway, "Clock skew allowed, seconds")
      ->capture_default_str();
  verify->add_option("--role-claim,--jwt-role-claim", options->role_claim, "Claim holding roles")
      ->capture_default_str();
  verify->add_option("--role-mapping,--jwt-role-mapping", options->role_mappings,
                     "IDP_VALUE=admin|user, repeatable");
  verify->callback([options, &context] { run_verify(*options, context); });
}

}  // namespace smg::cli
