// KeySchema: the one table of the keys a YAML config file may hold, with an example value and a
// one-line comment for each. The reader checks every mapping against it (YamlReader::check_keys),
// an unknown key is matched against the whole table ("server.policy" → "server.workers.policy"),
// and `smgctl config example` prints it as a commented YAML document, so the keys a reader
// accepts, the keys it suggests and the keys the example shows cannot drift apart.
// Thread-safety: immutable after construction; const methods may be called from many threads.
//
//   KeySchema schema({{"server", "", "the gateway"}, {"server.port", "30000", "listen port"}});
//   schema.children("server");              // {"port"}
//   schema.elsewhere("", "port");          // {"server.port"}
//   std::string yaml = schema.example_yaml("# smg config\n");
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smg::config {

struct KeyDoc {
  // Dotted path; the items of a list of mappings are "[]": "server.callers[].token_id".
  std::string path;
  // The value the example prints: a YAML scalar or flow value ("[a, b]", "{k: v}"). Empty for a
  // mapping or a list of mappings, whose keys follow in the table.
  std::string example;
  std::string comment;  // one line: what it means, its default
  // Printed commented out ("# token_env: ..."): it replaces the key before it, and both at once
  // would be an error.
  bool alternative = false;
};

class KeySchema {
 public:
  // REQUIRES: every parent of a key comes before it; a list item's first key is not alternative.
  explicit KeySchema(std::vector<KeyDoc> keys);

  const std::vector<KeyDoc>& keys() const { return keys_; }

  // The keys directly under `path` in table order. `path` is a node's path as the reader builds
  // it; list indices ("[3]") are read as "[]". The document root is "".
  std::vector<std::string> children(std::string_view path) const;

  // Full paths of keys elsewhere in the table that `key`, typed under `path`, probably meant:
  // those with the same last name, else those whose last name is a typo away; nearest to `path`
  // first (fewest levels apart). Empty when nothing is close.
  std::vector<std::string> elsewhere(std::string_view path, std::string_view key) const;

  // Every key as a commented YAML document, `header` (comment lines) first.
  std::string example_yaml(std::string_view header) const;

 private:
  void render(const std::string& path, int indent, bool commented,
              std::vector<std::string>& lines) const;
  const KeyDoc* find(std::string_view path) const;

  std::vector<KeyDoc> keys_;
};

// "server.callers[2].domain" → "server.callers[].domain".
std::string schema_path(std::string_view path);

}  // namespace smg::config
