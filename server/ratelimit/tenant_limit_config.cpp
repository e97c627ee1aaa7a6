#include "server/ratelimit/tenant_limit_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace smg::ratelimit {
namespace {

constexpr uint64_t kMaxLimit = 4294967295u;  // SMG's u32

// Reads one document; the first error wins (later ones are usually its consequences). Every
// message names the line and the dotted path, never the value, which may be anything.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void fail(const YAML::Node& at, const std::string& path, const std::string& message) {
    if (!error_.empty()) return;
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    error_ = source_ + ":" + std::to_string(std::max(line, 1)) + ": " + path + ": " + message;
  }

  bool expect_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    fail(node, path, "must be a mapping");
    return false;
  }

  // Only `known` keys, each a plain scalar.
  void check_keys(const YAML::Node& map, const std::string& path,
                  std::initializer_list<const char*> known) {
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) {
        fail(key, path, "keys must be plain names");
        return;
      }
      bool found =
          std::any_of(known.begin(), known.end(), [&](const char* k) { return key.Scalar() == k; });
      if (!found) {
        // The key itself may be hostile: echoed only when short and a plain name (no control
        // bytes reach a terminal or a log line).
        const std::string& text = key.Scalar();
        bool plain = text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
                       return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                     });
        std::string name = plain              ? text
                           : text.size() > 64 ? "(a long key)"
                                              : "(a key with odd bytes)";
        fail(key, path, "unknown key " + name);
        return;
      }
    }
  }

  uint32_t limit(const YAML::Node& map, const std::string& path, const char* key) {
    std::string where = path + "." + key;
    YAML::Node value = map[key];
    if (!value.IsDefined() || value.IsNull()) {
      fail(map, where, "required");
      return 0;
    }
    if (!value.IsScalar()) {
      fail(value, where, "must be a whole number");
      return 0;
    }
    const std::string& text = value.Scalar();
    bool digits =
        !text.empty() && text.size() <= 10 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    uint64_t parsed = digits ? std::stoull(text) : 0;
    if (!digits || parsed == 0 || parsed > kMaxLimit) {
      fail(value, where, "must be a whole number from 1 to 4294967295");
      return 0;
    }
    return static_cast<uint32_t>(parsed);
  }

  std::string text(const YAML::Node& map, const std::string& path, const char* key) {
    std::string where = path + "." + key;
    YAML::Node value = map[key];
    if (!value.IsDefined() || value.IsNull()) {
      fail(map, where, "required");
      return "";
    }
    if (!value.IsScalar() || value.Scalar().empty()) {
      fail(value, where, "must be a non-empty string");
      return "";
    }
    if (value.Scalar().size() > TenantLimitConfig::kMaxTextBytes) {
      fail(value, where, "longer than 256 bytes");
      return "";
    }
    return value.Scalar();
  }

 private:
  std::string source_;
  std::string error_;
};

bool valid_rule_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool canonical_tenant_key(std::string_view key) {
  if (key == "anonymous") return true;
  for (std::string_view prefix : {"auth:", "caller:", "ip:", "header:"}) {
    if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix) {
      return std::none_of(key.begin(), key.end(),
                          [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    }
  }
  return false;
}

ModelRule read_rule(Reader& r, const YAML::Node& node, const std::string& path) {
  ModelRule rule;
  if (!r.expect_map(node, path)) return rule;
  r.check_keys(node, path, {"rule_id", "matcher", "tokens_per_minute", "requests_per_minute"});
  rule.rule_id = r.text(node, path, "rule_id");
  if (r.ok() && !valid_rule_id(rule.rule_id)) {
    r.fail(node["rule_id"], path + ".rule_id", "must match [A-Za-z0-9._-]+");
  }
  YAML::Node matcher = node["matcher"];
  std::string matcher_path = path + ".matcher";
  if (!matcher.IsDefined() || matcher.IsNull()) {
    r.fail(node, matcher_path, "required");
  } else if (r.expect_map(matcher, matcher_path)) {
    r.check_keys(matcher, matcher_path, {"type", "value"});
    std::string type = r.text(matcher, matcher_path, "type");
    if (r.ok() && type != "exact" && type != "prefix") {
      r.fail(matcher["type"], matcher_path + ".type", "must be exact or prefix");
    }
    rule.match = type == "prefix" ? MatchType::kPrefix : MatchType::kExact;
    rule.value = r.text(matcher, matcher_path, "value");
  }
  rule.limits.tokens_per_minute = r.limit(node, path, "tokens_per_minute");
  rule.limits.requests_per_minute = r.limit(node, path, "requests_per_minute");
  return rule;
}

void read_rules(Reader& r, const YAML::Node& node, const std::string& path, TenantPolicy& policy) {
  YAML::Node rules = node["model_rules"];
  if (!rules.IsDefined() || rules.IsNull()) return;
  if (!rules.IsSequence()) {
    r.fail(rules, path + ".model_rules", "must be a list");
    return;
  }
  if (rules.size() > TenantLimitConfig::kMaxRules) {
    r.fail(rules, path + ".model_rules", "more than 1000 rules");
    return;
  }
  std::set<std::string> ids;
  std::set<std::pair<MatchType, std::string>> matchers;
  for (std::size_t i = 0; i < rules.size() && r.ok(); ++i) {
    std::string where = path + ".model_rules[" + std::to_string(i) + "]";
    ModelRule rule = read_rule(r, rules[i], where);
    if (!r.ok()) return;
    if (!ids.insert(rule.rule_id).second) r.fail(rules[i], where + ".rule_id", "duplicate rule_id");
    if (!matchers.insert({rule.match, rule.value}).second) {
      r.fail(rules[i], where + ".matcher", "the same matcher as an earlier rule");
    }
    policy.model_rules.push_back(std::move(rule));
  }
}

TenantPolicy read_policy(Reader& r, const YAML::Node& node, const std::string& path,
                         bool is_default) {
  TenantPolicy policy;
  if (!r.expect_map(node, path)) return policy;
  r.check_keys(node, path,
               {"tenant_key", "tokens_per_minute", "requests_per_minute", "model_rules"});
  if (is_default) {
    if (node["tenant_key"].IsDefined()) {
      r.fail(node["tenant_key"], path + ".tenant_key", "the default policy has no tenant_key");
    }
  } else {
    policy.tenant_key = r.text(node, path, "tenant_key");
    if (r.ok() && !canonical_tenant_key(policy.tenant_key)) {
      r.fail(node["tenant_key"], path + ".tenant_key",
             "must be auth:<id>, caller:<token_id>, ip:<addr>, header:<id> or anonymous, "
             "without spaces");
    }
  }
  policy.limits.tokens_per_minute = r.limit(node, path, "tokens_per_minute");
  policy.limits.requests_per_minute = r.limit(node, path, "requests_per_minute");
  read_rules(r, node, path, policy);
  return policy;
}

void read_tenants(Reader& r, const YAML::Node& root, TenantLimitConfig& config) {
  YAML::Node tenants = root["tenants"];
  if (!tenants.IsDefined() || tenants.IsNull()) return;
  if (!tenants.IsSequence()) {
    r.fail(tenants, "tenants", "must be a list");
    return;
  }
  if (tenants.size() > TenantLimitConfig::kMaxTenants) {
    r.fail(tenants, "tenants", "more than 100000 tenants");
    return;
  }
  for (std::size_t i = 0; i < tenants.size() && r.ok(); ++i) {
    std::string where = "tenants[" + std::to_string(i) + "]";
    TenantPolicy policy = read_policy(r, tenants[i], where, false);
    if (!r.ok()) return;
    if (!config.index.emplace(policy.tenant_key, config.tenants.size()).second) {
      r.fail(tenants[i], where + ".tenant_key", "duplicate tenant_key");
      return;
    }
    config.tenants.push_back(std::move(policy));
  }
}

}  // namespace

const ModelRule* TenantPolicy::rule_for(std::string_view model) const {
  const ModelRule* best = nullptr;
  for (const ModelRule& rule : model_rules) {
    if (rule.match == MatchType::kExact && rule.value == model) return &rule;
    if (rule.match == MatchType::kPrefix && model.substr(0, rule.value.size()) == rule.value &&
        (best == nullptr || rule.value.size() > best->value.size())) {
      best = &rule;
    }
  }
  return best;
}

const TenantPolicy& TenantLimitConfig::policy_for(std::string_view tenant_key) const {
  auto found = index.find(tenant_key);
  return found == index.end() ? default_policy : tenants[found->second];
}

Result<TenantLimitConfig> parse_tenant_limit_config(std::string_view yaml,
                                                    std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // Where, not what: yaml-cpp's message can quote the document (an anchor's name).
    return invalid_argument("tenant_rate_limit_config", std::string(source) + ":" +
                                                            std::to_string(e.mark.line + 1) +
                                                            ": YAML syntax error at column " +
                                                            std::to_string(e.mark.column + 1));
  }
  Reader r(source);
  TenantLimitConfig config;
  if (!r.expect_map(root, "config")) return invalid_argument("tenant_rate_limit_config", r.error());
  r.check_keys(root, "config", {"default_policy", "tenants"});
  YAML::Node default_policy = root["default_policy"];
  if (r.ok() && (!default_policy.IsDefined() || default_policy.IsNull())) {
    r.fail(root, "default_policy", "required");
  }
  if (r.ok()) config.default_policy = read_policy(r, default_policy, "default_policy", true);
  if (r.ok()) read_tenants(r, root, config);
  if (!r.ok()) return invalid_argument("tenant_rate_limit_config", r.error());
  return config;
}

Result<TenantLimitConfig> load_tenant_limit_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("tenant_rate_limit_config", path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_tenant_limit_config(text.str(), path);
}

}  // namespace smg::ratelimit
