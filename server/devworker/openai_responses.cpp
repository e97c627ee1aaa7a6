// Builders of openai_api.h: response bodies and SSE payloads in OpenAI's and SGLang's shapes.
#include "server/devworker/echo.h"
#include "server/devworker/openai_api.h"

namespace smg::devworker {
namespace {

using nlohmann::json;

// What one streamed word adds to the text: words after the first carry their separating space,
// so concatenating every delta gives join_words(words).
std::string word_delta(const Reply& reply, std::size_t index) {
  return index == 0 ? reply.words[0] : " " + reply.words[index];
}

std::size_t prompt_tokens_of(const std::vector<std::string>& texts) {
  std::size_t tokens = 0;
  for (const auto& text : texts) {
    tokens += count_tokens(text);
  }
  return tokens;
}

std::size_t completion_tokens_of(const std::vector<Reply>& replies) {
  std::size_t tokens = 0;
  for (const auto& reply : replies) {
    tokens += reply.words.size();
  }
  return tokens;
}

json chat_chunk(const ResponseIds& ids, const ChatRequest& request, json delta,
                json finish_reason) {
  json chunk = {{"id", ids.id},
                {"object", "chat.completion.chunk"},
                {"created", ids.created},
                {"model", request.model},
                {"choices", json::array({{{"index", 0},
                                          {"delta", std::move(delta)},
                                          {"logprobs", nullptr},
                                          {"finish_reason", std::move(finish_reason)}}})}};
  if (request.include_usage) {
    chunk["usage"] = nullptr;  // as OpenAI: null on every chunk but the last
  }
  return chunk;
}

json completion_chunk(const ResponseIds& ids, const CompletionRequest& request, std::size_t index,
                      std::string text, json finish_reason) {
  json chunk = {{"id", ids.id},
                {"object", "text_completion"},
                {"created", ids.created},
                {"model", request.model},
                {"choices", json::array({{{"index", index},
                                          {"text", std::move(text)},
                                          {"logprobs", nullptr},
                                          {"finish_reason", std::move(finish_reason)}}})}};
  if (request.include_usage) {
    chunk["usage"] = nullptr;
  }
  return chunk;
}

json generate_meta(const ResponseIds& ids, const GenerateRequest& request, std::size_t words,
                   json finish_reason) {
  return {{"id", ids.id},
          {"prompt_tokens", count_tokens(request.text)},
          {"completion_tokens", words},
          {"cached_tokens", 0},
          {"finish_reason", std::move(finish_reason)}};
}

}  // namespace

json usage_json(std::size_t prompt_tokens, std::size_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}

json chat_completion(const ResponseIds& ids, const ChatRequest& request, const Reply& reply) {
  json message = {{"role", "assistant"}, {"content", join_words(reply.words)}};
  return {{"id", ids.id},
          {"object", "chat.completion"},
          {"created", ids.created},
          {"model", request.model},
          {"choices", json::array({{{"index", 0},
                                    {"message", std::move(message)},
                                    {"logprobs", nullptr},
                                    {"finish_reason", reply.finish_reason}}})},
          {"usage", usage_json(request.prompt_tokens, reply.words.size())}};
}

std::vector<std::string> chat_completion_events(const ResponseIds& ids, const ChatRequest& request,
                                                const Reply& reply) {
  std::vector<std::string> events;
  events.reserve(reply.words.size() + 2);
  for (std::size_t i = 0; i < reply.words.size(); ++i) {
    json delta = {{"content", word_delta(reply, i)}};
    if (i == 0) {
      delta["role"] = "assistant";
    }
    events.push_back(chat_chunk(ids, request, std::move(delta), nullptr).dump());
  }
  events.push_back(chat_chunk(ids, request, json::object(), reply.finish_reason).dump());
  if (request.include_usage) {
    json usage = chat_chunk(ids, request, json::object(), nullptr);
    usage["choices"] = json::array();
    usage["usage"] = usage_json(request.prompt_tokens, reply.words.size());
    events.push_back(usage.dump());
  }
  return events;
}

json text_completion(const ResponseIds& ids, const CompletionRequest& request,
                     const std::vector<Reply>& replies) {
  json choices = json::array();
  for (std::size_t i = 0; i < replies.size(); ++i) {
    choices.push_back({{"index", i},
                       {"text", join_words(replies[i].words)},
                       {"logprobs", nullptr},
                       {"finish_reason", replies[i].finish_reason}});
  }
  return {{"id", ids.id},
          {"object", "text_completion"},
          {"created", ids.created},
          {"model", request.model},
          {"choices", std::move(choices)},
          {"usage", usage_json(prompt_tokens_of(request.prompts), completion_tokens_of(replies))}};
}

std::vector<std::string> text_completion_events(const ResponseIds& ids,
                                                const CompletionRequest& request,
                                                const std::vector<Reply>& replies) {
  std::vector<std::string> events;
  for (std::size_t p = 0; p < replies.size(); ++p) {
    for (std::size_t i = 0; i < replies[p].words.size(); ++i) {
      events.push_back(
          completion_chunk(ids, request, p, word_delta(replies[p], i), nullptr).dump());
    }
    events.push_back(completion_chunk(ids, request, p, "", replies[p].finish_reason).dump());
  }
  if (request.include_usage) {
    json usage = completion_chunk(ids, request, 0, "", nullptr);
    usage["choices"] = json::array();
    usage["usage"] = usage_json(prompt_tokens_of(request.prompts), completion_tokens_of(replies));
    events.push_back(usage.dump());
  }
  return events;
}

json embeddings(const EmbeddingRequest& request) {
  json data = json::array();
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    auto vector = embedding_for(request.inputs[i]);
    json embedding = request.base64 ? json(embedding_base64(vector)) : json(vector);
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", std::move(embedding)}});
  }
  std::size_t tokens = prompt_tokens_of(request.inputs);
  return {{"object", "list"},
          {"data", std::move(data)},
          {"model", request.model},
          {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
}

json generate_result(const ResponseIds& ids, const GenerateRequest& request, const Reply& reply) {
  json finish = {{"type", reply.finish_reason}};
  if (reply.finish_reason == "length") {
    finish["length"] = reply.words.size();
  }
  return {{"text", join_words(reply.words)},
          {"meta_info", generate_meta(ids, request, reply.words.size(), std::move(finish))}};
}

std::vector<std::string> generate_events(const ResponseIds& ids, const GenerateRequest& request,
                                         const Reply& reply) {
  std::vector<std::string> events;
  std::string text;
  for (std::size_t i = 0; i < reply.words.size(); ++i) {
    text += word_delta(reply, i);
    bool last = i + 1 == reply.words.size();
    json finish =
        last ? generate_result(ids, request, reply)["meta_info"]["finish_reason"] : json(nullptr);
    events.push_back(
        json{{"text", text}, {"meta_info", generate_meta(ids, request, i + 1, finish)}}.dump());
  }
  return events;
}

}  // namespace smg::devworker
