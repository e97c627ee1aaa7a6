// Casbin CSV policy lines → PolicyRule / RoleLink values, checked strictly.
//
// A line is `p, sub, dom, obj, act` or `g, member, role, dom`. Fields are split on commas and
// trimmed; a field may be double-quoted (`"a, b"`, `""` for a quote) and, as node-casbin does,
// the quoted text is trimmed too. Blank lines and lines starting with `#` are skipped. Refused,
// with an error naming `<source>:<line>`: a wrong field count, an empty field, a type other than
// p or g, bad quoting, an action with an empty or space-padded `|` alternative, and a field that
// looks like a secret (secret_field.h), which the message never repeats.
// Thread-safety: ParsedPolicy is a plain value; the functions are pure.
//
//   ParsedPolicy policy;
//   Status s = policy.add_lines({"p, reports_admin, example/prod, admin:reports, read|export",
//                                "g, basic:admin, reports_admin, example/prod"}, "policy");
//   if (!s.ok()) { log(s.message()); }   // e.g. "policy:2: g line needs 3 fields, got 2"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/policy/model.h"
#include "common/status.h"

namespace smg::policy {

// Rules and links in the order they were added (the order explain() reports from).
struct ParsedPolicy {
  std::vector<PolicyRule> rules;
  std::vector<RoleLink> links;

  // Appends `lines`; `source` names them in errors ("policy.csv", "server...policy").
  // On error nothing is appended.
  Status add_lines(const std::vector<std::string>& lines, std::string_view source);
  // The same for a whole file's text (split on newlines; a trailing \r is dropped).
  Status add_text(std::string_view text, std::string_view source);
};

// Splits one CSV line into trimmed, unquoted fields; an error says what is wrong, without text.
Result<std::vector<std::string>> split_csv_fields(std::string_view line);

// Formats fields as one CSV line, quoting a field only when it needs it: "p, a, b, c, d".
std::string format_csv_line(const std::vector<std::string>& fields);

}  // namespace smg::policy
