// The node test peers in tests/peers (jose, bcryptjs, oidc-provider, casbin, openai), installed by
// `npm ci` from the test command. Tests fail (never skip) when they are missing.
#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace smg::test {

std::string peers_dir();
// Runs `node tests/peers/<script> args...`; REQUIREs that node_modules exists.
ProcessResult run_peer(const std::string& script, const std::vector<std::string>& args,
                       const std::string& input = "");

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

}  // namespace smg::test
