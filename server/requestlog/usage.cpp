#include "server/requestlog/usage.h"

#include <cstdint>

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

// Reads the top-level `usage` object while nlohmann's parser walks the document, without
// building it, and stops as soon as that object ends: the buffered response path calls this for
// every request.
class UsageSax {
 public:
  using json = nlohmann::json;

  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(json::number_integer_t value) {
    if (value >= 0) count(value);
    return scalar();
  }
  bool number_unsigned(json::number_unsigned_t value) {
    if (value <= static_cast<json::number_unsigned_t>(INT64_MAX)) count(static_cast<int64_t>(value));
    return scalar();
  }
  bool number_float(json::number_float_t, const json::string_t&) { return scalar(); }
  bool string(json::string_t&) { return scalar(); }
  bool binary(json::binary_t&) { return scalar(); }
  bool start_object(std::size_t) {
    in_usage_ = in_usage_ || (depth_ == 1 && usage_key_);
    usage_key_ = false;
    ++depth_;
    return true;
  }
  bool key(json::string_t& name) {
    if (depth_ == 1) usage_key_ = name == "usage";
    if (in_usage_ && depth_ == 2) field_ = name;
    return true;
  }
  bool end_object() {
    --depth_;
    return !(in_usage_ && depth_ == 1);  // the usage object is complete: stop reading
  }
  bool start_array(std::size_t) {
    usage_key_ = false;
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    usage_ = {};
    return false;
  }
  TokenUsage usage() const { return usage_; }

 private:
  bool scalar() {
    usage_key_ = false;
    return true;
  }
  void count(int64_t value) {
    if (!in_usage_ || depth_ != 2) return;
    if (field_ == "prompt_tokens") usage_.prompt_tokens = value;
    if (field_ == "completion_tokens") usage_.completion_tokens = value;
    if (field_ == "total_tokens") usage_.total_tokens = value;
  }

  int depth_ = 0;
  bool usage_key_ = false;  // the last top-level key was "usage"
  bool in_usage_ = false;
  std::string field_;
  TokenUsage usage_;
};

}  // namespace

TokenUsage usage_from_json(std::string_view body) {
  // Most bodies without usage are skipped without a parse.
  if (body.find("\"usage\"") == std::string_view::npos) return {};
  UsageSax sax;
  nlohmann::json::sax_parse(body, &sax);
  return sax.usage();
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
