#include "cli/contexts/private_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/peers.h"

using smg::cli::ensure_private_dir;
using smg::cli::FileLock;
using smg::cli::read_private_file;
using smg::cli::write_private_file;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("private file: a new folder is 0700 and a written file 0600", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("a/b/smgctl");
  REQUIRE(ensure_private_dir(dir).ok());
  CHECK(mode_of(dir) == 0700);
  REQUIRE(write_private_file(dir + "/config.yaml", "x: 1\n").ok());
  CHECK(mode_of(dir + "/config.yaml") == 0600);
  auto text = read_private_file(dir + "/config.yaml");
  REQUIRE(text.ok());
  CHECK(*text == "x: 1\n");
}

TEST_CASE("private file: refuses a group or world readable file naming chmod 600", "[contexts]") {
  smg::test::TempDir temp;
  std::string path = temp.file("credentials.yaml");
  REQUIRE(write_private_file(path, "credentials: {}\n").ok());
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    auto text = read_private_file(path);
    REQUIRE_FALSE(text.ok());
    CHECK(text.status().reason() == "insecure_permissions");
    CHECK(text.status().message().find(path) != std::string::npos);
    CHECK(text.status().message().find("chmod 600") != std::string::npos);
    CHECK(text.status().message().find('\n') == std::string::npos);
  }
}

TEST_CASE("private file: refuses an existing folder others can enter", "[contexts]") {
  smg::test::TempDir temp;
  std::string dir = temp.file("smgctl");
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  auto status = ensure_private_dir(dir);
  CHECK(status.reason() == "insecure_permissions");
  CHECK(status.message().find("chmod 700") != std::string::npos);
}

TEST_CASE("private file: a missing file is NotFound", "[contexts]") {
  smg::test::TempDir temp;
  auto text = read_private_file(temp.file("absent.yaml"));
  REQUIRE_FALSE(text.ok());
  CHECK(text.status().reason() == "file_missing");
}

TEST_CASE("private file: rewrite replaces the file atomically and leaves no temporary",
          "[contexts]") {
  smg::test::TempDir temp;
  std::string path = temp.file("config.yaml");
  REQUIRE(write_private_file(path, "old\n").ok());
  auto inode_before = std::filesystem::status(path).permissions();
  struct stat before {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  REQUIRE(write_private_file(path, "new\n").ok());
  struct stat after {};
  REQUIRE(::stat(path.c_str(), &after) == 0);
  // A rename puts a new inode in place: readers see the old or the new file, never a mix.
  CHECK(before.st_ino != after.st_ino);
  CHECK(*read_private_file(path) == "new\n");
  CHECK(std::filesystem::status(path).permissions() == inode_before);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(temp.path())) {
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("private file: the lock is exclusive between holders", "[contexts]") {
  smg::test::TempDir temp;
  std::string path = temp.file(".lock");
  {
    auto lock = FileLock::acquire(path);
    REQUIRE(lock.ok());
    // A second descriptor cannot take the flock while the first holds it.
    int fd = ::open(path.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    CHECK(::flock(fd, LOCK_EX | LOCK_NB) != 0);
    ::close(fd);
  }
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  CHECK(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  ::close(fd);
}
