// Policy CSV parser and enforcer build: never crash or hang on any text, and every accepted line
// survives format_csv_line → parse unchanged (so start-up grants and `smgctl policy check` print
// lines that load back as the same rule).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/policy/enforcer.h"
#include "common/policy/policy_csv.h"

using namespace smg::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ParsedPolicy policy;
  if (!policy.add_text(text, "fuzz").ok()) {
    return 0;
  }
  ParsedPolicy again;
  for (const PolicyRule& rule : policy.rules) {
    const std::string line = format_csv_line({"p", rule.sub, rule.dom, rule.obj, rule.act});
    if (!again.add_lines({line}, "again").ok() || !(again.rules.back() == rule)) {
      std::abort();
    }
  }
  const Enforcer enforcer = Enforcer::build(policy);
  for (const PolicyRule& rule : policy.rules) {
    const std::string action(action_alternatives(rule.act).front());
    if (!enforcer.enforce(rule.sub, rule.dom, rule.obj, action)) {
      std::abort();  // a rule always grants its own subject (g(x, x) holds)
    }
  }
  return 0;
}
