#include "common/log/logger.h"

#include <strings.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/clock/clock.h"

namespace smg::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_json{false};
std::atomic<int> g_fd{2};
constexpr std::size_t kMaxFieldBytes = 1024;

const char* level_name(Level level) {
  switch (level) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "info";
}

std::string timestamp() { return format_rfc3339_ms(unix_now_ms()); }

std::string capped(std::string_view value) {
  return std::string(value.substr(0, kMaxFieldBytes));
}

// JSON string encoding: escapes control characters and replaces invalid UTF-8.
std::string json_string(std::string_view value) {
  return nlohmann::json(capped(value)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Text mode: control characters as \xNN, so a message can never start a forged line.
std::string escape_controls(const std::string& text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}

void emit(std::string line) {
  line += '\n';
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(g_fd.load(), data, left);
    if (n <= 0) {
      return;  // logging must never take the process down
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void configure(const Options& options) {
  g_level.store(static_cast<int>(options.level));
  g_json.store(options.json);
  g_fd.store(options.fd);
}

bool parse_level(std::string_view text, Level& level) {
  for (Level candidate : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError,
                          Level::kOff}) {
    const char* name = level_name(candidate);
    if (text.size() == std::strlen(name) && strncasecmp(text.data(), name, text.size()) == 0) {
      level = candidate;
      return true;
    }
  }
  return false;
}

bool enabled(Level level) {
  return level != Level::kOff && static_cast<int>(level) >= g_level.load();
}

void write(Level level, std::string_view target, std::string_view message, const Fields& fields) {
  if (!enabled(level)) {
    return;
  }
  std::string line;
  if (g_json.load()) {
    line = "{\"timestamp\":\"" + timestamp() + "\",\"level\":\"" + level_name(level) +
           "\",\"target\":" + json_string(target) + ",\"message\":" + json_string(message);
    for (const auto& [key, value] : fields) {
      line += "," + json_string(key) + ":" + json_string(value);
    }
    line += "}";
  } else {
    line = timestamp() + " " + level_name(level) + " " + std::string(target) + ": " +
           escape_controls(capped(message));
    for (const auto& [key, value] : fields) {
      line += " " + key + "=" + json_string(value);
    }
  }
  emit(std::move(line));
}

void write_raw_json(Level level, std::string_view json_line) {
  if (enabled(level)) {
    emit(std::string(json_line));
  }
}

}  // namespace smg::log
