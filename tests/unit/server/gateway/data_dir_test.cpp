#include "server/gateway/data_dir.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/peers.h"

TEST_CASE("data dir: made with its parents, 0700, and errors name the field", "[gateway][data_dir]") {
  smg::test::TempDir dir;
  std::string nested = dir.file("a/b/data");
  REQUIRE(smg::server::make_data_dir(nested, "server.request_log").ok());
  struct stat info {};
  REQUIRE(::stat(nested.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(smg::server::make_data_dir(nested, "server.request_log").ok());  // again: fine

  smg::test::write_file(dir.file("file"), "x");
  auto under_file = smg::server::make_data_dir(dir.file("file/data"), "server.request_log");
  REQUIRE_FALSE(under_file.ok());
  CHECK(under_file.reason() == "config_invalid");
  CHECK(under_file.message() ==
        "server.request_log: cannot create --data-dir " + dir.file("file/data"));
}
