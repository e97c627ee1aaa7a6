// Policy check cost on the request path: Enforcer::enforce with 1 k and 10 k policy lines (half
// `p` rules, half `g` links over 10 domains, users holding 2-link role chains), for a hit, a miss
// on a near-miss action, and an unknown subject; and the one-off Enforcer::build cost.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/policy/enforcer.h"

namespace {

std::string domain(int i) { return "project" + std::to_string(i % 10) + "/prod"; }

int role_count(int lines) { return lines / 10; }

// `lines` lines: each role holds 5 rules; team<k> inherits role<k>; users join teams.
std::vector<std::string> make_lines(int lines) {
  std::vector<std::string> policy;
  const int roles = role_count(lines);
  for (int i = 0; i < lines / 2; ++i) {
    const int role = i % roles;
    policy.push_back("p, role" + std::to_string(role) + ", " + domain(role) + ", admin:object" +
                     std::to_string(i) + ", read|export|drilldown");
  }
  for (int j = 0; policy.size() < static_cast<std::size_t>(lines); ++j) {
    const int role = j % roles;
    const std::string team = "team" + std::to_string(role);
    const std::string member =
        j < roles ? team : "user:u" + std::to_string(j) + "@example.com";
    const std::string parent = j < roles ? "role" + std::to_string(role) : team;
    policy.push_back("g, " + member + ", " + parent + ", " + domain(role));
  }
  return policy;
}

// user:u<roles> joined team0 → role0 in project0/prod, which holds admin:object0.
void BM_PolicyCheck(benchmark::State& state, bool known_subject, const char* action) {
  const int lines = static_cast<int>(state.range(0));
  auto enforcer = *smg::policy::Enforcer::build(make_lines(lines));
  const std::string member = "user:u" + std::to_string(role_count(lines)) + "@example.com";
  const std::string sub = known_subject ? member : "user:nobody@example.com";
  const std::string dom = domain(0), obj = "admin:object0", act = action;
  if (!enforcer.enforce(member, dom, obj, "export")) {
    state.SkipWithError("bench policy does not grant the hit case");
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(enforcer.enforce(sub, dom, obj, act));
  }
}
BENCHMARK_CAPTURE(BM_PolicyCheck, hit, true, "export")->Arg(1000)->Arg(10000);
BENCHMARK_CAPTURE(BM_PolicyCheck, miss_action, true, "reading")->Arg(1000)->Arg(10000);
BENCHMARK_CAPTURE(BM_PolicyCheck, miss_subject, false, "export")->Arg(1000)->Arg(10000);

void BM_PolicyBuild(benchmark::State& state) {
  const std::vector<std::string> lines = make_lines(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(smg::policy::Enforcer::build(lines));
  }
}
BENCHMARK(BM_PolicyBuild)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
