// The dev worker's "model": deterministic echo text, whitespace token counts and hash-derived
// embeddings. Pure functions of their input, so tests can compute expected answers themselves.
// Thread-safety: stateless.
//
//   auto words = smg::devworker::echo_words("hello big world", 2);  // {"echo:", "hello"}
//   smg::devworker::count_tokens("a  b\tc");                         // 3
//   auto unit = smg::devworker::embedding_for("hi");                 // 16 floats, |v| == 1
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smg::devworker {

inline constexpr std::size_t kEmbeddingDimension = 16;
inline constexpr std::string_view kEchoPrefix = "echo: ";

// Whitespace-separated tokens (space, tab, newline, CR, FF, VT), as the usage numbers count them.
std::vector<std::string> split_words(std::string_view text);
std::size_t count_tokens(std::string_view text);

// The reply's words: split_words(kEchoPrefix + text), cycled to exactly `exact_count` words when
// set (long streams), then capped at `max_words` when set. Never empty unless max_words is 0.
std::vector<std::string> echo_words(std::string_view text,
                                    std::optional<std::size_t> max_words = std::nullopt,
                                    std::optional<std::size_t> exact_count = std::nullopt);

// Words joined by single spaces: what a non-streamed reply contains.
std::string join_words(const std::vector<std::string>& words);

// The text of a chat message's `content`: a string, or the `text` of its {"type":"text"} parts
// joined by a space. nullopt when content is neither (e.g. a number).
std::optional<std::string> content_text(const nlohmann::json& content);

// A unit vector of kEmbeddingDimension floats derived from SHA-256(text).
std::vector<float> embedding_for(std::string_view text);

// Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"` returns them.
std::string embedding_base64(const std::vector<float>& vector);

}  // namespace smg::devworker
