#include "server/devworker/echo.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/crypto/crypto.h"

namespace smg::devworker {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) {
      ++i;
    }
    if (i > start) {
      words.emplace_back(text.substr(start, i - start));
    }
  }
  return words;
}

std::size_t count_tokens(std::string_view text) { return split_words(text).size(); }

std::vector<std::string> echo_words(std::string_view text, std::optional<std::size_t> max_words,
                                    std::optional<std::size_t> exact_count) {
  std::vector<std::string> words = split_words(std::string(kEchoPrefix) + std::string(text));
  if (exact_count) {
    std::vector<std::string> cycled;
    cycled.reserve(*exact_count);
    for (std::size_t i = 0; i < *exact_count; ++i) {
      cycled.push_back(words[i % words.size()]);
    }
    words = std::move(cycled);
  }
  if (max_words && words.size() > *max_words) {
    words.resize(*max_words);
  }
  return words;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) {
      text += ' ';
    }
    text += word;
  }
  return text;
}

std::optional<std::string> content_text(const nlohmann::json& content) {
  if (content.is_string()) {
    return content.get<std::string>();
  }
  if (content.is_null()) {
    return std::string();  // e.g. an assistant message that only made tool calls
  }
  if (!content.is_array()) {
    return std::nullopt;
  }
  std::string text;
  for (const auto& part : content) {
    if (!part.is_object() || !part.contains("text") || !part["text"].is_string()) {
      continue;  // images and audio carry no text to echo
    }
    if (!text.empty()) {
      text += ' ';
    }
    text += part["text"].get<std::string>();
  }
  return text;
}

std::vector<float> embedding_for(std::string_view text) {
  const std::string digest = crypto::sha256(text);  // 32 bytes: two per dimension
  std::vector<float> vector(kEmbeddingDimension);
  double norm = 0;
  for (std::size_t i = 0; i < kEmbeddingDimension; ++i) {
    auto high = static_cast<unsigned char>(digest[2 * i]);
    auto low = static_cast<unsigned char>(digest[2 * i + 1]);
    double value = (static_cast<double>((high << 8) | low) / 32767.5) - 1.0;  // in [-1, 1]
    vector[i] = static_cast<float>(value);
    norm += value * value;
  }
  // A zero vector would need all 32 digest bytes to sit on the midpoint: treat it as axis 0.
  if (norm == 0) {
    vector[0] = 1.0F;
    return vector;
  }
  const double scale = 1.0 / std::sqrt(norm);
  for (auto& value : vector) {
    value = static_cast<float>(value * scale);
  }
  return vector;
}

std::string embedding_base64(const std::vector<float>& vector) {
  std::string bytes;
  bytes.reserve(vector.size() * 4);
  for (float value : vector) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    for (int shift = 0; shift < 32; shift += 8) {
      bytes.push_back(static_cast<char>((bits >> shift) & 0xFF));
    }
  }
  return crypto::base64_encode(bytes);
}

}  // namespace smg::devworker
