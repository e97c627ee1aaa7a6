#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "common/policy/enforcer.h"
#include "common/policy/startup_grants.h"

using namespace smg::policy;

namespace {

Enforcer build(const std::vector<std::string>& lines) {
  auto enforcer = Enforcer::build(lines);
  REQUIRE(enforcer.ok());
  return std::move(*enforcer);
}

// g, u, r1, d; g, r1, r2, d; ... (`links` links) and `p, r<links>, d, obj, read`.
Enforcer chain_of(std::size_t links) {
  std::vector<std::string> lines{"g, u, r1, d"};
  for (std::size_t i = 1; i < links; ++i) {
    lines.push_back("g, r" + std::to_string(i) + ", r" + std::to_string(i + 1) + ", d");
  }
  lines.push_back("p, r" + std::to_string(links) + ", d, obj, read");
  return build(lines);
}

const std::vector<std::string> kReports = {
    "p, reports_admin, example/prod, admin:reports, read|export|drilldown",
    "g, basic:admin, reports_admin, example/prod",
};

}  // namespace

TEST_CASE("policy enforcer: grants through a role in its domain", "[policy]") {
  Enforcer enforcer = build(kReports);
  CHECK(enforcer.enforce("basic:admin", "example/prod", "admin:reports", "read"));
  CHECK(enforcer.enforce("basic:admin", "example/prod", "admin:reports", "drilldown"));
  CHECK(enforcer.enforce("reports_admin", "example/prod", "admin:reports", "export"));  // g(x, x)
  CHECK_FALSE(enforcer.enforce("basic:other", "example/prod", "admin:reports", "read"));
  CHECK_FALSE(enforcer.enforce("", "", "", ""));
}

TEST_CASE("policy enforcer: objects compare exactly", "[policy][attack]") {
  Enforcer enforcer = build(kReports);
  for (const char* object : {"admin:security_reports", "admin:reports2", "admin:report",
                             "admin:*", "Admin:reports", "admin:reports ", "admin"}) {
    CAPTURE(object);
    CHECK_FALSE(enforcer.enforce("basic:admin", "example/prod", object, "read"));
  }
}

TEST_CASE("policy enforcer: action alternatives are anchored", "[policy][attack]") {
  Enforcer enforcer = build({"p, r, d, o, read|export", "g, u, r, d"});
  CHECK(enforcer.enforce("u", "d", "o", "read"));
  CHECK(enforcer.enforce("u", "d", "o", "export"));
  for (const char* action : {"reading", "rea", "read|", "read|export", "|read", "export|read",
                             "READ", "", ".*", "xread"}) {
    CAPTURE(action);
    CHECK_FALSE(enforcer.enforce("u", "d", "o", action));
  }
  CHECK(action_match("b", "a|b|c"));
  CHECK_FALSE(action_match("a|b", "a|b"));
}

TEST_CASE("policy enforcer: domains isolate roles and grants", "[policy][attack]") {
  Enforcer enforcer = build({"p, r, example/prod, o, read", "p, r, example/dev, o, write",
                             "g, u, r, example/prod"});
  CHECK(enforcer.enforce("u", "example/prod", "o", "read"));
  CHECK_FALSE(enforcer.enforce("u", "example/prod2", "o", "read"));
  CHECK_FALSE(enforcer.enforce("u", "example/dev", "o", "write"));  // role only in prod
  CHECK_FALSE(enforcer.enforce("u", "example/prod", "o", "write"));  // grant only in dev
  CHECK(enforcer.enforce("r", "example/dev", "o", "write"));
}

TEST_CASE("policy enforcer: role chains up to 10 links are followed, longer ones ignored",
          "[policy]") {
  for (std::size_t links = 1; links <= kMaxRoleDepth; ++links) {
    CAPTURE(links);
    CHECK(chain_of(links).enforce("u", "d", "obj", "read"));
  }
  for (std::size_t links = kMaxRoleDepth + 1; links <= kMaxRoleDepth + 3; ++links) {
    CAPTURE(links);
    CHECK_FALSE(chain_of(links).enforce("u", "d", "obj", "read"));
    // The same chain is granted from the role exactly 10 links away.
    CHECK(chain_of(links).enforce("r" + std::to_string(links - kMaxRoleDepth), "d", "obj", "read"));
  }
}

TEST_CASE("policy enforcer: a shortcut link makes a deep role reachable", "[policy]") {
  std::vector<std::string> lines{"g, u, r1, d"};
  for (int i = 1; i < 15; ++i) {
    lines.push_back("g, r" + std::to_string(i) + ", r" + std::to_string(i + 1) + ", d");
  }
  lines.push_back("g, u, r10, d");  // r15 is 6 links away through the shortcut
  lines.push_back("p, r15, d, obj, read");
  CHECK(build(lines).enforce("u", "d", "obj", "read"));
}

TEST_CASE("policy enforcer: role cycles terminate", "[policy][attack]") {
  Enforcer enforcer = build({"g, a, b, d", "g, b, c, d", "g, c, a, d", "g, c, c, d",
                             "p, c, d, o, read"});
  CHECK(enforcer.enforce("a", "d", "o", "read"));
  CHECK(enforcer.enforce("b", "d", "o", "read"));
  CHECK_FALSE(enforcer.enforce("a", "d", "o", "write"));
  CHECK(enforcer.role_chain("a", "c", "d") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("policy enforcer: explain returns the first granting rule in line order", "[policy]") {
  Enforcer enforcer = build({"p, viewer, d, o, read", "p, u, d, o, read|write",
                             "g, u, viewer, d"});
  auto rule = enforcer.explain("u", "d", "o", "read");
  REQUIRE(rule);
  CHECK(*rule == PolicyRule{"viewer", "d", "o", "read"});
  CHECK(enforcer.explain("u", "d", "o", "write") == PolicyRule{"u", "d", "o", "read|write"});
  CHECK_FALSE(enforcer.explain("u", "d", "o", "delete"));
  CHECK(enforcer.role_chain("u", "viewer", "d") == std::vector<std::string>{"u", "viewer"});
  CHECK(enforcer.role_chain("u", "u", "d") == std::vector<std::string>{"u"});
  CHECK(enforcer.role_chain("viewer", "u", "d").empty());
}

TEST_CASE("policy enforcer: build reports the bad line", "[policy]") {
  auto enforcer = Enforcer::build({"p, r, d, o, read", "g, u, r"});
  REQUIRE_FALSE(enforcer.ok());
  CHECK(enforcer.status().message().rfind("policy:2: ", 0) == 0);
}

TEST_CASE("policy startup_grants: metrics_admin and content_admin add their role", "[policy]") {
  std::vector<std::string> lines = {"p, reports_admin, example/prod, admin:reports, read"};
  append_lines(lines, metrics_admin_grant("ops-metrics-key", "example/prod"));
  append_lines(lines, content_admin_grant("content-key", "example/dev"));
  Enforcer enforcer = build(lines);
  CHECK(enforcer.enforce("caller:ops-metrics-key", "example/prod", "metrics", "read"));
  CHECK_FALSE(enforcer.enforce("caller:ops-metrics-key", "example/dev", "metrics", "read"));
  CHECK(enforcer.enforce("caller:content-key", "example/dev", "content:capture", "purge"));
  CHECK(enforcer.enforce("caller:content-key", "example/dev", "content:capture", "delete"));
  CHECK_FALSE(enforcer.enforce("caller:content-key", "example/dev", "metrics", "read"));
}

TEST_CASE("policy enforcer: concurrent checks on one enforcer agree", "[policy]") {
  const Enforcer enforcer = build(kReports);
  std::vector<int> allowed(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < allowed.size(); ++t) {
    threads.emplace_back([&enforcer, &allowed, t] {
      for (int i = 0; i < 10000; ++i) {
        allowed[t] += enforcer.enforce("basic:admin", "example/prod", "admin:reports", "read");
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(allowed == std::vector<int>(4, 10000));
}

TEST_CASE("enforcer: domains_granting lists where a subject may act, and only there",
          "[policy][enforcer][reports]") {
  Enforcer enforcer = build({"p, reports_admin, example/prod, admin:reports, read|export",
                             "p, reports_admin, example/dev, admin:reports, read",
                             "p, security_admin, example/prod, admin:security_reports, read",
                             "g, basic:admin, reports_admin, example/prod",
                             "g, basic:admin, reports_admin, example/dev",
                             "g, basic:sec, security_admin, example/prod"});
  CHECK(enforcer.domains_granting("basic:admin", "admin:reports", "read") ==
        std::vector<std::string>{"example/dev", "example/prod"});
  CHECK(enforcer.domains_granting("basic:admin", "admin:reports", "export") ==
        std::vector<std::string>{"example/prod"});
  CHECK(enforcer.domains_granting("basic:admin", "admin:security_reports", "read").empty());
  CHECK(enforcer.domains_granting("basic:sec", "admin:reports", "read").empty());
  CHECK(enforcer.domains_granting("basic:nobody", "admin:reports", "read").empty());
  CHECK(enforcer.domains_granting("basic:admin", "admin:reports", "rea").empty());
}
