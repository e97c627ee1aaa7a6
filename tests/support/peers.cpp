#include "tests/support/peers.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smg::test {

std::string peers_dir() { return SMG_PEERS_DIR; }

ProcessResult run_peer(const std::string& script, const std::vector<std::string>& args,
                       const std::string& input) {
  if (!std::filesystem::exists(peers_dir() + "/node_modules")) {
    throw std::runtime_error("tests/peers/node_modules missing: run `npm ci` in tests/peers");
  }
  std::vector<std::string> argv{"node", peers_dir() + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "smg-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << content;
}

}  // namespace smg::test
