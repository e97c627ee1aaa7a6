// Request parsing and response shapes of the dev worker's OpenAI (and SGLang /generate) API.
// Parsers validate only what the echo model needs and return a Status with reason
// "invalid_request_error" and a user-facing message for anything else; builders produce the
// JSON bodies and SSE payloads (without the "data: " framing). No HTTP here.
// Thread-safety: stateless.
//
//   auto chat = smg::devworker::parse_chat_request(body_json);
//   if (!chat.ok()) { reply 400 with chat.status().message(); }
//   auto reply = smg::devworker::make_reply(chat->last_user_text, chat->max_tokens, std::nullopt);
//   nlohmann::json doc = smg::devworker::chat_completion(ids, *chat, reply);
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace smg::devworker {

struct ChatRequest {
  std::string model;
  std::string last_user_text;  // empty when there is no user message
  std::size_t prompt_tokens = 0;
  bool stream = false;
  bool include_usage = false;             // stream_options.include_usage
  std::optional<std::size_t> max_tokens;  // max_tokens or max_completion_tokens
};

struct CompletionRequest {
  std::string model;
  std::vector<std::string> prompts;  // one choice per prompt
  bool stream = false;
  bool include_usage = false;
  std::optional<std::size_t> max_tokens;
};

struct EmbeddingRequest {
  std::string model;
  std::vector<std::string> inputs;
  bool base64 = false;  // encoding_format "base64" (the openai SDKs' default)
};

struct GenerateRequest {
  std::string text;
  bool stream = false;
  std::optional<std::size_t> max_new_tokens;  // sampling_params.max_new_tokens
};

// The echo answer to one prompt.
struct Reply {
  std::vector<std::string> words;
  std::string finish_reason;  // "stop", or "length" when max_tokens cut it short
};
Reply make_reply(const std::string& text, std::optional<std::size_t> max_tokens,
                 std::optional<std::size_t> exact_words);

// Identity of one response: `id` and `created` as OpenAI returns them.
struct ResponseIds {
  std::string id;
  std::int64_t created = 0;
};

Result<nlohmann::json> parse_json_object(const std::string& body);
Result<ChatRequest> parse_chat_request(const nlohmann::json& body);
Result<CompletionRequest> parse_completion_request(const nlohmann::json& body);
Result<EmbeddingRequest> parse_embedding_request(const nlohmann::json& body);
Result<GenerateRequest> parse_generate_request(const nlohmann::json& body);

nlohmann::json usage_json(std::size_t prompt_tokens, std::size_t completion_tokens);

nlohmann::json chat_completion(const ResponseIds& ids, const ChatRequest& request,
                               const Reply& reply);
// Every event of a streamed chat completion: one chunk per word, the finish chunk, then the
// usage chunk when include_usage. The caller adds "data: [DONE]".
std::vector<std::string> chat_completion_events(const ResponseIds& ids, const ChatRequest& request,
                                                const Reply& reply);

nlohmann::json text_completion(const ResponseIds& ids, const CompletionRequest& request,
                               const std::vector<Reply>& replies);
std::vector<std::string> text_completion_events(const ResponseIds& ids,
                                                const CompletionRequest& request,
                                                const std::vector<Reply>& replies);

nlohmann::json embeddings(const EmbeddingRequest& request);

nlohmann::json generate_result(const ResponseIds& ids, const GenerateRequest& request,
                               const Reply& reply);
// SGLang streams cumulative text: each event holds the whole text so far.
std::vector<std::string> generate_events(const ResponseIds& ids, const GenerateRequest& request,
                                         const Reply& reply);

}  // namespace smg::devworker
