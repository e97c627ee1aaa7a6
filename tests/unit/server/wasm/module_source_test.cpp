#include "server/wasm/module_source.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/crypto/crypto.h"
#include "tests/support/peers.h"
#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::server::wasm;
using smg::test::TempDir;
using smg::test::write_file;

namespace {

void check_path_refused(const std::string& path, const std::string& reason,
                        const std::string& message) {
  auto bytes = read_module_file(path, {});
  REQUIRE_FALSE(bytes.ok());
  CHECK(bytes.status().reason() == reason);
  CHECK(bytes.status().message() == message);
}

}  // namespace

TEST_CASE("wasm module source: SMG's path rules, with SMG's messages", "[wasm][attack]") {
  check_path_refused("", "wasm_path_empty", "Module file path cannot be empty");
  check_path_refused("srv/m.wasm", "wasm_path_relative",
                     "Module file path must be absolute, got: srv/m.wasm");
  check_path_refused("/srv/../etc/m.wasm", "wasm_path_traversal",
                     "Path traversal (..) not allowed in module file path");
  check_path_refused("/srv/./m.wasm", "wasm_path_current_dir",
                     "Current directory (.) not allowed in module file path");
  check_path_refused("/srv/m.so", "wasm_path_not_wasm", "Module file must have .wasm extension");
  for (const char* prefix :
       {"/etc/", "/proc/", "/sys/", "/dev/", "/boot/", "/root/", "/var/log/", "/var/run/"}) {
    check_path_refused(std::string(prefix) + "m.wasm", "wasm_path_blocked",
                       "Access to " + std::string(prefix) + " directory is not allowed");
  }
  CHECK(check_module_path("/srv/M.WASM").ok());  // the extension is case-insensitive
}

TEST_CASE("wasm module source: the file itself", "[wasm][attack]") {
  TempDir dir;
  SECTION("missing") {
    auto bytes = read_module_file(dir.file("missing.wasm"), {});
    REQUIRE_FALSE(bytes.ok());
    CHECK_THAT(bytes.status().message(), Catch::StartsWith("Failed to access file "));
  }
  SECTION("empty") {
    write_file(dir.file("empty.wasm"), "");
    check_path_refused(dir.file("empty.wasm"), "wasm_file_empty", "Module file size cannot be 0");
  }
  SECTION("over the size limit") {
    write_file(dir.file("big.wasm"), std::string(2048, 'x'));
    smg::wasm::Limits limits;
    limits.max_module_bytes = 1024;
    auto bytes = read_module_file(dir.file("big.wasm"), limits);
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.status().reason() == "wasm_too_large");
  }
  SECTION("a symlink to a blocked directory") {
    std::filesystem::create_symlink("/etc/hostname", dir.file("link.wasm"));
    check_path_refused(dir.file("link.wasm"), "wasm_path_blocked",
                       "Path resolves to blocked directory /etc/ (via symlink)");
  }
  SECTION("a symlink to a file that is not .wasm") {
    write_file(dir.file("secret.txt"), "not a module");
    std::filesystem::create_symlink(dir.file("secret.txt"), dir.file("link.wasm"));
    check_path_refused(dir.file("link.wasm"), "wasm_path_not_wasm",
                       "Symlink target must be a .wasm file");
  }
  SECTION("a good file is read whole") {
    std::string module = smg::wasm::testing::example_bytes("status_503");
    write_file(dir.file("ok.wasm"), module);
    auto bytes = read_module_file(dir.file("ok.wasm"), {});
    REQUIRE(bytes.ok());
    CHECK(*bytes == module);
  }
}

TEST_CASE("wasm module source: base64 uploads", "[wasm]") {
  std::string module = smg::wasm::testing::example_bytes("status_503");
  std::string text = smg::crypto::base64_encode(module);
  auto bytes = decode_module_base64(text, {});
  REQUIRE(bytes.ok());
  CHECK(*bytes == module);
  while (!text.empty() && text.back() == '=') text.pop_back();
  CHECK(decode_module_base64(text, {}).ok());  // padding optional
  CHECK(decode_module_base64("@@@@", {}).status().reason() == "wasm_bad_base64");
  CHECK(decode_module_base64("", {}).status().reason() == "wasm_file_empty");
  smg::wasm::Limits limits;
  limits.max_module_bytes = 100;
  CHECK(decode_module_base64(std::string(4000, 'A'), limits).status().reason() == "wasm_too_large");
}
