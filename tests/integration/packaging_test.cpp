// `cmake --install` and `cpack -G DEB` from the test's own build tree: the binary, the three
// completion scripts and the man pages land where bash-completion, zsh, fish and man look, and
// the .deb carries them with Depends computed by dpkg-shlibdeps.
// cpack packages the tree `cmake --install` staged (CPACK_INSTALLED_DIRECTORIES) instead of
// re-running the install itself: plain `cpack` first builds the whole project (its preinstall
// step depends on `all`, benchmarks included), which would make this test as slow as a build.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/peers.h"
#include "tests/support/process.h"

using smg::test::run_process;

namespace {

const std::vector<std::string> kInstalledFiles = {
    "bin/smgctl",
    "share/bash-completion/completions/smgctl",
    "share/zsh/vendor-completions/_smgctl",
    "share/fish/vendor_completions.d/smgctl.fish",
    "share/man/man1/smgctl.1",
    "share/man/man1/smgctl-shell.1",
};

void install_into(const std::string& prefix, bool strip = false) {
  std::vector<std::string> argv = {"cmake", "--install", SMG_BUILD_DIR, "--prefix", prefix};
  if (strip) {
    argv.push_back("--strip");  // as CPACK_STRIP_FILES does for a plain cpack run
  }
  auto install = run_process(argv, "", {}, std::chrono::seconds(120));
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
}

}  // namespace

TEST_CASE("install: cmake --install puts binary completions and man pages in place",
          "[shell][package]") {
  smg::test::TempDir prefix;
  install_into(prefix.path());
  for (const auto& file : kInstalledFiles) {
    INFO(file);
    CHECK(std::filesystem::is_regular_file(prefix.file(file)));
  }
  CHECK(smg::test::read_file(prefix.file("share/zsh/vendor-completions/_smgctl")) ==
        smg::test::read_file(std::string(SMG_SOURCE_DIR) + "/completions/_smgctl"));
  auto version = run_process({prefix.file("bin/smgctl"), "version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("smgctl "));
}

TEST_CASE("package: cpack builds a .deb with the files and shlib Depends", "[shell][package]") {
  smg::test::TempDir stage;
  install_into(stage.path(), true);
  smg::test::TempDir out;
  auto cpack = run_process({"cpack", "-G", "DEB", "--config",
                            std::string(SMG_BUILD_DIR) + "/CPackConfig.cmake", "-B", out.path(),
                            "-D", "CPACK_INSTALL_CMAKE_PROJECTS=", "-D",
                            "CPACK_INSTALLED_DIRECTORIES=" + stage.path() + ";usr"},
                           "", {}, std::chrono::seconds(300));
  INFO(cpack.out << cpack.err);
  REQUIRE(cpack.exit_code == 0);
  std::string deb;
  for (const auto& entry : std::filesystem::directory_iterator(out.path())) {
    if (entry.path().extension() == ".deb") {
      deb = entry.path().string();
    }
  }
  REQUIRE(!deb.empty());
  auto contents = run_process({"dpkg-deb", "-c", deb});
  REQUIRE(contents.exit_code == 0);
  for (const auto& file : kInstalledFiles) {
    INFO(file);
    CHECK(contents.out.find("./usr/" + file) != std::string::npos);
  }
  auto depends = run_process({"dpkg-deb", "-f", deb, "Depends"});
  INFO(depends.out);
  CHECK(depends.out.find("libcurl") != std::string::npos);
  CHECK(depends.out.find("libedit") != std::string::npos);
  CHECK(run_process({"dpkg-deb", "-f", deb, "Package"}).out == "smgctl\n");
}
