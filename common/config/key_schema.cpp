#include "common/config/key_schema.h"

#include <algorithm>

#include "common/text/suggest.h"

namespace smg::config {
namespace {

// Values and their comments line up here unless the value is longer.
constexpr std::size_t kCommentColumn = 44;

std::string parent_of(std::string_view path) {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

std::string leaf_of(std::string_view path) {
  auto dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    std::size_t dot = std::min(path.find('.', start), path.size());
    parts.emplace_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

// How many levels apart two mappings are: up from `a` to the common parent, then down to `b`.
std::size_t levels_apart(std::string_view a, std::string_view b) {
  auto left = components(a);
  auto right = components(b);
  std::size_t common = 0;
  while (common < left.size() && common < right.size() && left[common] == right[common]) ++common;
  return (left.size() - common) + (right.size() - common);
}

std::string with_comment(std::string line, const std::string& comment) {
  if (comment.empty()) return line;
  line += std::string(line.size() < kCommentColumn ? kCommentColumn - line.size() : 2, ' ');
  return line + "# " + comment;
}

}  // namespace

std::string schema_path(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] != '[') continue;
    while (i + 1 < path.size() && path[i + 1] != ']') ++i;
  }
  return out;
}

KeySchema::KeySchema(std::vector<KeyDoc> keys) : keys_(std::move(keys)) {}

const KeyDoc* KeySchema::find(std::string_view path) const {
  for (const KeyDoc& key : keys_) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

std::vector<std::string> KeySchema::children(std::string_view path) const {
  std::string parent = schema_path(path);
  std::vector<std::string> names;
  for (const KeyDoc& key : keys_) {
    if (parent_of(key.path) == parent) names.push_back(leaf_of(key.path));
  }
  return names;
}

std::vector<std::string> KeySchema::elsewhere(std::string_view path, std::string_view key) const {
  std::string parent = schema_path(path);
  std::vector<std::string> leaves;
  for (const KeyDoc& doc : keys_) {
    if (std::find(leaves.begin(), leaves.end(), leaf_of(doc.path)) == leaves.end()) {
      leaves.push_back(leaf_of(doc.path));
    }
  }
  std::string wanted(key);
  if (std::find(leaves.begin(), leaves.end(), wanted) == leaves.end()) {
    auto near = text::suggest(key, leaves);
    if (!near) return {};
    wanted = *near;
  }
  std::vector<std::string> found;
  for (const KeyDoc& doc : keys_) {
    if (leaf_of(doc.path) == wanted && parent_of(doc.path) != parent) found.push_back(doc.path);
  }
  std::stable_sort(found.begin(), found.end(), [&](const std::string& a, const std::string& b) {
    return levels_apart(parent, parent_of(a)) < levels_apart(parent, parent_of(b));
  });
  return found;
}

void KeySchema::render(const std::string& path, int indent, bool commented,
                       std::vector<std::string>& lines) const {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const std::string& name : children(path)) {
    std::string full = path.empty() ? name : path + "." + name;
    const KeyDoc& doc = *find(full);
    bool off = commented || doc.alternative;  // an alternative mapping is commented out whole
    std::string start = pad + (off ? "# " : "") + name + ":";
    if (!doc.example.empty()) {
      lines.push_back(with_comment(start + " " + doc.example, doc.comment));
      continue;
    }
    lines.push_back(with_comment(start, doc.comment));
    if (children(full + "[]").empty()) {
      render(full, indent + 2, off, lines);
      continue;
    }
    // A list of mappings: one item, its first key after "- ".
    std::size_t first = lines.size();
    render(full + "[]", indent + 4, off, lines);
    // Commented out, "    # - name: x": removing every "# " gives the list back.
    auto at = static_cast<std::size_t>(indent) + 2;
    if (first < lines.size()) lines[first].replace(at, off ? 4 : 2, off ? "# - " : "- ");
  }
}

std::string KeySchema::example_yaml(std::string_view header) const {
  std::vector<std::string> lines;
  render("", 0, false, lines);
  std::string out(header);
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace smg::config
