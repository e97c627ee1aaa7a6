#include "server/requestlog/usage.h"

#include <nlohmann/json.hpp>

namespace smg::requestlog {
namespace {

std::optional<int64_t> count_field(const nlohmann::json& usage, const char* name) {
  auto it = usage.find(name);
  if (it == usage.end() || !it->is_number_integer()) return std::nullopt;
  auto value = it->get<int64_t>();
  return value >= 0 ? std::optional<int64_t>(value) : std::nullopt;
}

TokenUsage usage_of(const nlohmann::json& document) {
  TokenUsage usage;
  if (!document.is_object()) return usage;
  auto it = document.find("usage");
  if (it == document.end() || !it->is_object()) return usage;
  usage.prompt_tokens = count_field(*it, "prompt_tokens");
  usage.completion_tokens = count_field(*it, "completion_tokens");
  usage.total_tokens = count_field(*it, "total_tokens");
  return usage;
}

}  // namespace

TokenUsage usage_from_json(std::string_view body) {
  // Most bodies without usage are skipped without a parse.
  if (body.find("\"usage\"") == std::string_view::npos) return {};
  return usage_of(nlohmann::json::parse(body, nullptr, false));
}

void SseUsageScanner::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    std::size_t newline = bytes.find('\n');
    std::string_view part = bytes.substr(0, newline);
    if (!skipping_) {
      if (line_.size() + part.size() > kMaxLineBytes) {
        skipping_ = true;
        line_.clear();
      } else {
        line_.append(part);
      }
    }
    if (newline == std::string_view::npos) return;
    line_done();
    bytes.remove_prefix(newline + 1);
  }
}

// Only `data:` lines that mention usage are parsed: one small parse per stream in practice.
void SseUsageScanner::line_done() {
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!skipping_ && line.rfind("data:", 0) == 0 &&
      line.find("\"usage\"") != std::string_view::npos) {
    line.remove_prefix(5);
    TokenUsage found = usage_of(nlohmann::json::parse(line, nullptr, false));
    if (!found.empty()) usage_ = found;
  }
  line_.clear();
  skipping_ = false;
}

}  // namespace smg::requestlog
