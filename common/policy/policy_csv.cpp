#include "common/policy/policy_csv.h"

#include <optional>

#include "common/policy/secret_field.h"

namespace smg::policy {
namespace {

constexpr std::string_view kSpaces = " \t";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(kSpaces) - first + 1);
}

// Reads a quoted field starting after its opening quote at `pos`; leaves `pos` after the closing
// quote. Returns nullopt when the quote is never closed.
std::optional<std::string> read_quoted(std::string_view line, std::size_t& pos) {
  std::string value;
  while (pos < line.size()) {
    const char c = line[pos++];
    if (c != '"') {
      value += c;
    } else if (pos < line.size() && line[pos] == '"') {
      value += '"';
      ++pos;
    } else {
      return value;
    }
  }
  return std::nullopt;
}

Status csv_error(const std::string& what) { return invalid_argument("policy_bad_quoting", what); }

// One field starting at `pos`; leaves `pos` on the comma that ends it or at the end.
Result<std::string> read_field(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && kSpaces.find(line[pos]) != std::string_view::npos) {
    ++pos;
  }
  if (pos < line.size() && line[pos] == '"') {
    ++pos;
    std::optional<std::string> quoted = read_quoted(line, pos);
    if (!quoted) {
      return csv_error("unterminated quoted field");
    }
    const std::size_t comma = line.find(',', pos);
    if (!trim(line.substr(pos, comma - pos)).empty()) {
      return csv_error("text after a closing quote");
    }
    pos = comma == std::string_view::npos ? line.size() : comma;
    return std::string(trim(*quoted));  // node-casbin trims quoted text as well
  }
  const std::size_t comma = std::min(line.find(',', pos), line.size());
  std::string_view raw = trim(line.substr(pos, comma - pos));
  pos = comma;
  if (raw.find('"') != std::string_view::npos) {
    return csv_error("quote inside an unquoted field");
  }
  return std::string(raw);
}

Status line_error(std::string_view source, std::size_t line_number, const std::string& reason,
                  const std::string& what) {
  return invalid_argument(reason,
                          std::string(source) + ":" + std::to_string(line_number) + ": " + what);
}

// Checks a p or g line's fields after the type; returns the first problem, if any.
std::optional<std::pair<std::string, std::string>> field_problem(
    const std::vector<std::string>& fields) {
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string n = std::to_string(i);
    if (fields[i].empty()) {
      return std::pair{"policy_empty_field", "field " + n + " is empty"};
    }
    for (char c : fields[i]) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return std::pair{"policy_control_char", "field " + n + " contains a control character"};
      }
    }
    if (looks_like_secret(fields[i])) {
      return std::pair{"policy_secret_field",
                       "field " + n +
                           " looks like a secret (key, token, hash or PEM); policy lines hold "
                           "names, never credentials"};
    }
  }
  if (fields[0] == "p") {
    for (std::string_view alternative : action_alternatives(fields[4])) {
      if (alternative.empty() || trim(alternative).size() != alternative.size()) {
        return std::pair{"policy_bad_action",
                         "action has an empty or space-padded `|` alternative"};
      }
    }
  }
  return std::nullopt;
}

// Parses one line into `into`; blank and comment lines add nothing.
Status add_line(ParsedPolicy& into, std::string_view line, std::string_view source,
                std::size_t line_number) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (trim(line).empty() || trim(line).front() == '#') {
    return Status::ok_status();
  }
  Result<std::vector<std::string>> fields = split_csv_fields(line);
  if (!fields.ok()) {
    return line_error(source, line_number, fields.status().reason(), fields.status().message());
  }
  const std::string& type = fields->front();
  if (type != "p" && type != "g") {
    return line_error(source, line_number, "policy_unknown_type",
                      "unknown line type (expected p or g)");
  }
  const std::size_t want = type == "p" ? 4 : 3;
  if (fields->size() - 1 != want) {
    return line_error(source, line_number, "policy_field_count",
                      type + " line needs " + std::to_string(want) + " fields after " + type +
                          ", got " + std::to_string(fields->size() - 1));
  }
  if (auto problem = field_problem(*fields)) {
    return line_error(source, line_number, problem->first, problem->second);
  }
  auto& f = *fields;
  if (type == "p") {
    into.rules.push_back({std::move(f[1]), std::move(f[2]), std::move(f[3]), std::move(f[4])});
  } else {
    into.links.push_back({std::move(f[1]), std::move(f[2]), std::move(f[3])});
  }
  return Status::ok_status();
}

}  // namespace

Result<std::vector<std::string>> split_csv_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (true) {
    Result<std::string> field = read_field(line, pos);
    if (!field.ok()) {
      return field.status();
    }
    fields.push_back(std::move(*field));
    if (pos >= line.size()) {
      return fields;
    }
    ++pos;  // the comma
  }
}

std::string format_csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (const std::string& field : fields) {
    if (!line.empty()) {
      line += ", ";
    }
    if (field.find_first_of(",\"") == std::string::npos) {
      line += field;
      continue;
    }
    line += '"';
    for (char c : field) {
      line += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    line += '"';
  }
  return line;
}

Status ParsedPolicy::add_lines(const std::vector<std::string>& lines, std::string_view source) {
  ParsedPolicy added;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (Status s = add_line(added, lines[i], source, i + 1); !s.ok()) {
      return s;
    }
  }
  rules.insert(rules.end(), added.rules.begin(), added.rules.end());
  links.insert(links.end(), added.links.begin(), added.links.end());
  return Status::ok_status();
}

Status ParsedPolicy::add_text(std::string_view text, std::string_view source) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    lines.emplace_back(text.substr(start, newline - start));
    start = newline + 1;
  }
  return add_lines(lines, source);
}

}  // namespace smg::policy
