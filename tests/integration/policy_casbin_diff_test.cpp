// Differential test: smg's policy Enforcer against node-casbin (tests/peers/casbin-oracle.mjs)
// with the model of common/policy/model.h, on seeded random policies full of near misses: several
// domains (and `example/prod2`), role chains around the 10-link limit, cycles, `a|b` actions, and
// names one character off (`reading`, `admin:reports2`). Decisions and explained rules must agree.
// Set SMG_POLICY_SEED to replay a failure; the seed is printed on failure.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/policy/enforcer.h"
#include "common/policy/model.h"
#include "tests/support/peers.h"

using nlohmann::json;
using smg::policy::Enforcer;

namespace {

constexpr int kCases = 1200;
constexpr int kRequestsPerCase = 40;

const std::vector<std::string> kDomains = {"example/prod", "example/prod2", "example/dev", "t1"};
const std::vector<std::string> kObjects = {"admin:reports", "admin:reports2",
                                           "admin:security_reports", "metrics", "content:capture"};
const std::vector<std::string> kActions = {"read",   "reading", "rea",   "export",
                                           "delete", "purge",   "drilldown"};
const std::vector<std::string> kUsers = {"basic:admin", "user:alice@example.com", "caller:k1",
                                         "caller:k2", "u1"};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  json make_case() {
    std::vector<std::string> lines;
    const int roles = pick(3, 8);
    add_chain(lines, pick(1, 13));
    for (int i = pick(0, 12); i > 0; --i) {
      const bool from_user = pick(0, 2) == 0;
      lines.push_back("g, " + (from_user ? any(kUsers) : role(roles)) + ", " + role(roles) + ", " +
                      domain());
    }
    for (int i = pick(1, 12); i > 0; --i) {
      const std::string sub = pick(0, 4) == 0 ? any(kUsers) : role(roles);
      add_rule(lines, sub, domain());
    }
    std::shuffle(lines.begin(), lines.end(), random_);
    json requests = json::array();
    for (int i = 0; i < kRequestsPerCase; ++i) {
      requests.push_back(pick(0, 1) == 0 ? near_rule(roles) : random_request(roles));
    }
    rules_.clear();
    return {{"policy", lines}, {"requests", requests}};
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  std::size_t pick_index(std::size_t size) {
    return std::uniform_int_distribution<std::size_t>(0, size - 1)(random_);
  }
  const std::string& any(const std::vector<std::string>& names) {
    return names[pick_index(names.size())];
  }
  json random_request(int roles) {
    return {request_subject(roles), domain(), any(kObjects), request_action()};
  }
  std::string role(int roles) { return "role" + std::to_string(pick(0, roles - 1)); }
  // Mostly two domains so that links and rules meet; sometimes any, including the near miss.
  std::string domain() { return pick(0, 3) == 0 ? any(kDomains) : kDomains[pick(0, 1) * 3]; }

  // A user → c1 → … → c<links> chain in one domain, granted at its end (and maybe midway).
  void add_chain(std::vector<std::string>& lines, int links) {
    const std::string dom = domain();
    std::string from = any(kUsers);
    for (int i = 1; i <= links; ++i) {
      const std::string to = "chain" + std::to_string(i);
      lines.push_back("g, " + from + ", " + to + ", " + dom);
      from = to;
    }
    add_rule(lines, from, dom);
    if (pick(0, 2) == 0) {  // a cycle back into the chain
      lines.push_back("g, " + from + ", chain1, " + dom);
    }
  }

  void add_rule(std::vector<std::string>& lines, const std::string& sub, const std::string& dom) {
    rules_.push_back({sub, dom, any(kObjects), actions()});
    const auto& rule = rules_.back();
    lines.push_back("p, " + rule[0] + ", " + rule[1] + ", " + rule[2] + ", " + rule[3]);
  }

  // A request aimed at one of this case's rules, from someone who may or may not hold it, with
  // one field sometimes moved to a near miss.
  json near_rule(int roles) {
    const auto& rule = rules_[pick_index(rules_.size())];
    const auto alternatives = smg::policy::action_alternatives(rule[3]);
    json request = {pick(0, 1) == 0 ? rule[0] : request_subject(roles), rule[1], rule[2],
                    std::string(alternatives[pick_index(alternatives.size())])};
    switch (pick(0, 5)) {
      case 0: request[1] = any(kDomains); break;
      case 1: request[2] = any(kObjects); break;
      case 2: request[3] = request_action(); break;
      default: break;
    }
    return request;
  }

  std::string actions() {
    std::vector<std::string> chosen{any(kActions)};
    for (int i = pick(0, 2); i > 0; --i) {
      const std::string& action = any(kActions);
      if (std::find(chosen.begin(), chosen.end(), action) == chosen.end()) {
        chosen.push_back(action);
      }
    }
    std::string joined;
    for (const std::string& action : chosen) {
      joined += (joined.empty() ? "" : "|") + action;
    }
    return joined;
  }

  std::string request_subject(int roles) {
    switch (pick(0, 5)) {
      case 0: return role(roles);
      case 1: return "chain" + std::to_string(pick(1, 13));
      case 2: return "nobody";
      default: return any(kUsers);
    }
  }

  std::string request_action() {
    switch (pick(0, 9)) {
      case 0: return "read|export";
      case 1: return "read|";
      default: return any(kActions);
    }
  }

  std::mt19937_64 random_;
  std::vector<std::array<std::string, 4>> rules_;  // this case's p rules
};

std::uint64_t test_seed() {
  if (const char* fixed = std::getenv("SMG_POLICY_SEED")) {
    return std::stoull(fixed);
  }
  return std::random_device{}();
}

json run_oracle(const json& cases) {
  REQUIRE(std::filesystem::exists(smg::test::peers_dir() + "/node_modules/casbin"));
  json input = {{"model", std::string(smg::policy::kCasbinModelText)}, {"cases", cases}};
  auto result = smg::test::run_process({"node", smg::test::peers_dir() + "/casbin-oracle.mjs"},
                                       input.dump(), {}, std::chrono::seconds(280));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out)["results"];
}

json smg_explain(const Enforcer& enforcer, const json& request) {
  auto rule = enforcer.explain(request[0].get<std::string>(), request[1].get<std::string>(),
                               request[2].get<std::string>(), request[3].get<std::string>());
  return rule ? json{rule->sub, rule->dom, rule->obj, rule->act} : json::array();
}

}  // namespace

TEST_CASE("policy casbin diff: smg's enforcer decides as node-casbin", "[policy][casbin][peer]") {
  const std::uint64_t seed = test_seed();
  INFO("seed " << seed << " (replay with SMG_POLICY_SEED=" << seed << ")");
  Generator generator(seed);
  json cases = json::array();
  for (int i = 0; i < kCases; ++i) {
    cases.push_back(generator.make_case());
  }
  const json results = run_oracle(cases);
  REQUIRE(results.size() == cases.size());

  int differences = 0, allowed = 0, requests = 0;
  for (std::size_t c = 0; c < cases.size() && differences < 5; ++c) {
    auto enforcer = Enforcer::build(cases[c]["policy"].get<std::vector<std::string>>());
    REQUIRE(enforcer.ok());
    for (std::size_t r = 0; r < cases[c]["requests"].size(); ++r) {
      const json& request = cases[c]["requests"][r];
      const json expected = {results[c]["decisions"][r], results[c]["explain"][r]};
      const auto& req = request.get<std::vector<std::string>>();
      const json actual = {enforcer->enforce(req[0], req[1], req[2], req[3]),
                           smg_explain(*enforcer, request)};
      ++requests;
      allowed += expected[0].get<bool>() ? 1 : 0;
      if (actual != expected) {
        ++differences;
        UNSCOPED_INFO("case " << c << " policy " << cases[c]["policy"].dump() << "\nrequest "
                              << request.dump() << " casbin " << expected.dump() << " smg "
                              << actual.dump());
      }
    }
  }
  CHECK(differences == 0);
  INFO("requests " << requests << ", allowed " << allowed);
  CHECK(requests == kCases * kRequestsPerCase);
  CHECK(allowed > requests / 20);  // the generator must exercise grants, not only denials
}
