#include "common/policy/secret_field.h"

#include <array>
#include <cctype>
#include <cmath>

namespace smg::policy {
namespace {

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

// Shannon entropy in bits per character.
double entropy_bits(std::string_view run) {
  std::array<int, 256> counts{};
  for (char c : run) {
    ++counts[static_cast<unsigned char>(c)];
  }
  double bits = 0;
  for (int count : counts) {
    if (count > 0) {
      const double p = static_cast<double>(count) / static_cast<double>(run.size());
      bits -= p * std::log2(p);
    }
  }
  return bits;
}

// Random keys mix digits with letters and spread over many symbols; readable names such as
// `content_capture_maintenance_admins` have no digits, UUIDs are lowercase hex split by dashes
// (so neither pure hex nor mixed case).
bool random_looking(std::string_view run) {
  bool upper = false, lower = false, digit = false, hex_only = true;
  for (char c : run) {
    const auto u = static_cast<unsigned char>(c);
    upper = upper || std::isupper(u);
    lower = lower || std::islower(u);
    digit = digit || std::isdigit(u);
    hex_only = hex_only && std::isxdigit(u);
  }
  if (hex_only) {
    return digit && (upper || lower) && entropy_bits(run) >= 3.0;
  }
  return digit && upper && lower && entropy_bits(run) >= 4.0;
}

bool has_random_run(std::string_view field) {
  std::size_t start = 0;
  while (start < field.size()) {
    std::size_t end = start;
    while (end < field.size() && is_token_char(field[end])) {
      ++end;
    }
    if (end - start >= kMinSecretRunLength && random_looking(field.substr(start, end - start))) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// `marker` at the start of a word, followed by at least `min_tail` token characters.
bool has_marker(std::string_view field, std::string_view marker, std::size_t min_tail) {
  for (std::size_t i = 0; i + marker.size() <= field.size(); ++i) {
    if (!starts_with_ignoring_case(field.substr(i), marker) ||
        (i > 0 && std::isalnum(static_cast<unsigned char>(field[i - 1])))) {
      continue;
    }
    std::size_t tail = 0;
    for (std::size_t j = i + marker.size(); j < field.size() && is_token_char(field[j]); ++j) {
      ++tail;
    }
    if (tail >= min_tail) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool looks_like_secret(std::string_view field) {
  // API keys (OpenAI-style, smg's own), bcrypt hashes and PEM armour have fixed shapes.
  if (has_marker(field, "sk-", 8) || has_marker(field, "smgk_", 8) ||
      has_marker(field, "-----begin", 0) || has_marker(field, "$2a$", 0) ||
      has_marker(field, "$2b$", 0) || has_marker(field, "$2y$", 0) ||
      has_marker(field, "bearer ", 8)) {
    return true;
  }
  return has_random_run(field);
}

}  // namespace smg::policy
