// Structured logging to stderr: one line per record, text or JSON (`--log-json`), with a target
// (e.g. "smg::audit", "smg::server") and key/value fields. Callers must never pass secrets as
// fields; values are escaped (control characters) and capped.
// Thread-safety: all functions are thread-safe; each record is written with a single write(2).
//
//   smg::log::info("smg::server", "listening", {{"address", "127.0.0.1:30000"}});
//   smg::log::configure({.level = smg::log::Level::kDebug, .json = true});
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smg::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct Options {
  Level level = Level::kInfo;
  bool json = false;
  int fd = 2;  // where records go; tests point it at a pipe
};

using Fields = std::vector<std::pair<std::string, std::string>>;

void configure(const Options& options);
// "trace", "debug", "info", "warn", "error", "off" (case-insensitive); false if unknown.
bool parse_level(std::string_view text, Level& level);
bool enabled(Level level);

void write(Level level, std::string_view target, std::string_view message, const Fields& fields);
// A pre-encoded JSON object line (the audit sink uses this so its line is the event itself).
void write_raw_json(Level level, std::string_view json_line);

inline void debug(std::string_view target, std::string_view message, const Fields& fields = {}) {
  write(Level::kDebug, target, message, fields);
}
inline void info(std::string_view target, std::string_view message, const Fields& fields = {}) {
  write(Level::kInfo, target, message, fields);
}
inline void warn(std::string_view target, std::string_view message, const Fields& fields = {}) {
  write(Level::kWarn, target, message, fields);
}
inline void error(std::string_view target, std::string_view message, const Fields& fields = {}) {
  write(Level::kError, target, message, fields);
}

}  // namespace smg::log
