// ctest runs each Catch2 test by name (catch_discover_tests), and cuts a name at ';': the two
// halves then match no test, run nothing and pass. No test name may hold one.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

TEST_CASE("test names: no TEST_CASE name holds a semicolon (ctest would run nothing)", "[meta]") {
  const std::regex test_case(R"re(TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+))re");
  int files = 0;
  for (const char* dir : {"/tests/unit", "/tests/integration"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::string(SMG_SOURCE_DIR) + dir)) {
      if (entry.path().extension() != ".cpp") continue;
      ++files;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string source = text.str();
      for (std::sregex_iterator it(source.begin(), source.end(), test_case), end; it != end;
           ++it) {
        INFO(entry.path().string() << ": " << (*it)[1].str());
        CHECK((*it)[1].str().find(';') == std::string::npos);
      }
    }
  }
  CHECK(files > 100);
}
