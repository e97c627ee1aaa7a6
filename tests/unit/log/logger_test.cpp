#include "common/log/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using nlohmann::json;
namespace slog = smg::log;

namespace {

// Points the logger at a non-blocking pipe; restores stderr/info/text afterwards.
struct PipeLogger {
  int fds[2] = {-1, -1};
  explicit PipeLogger(slog::Level level, bool json_mode) {
    REQUIRE(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    slog::Options options;
    options.level = level;
    options.json = json_mode;
    options.fd = fds[1];
    slog::configure(options);
  }
  ~PipeLogger() {
    slog::configure(slog::Options{});
    close(fds[0]);
    close(fds[1]);
  }
  // Everything written so far (writes are synchronous, so it is already in the pipe).
  std::vector<std::string> lines() {
    std::string data;
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) data.append(buffer, n);
    std::vector<std::string> out;
    std::istringstream in(data);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    CHECK((data.empty() || data.back() == '\n'));
    return out;
  }
};

}  // namespace

TEST_CASE("logger: JSON mode writes one parseable object per record", "[log]") {
  PipeLogger pipe(slog::Level::kInfo, true);
  slog::info("smg::server", "listening", {{"address", "http://127.0.0.1:1"}, {"n", "2"}});
  slog::error("smg::audit", "write failed");
  auto lines = pipe.lines();
  REQUIRE(lines.size() == 2);
  json first = json::parse(lines[0]);
  CHECK(first["level"] == "info");
  CHECK(first["target"] == "smg::server");
  CHECK(first["message"] == "listening");
  CHECK(first["address"] == "http://127.0.0.1:1");
  CHECK(first["n"] == "2");
  CHECK(first["timestamp"].get<std::string>().back() == 'Z');
  CHECK(json::parse(lines[1])["level"] == "error");
}

TEST_CASE("logger: records below the level are dropped", "[log]") {
  PipeLogger pipe(slog::Level::kWarn, true);
  CHECK_FALSE(slog::enabled(slog::Level::kInfo));
  CHECK(slog::enabled(slog::Level::kWarn));
  slog::debug("t", "debug");
  slog::info("t", "info");
  slog::warn("t", "warn");
  slog::error("t", "error");
  slog::write_raw_json(slog::Level::kInfo, "{\"raw\":\"info\"}");
  slog::write_raw_json(slog::Level::kError, "{\"raw\":\"error\"}");
  auto lines = pipe.lines();
  REQUIRE(lines.size() == 3);
  CHECK(json::parse(lines[0])["message"] == "warn");
  CHECK(json::parse(lines[1])["message"] == "error");
  CHECK(lines[2] == "{\"raw\":\"error\"}");
  SECTION("off drops everything") {
    slog::Options off;
    off.level = slog::Level::kOff;
    off.fd = pipe.fds[1];
    slog::configure(off);
    slog::error("t", "nothing");
    CHECK_FALSE(slog::enabled(slog::Level::kError));
    CHECK(pipe.lines().empty());
  }
}

TEST_CASE("logger: control characters are escaped, so a value cannot forge a record",
          "[log][attack]") {
  SECTION("JSON mode") {
    PipeLogger pipe(slog::Level::kInfo, true);
    slog::warn("smg::server", "bad\nmessage", {{"path", "/x\n{\"level\":\"error\"}\r\x1b"},
                                              {"key\nname", "v"}});
    auto lines = pipe.lines();
    REQUIRE(lines.size() == 1);
    json record = json::parse(lines[0]);
    CHECK(record["message"] == "bad\nmessage");
    CHECK(record["path"] == "/x\n{\"level\":\"error\"}\r\x1b");
    CHECK(record["level"] == "warn");
    CHECK(lines[0].find('\x1b') == std::string::npos);
  }
  SECTION("text mode: field values are quoted and escaped") {
    PipeLogger pipe(slog::Level::kInfo, false);
    slog::info("smg::server", "listening", {{"path", "/x\nforged line"}});
    auto lines = pipe.lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(" info smg::server: listening path=\"/x\\nforged line\"") !=
          std::string::npos);
  }
  SECTION("invalid UTF-8 and long values do not break a record") {
    PipeLogger pipe(slog::Level::kInfo, true);
    slog::info("t", "m", {{"bytes", "\xff\xfe"}, {"long", std::string(5000, 'x')}});
    auto lines = pipe.lines();
    REQUIRE(lines.size() == 1);
    json record = json::parse(lines[0]);
    CHECK(record["long"].get<std::string>().size() == 1024);
  }
}

TEST_CASE("logger: parse_level", "[log]") {
  slog::Level level = slog::Level::kInfo;
  CHECK(slog::parse_level("DEBUG", level));
  CHECK(level == slog::Level::kDebug);
  CHECK(slog::parse_level("off", level));
  CHECK(level == slog::Level::kOff);
  CHECK(slog::parse_level("Warn", level));
  CHECK(level == slog::Level::kWarn);
  CHECK_FALSE(slog::parse_level("verbose", level));
  CHECK_FALSE(slog::parse_level("", level));
  CHECK(level == slog::Level::kWarn);
}
