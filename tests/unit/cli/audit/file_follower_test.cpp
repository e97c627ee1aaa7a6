#include "cli/audit/file_follower.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "tests/support/peers.h"

using smg::cli::FileFollower;

namespace {

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

std::vector<std::string> poll(FileFollower& follower) {
  auto lines = follower.poll();
  REQUIRE(lines.ok());
  return *lines;
}

}  // namespace

TEST_CASE("file follower: returns complete lines as they are appended", "[audit-tail]") {
  smg::test::TempDir temp;
  std::string path = temp.file("audit.log");
  FileFollower follower(path);
  CHECK(poll(follower).empty());  // not there yet: waited for
  append(path, "one\ntw");
  CHECK(poll(follower) == std::vector<std::string>{"one"});
  append(path, "o\nthree\n");
  CHECK(poll(follower) == std::vector<std::string>{"two", "three"});
  CHECK(poll(follower).empty());
}

TEST_CASE("file follower: follows a rename rotation reading the old tail first", "[audit-tail]") {
  smg::test::TempDir temp;
  std::string path = temp.file("audit.log");
  append(path, "a\n");
  FileFollower follower(path);
  CHECK(poll(follower) == std::vector<std::string>{"a"});
  append(path, "b\n");
  REQUIRE(std::rename(path.c_str(), temp.file("audit.log.1").c_str()) == 0);
  append(path, "c\n");
  CHECK(poll(follower) == std::vector<std::string>{"b", "c"});
  append(path, "d\n");
  CHECK(poll(follower) == std::vector<std::string>{"d"});
}

TEST_CASE("file follower: starts over after copytruncate", "[audit-tail]") {
  smg::test::TempDir temp;
  std::string path = temp.file("audit.log");
  append(path, "first line\nsecond line\n");
  FileFollower follower(path);
  CHECK(poll(follower).size() == 2);
  { std::ofstream truncate(path, std::ios::trunc); }
  append(path, "new\n");
  CHECK(poll(follower) == std::vector<std::string>{"new"});
}
