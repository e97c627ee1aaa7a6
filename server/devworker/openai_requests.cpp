// Parsers of openai_api.h: the request bodies the dev worker accepts.
#include <utility>

#include "server/devworker/echo.h"
#include "server/devworker/openai_api.h"

namespace smg::devworker {
namespace {

using nlohmann::json;

Status bad_request(std::string message) {
  return invalid_argument("invalid_request_error", std::move(message));
}

Result<bool> optional_bool(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return false;
  }
  if (!it->is_boolean()) {
    return bad_request(std::string("'") + key + "' must be a boolean");
  }
  return it->get<bool>();
}

Result<std::optional<std::size_t>> optional_count(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return std::optional<std::size_t>();
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
    return bad_request(std::string("'") + key + "' must be an integer >= 1");
  }
  return std::optional<std::size_t>(it->get<std::size_t>());
}

Result<std::string> required_model(const json& body) {
  auto it = body.find("model");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return bad_request("'model' is required and must be a string");
  }
  return it->get<std::string>();
}

// A string, or a non-empty array of strings.
Result<std::vector<std::string>> string_or_strings(const json& body, const char* key) {
  auto it = body.find(key);
  if (it != body.end() && it->is_string()) {
    return std::vector<std::string>{it->get<std::string>()};
  }
  if (it == body.end() || !it->is_array() || it->empty()) {
    return bad_request(std::string("'") + key + "' must be a string or an array of strings");
  }
  std::vector<std::string> values;
  for (const auto& item : *it) {
    if (!item.is_string()) {
      return bad_request(std::string("'") + key + "' must be a string or an array of strings");
    }
    values.push_back(item.get<std::string>());
  }
  return values;
}

Result<bool> include_usage(const json& body) {
  auto it = body.find("stream_options");
  if (it == body.end() || it->is_null()) {
    return false;
  }
  if (!it->is_object()) {
    return bad_request("'stream_options' must be an object");
  }
  return optional_bool(*it, "include_usage");
}

// Folds the messages into the request: token count of all text, text of the last user message.
Status read_messages(const json& body, ChatRequest& request) {
  auto it = body.find("messages");
  if (it == body.end() || !it->is_array() || it->empty()) {
    return bad_request("'messages' must be a non-empty array");
  }
  for (const auto& message : *it) {
    if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
      return bad_request("each message must be an object with a string 'role'");
    }
    auto text = content_text(message.value("content", json()));
    if (!text) {
      return bad_request("a message's 'content' must be a string or an array of parts");
    }
    request.prompt_tokens += count_tokens(*text);
    if (message["role"] == "user") {
      request.last_user_text = *text;
    }
  }
  return Status::ok_status();
}

}  // namespace

Result<json> parse_json_object(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return bad_request("the request body must be a JSON object");
  }
  return doc;
}

Result<ChatRequest> parse_chat_request(const json& body) {
  ChatRequest request;
  auto model = required_model(body);
  if (!model.ok()) {
    return model.status();
  }
  request.model = *model;
  if (Status status = read_messages(body, request); !status.ok()) {
    return status;
  }
  auto stream = optional_bool(body, "stream");
  if (!stream.ok()) {
    return stream.status();
  }
  request.stream = *stream;
  auto usage = include_usage(body);
  if (!usage.ok()) {
    return usage.status();
  }
  request.include_usage = *usage;
  auto max_tokens = optional_count(body, "max_completion_tokens");
  if (max_tokens.ok() && !*max_tokens) {
    max_tokens = optional_count(body, "max_tokens");
  }
  if (!max_tokens.ok()) {
    return max_tokens.status();
  }
  request.max_tokens = *max_tokens;
  return request;
}

Result<CompletionRequest> parse_completion_request(const json& body) {
  CompletionRequest request;
  auto model = required_model(body);
  if (!model.ok()) {
    return model.status();
  }
  request.model = *model;
  auto prompts = string_or_strings(body, "prompt");
  if (!prompts.ok()) {
    return prompts.status();
  }
  request.prompts = *prompts;
  auto stream = optional_bool(body, "stream");
  if (!stream.ok()) {
    return stream.status();
  }
  request.stream = *stream;
  auto usage = include_usage(body);
  if (!usage.ok()) {
    return usage.status();
  }
  request.include_usage = *usage;
  auto max_tokens = optional_count(body, "max_tokens");
  if (!max_tokens.ok()) {
    return max_tokens.status();
  }
  request.max_tokens = *max_tokens;
  return request;
}

Result<EmbeddingRequest> parse_embedding_request(const json& body) {
  EmbeddingRequest request;
  auto model = required_model(body);
  if (!model.ok()) {
    return model.status();
  }
  request.model = *model;
  auto inputs = string_or_strings(body, "input");
  if (!inputs.ok()) {
    return inputs.status();
  }
  request.inputs = *inputs;
  auto format = body.find("encoding_format");
  if (format != body.end() && !format->is_null()) {
    if (*format != "float" && *format != "base64") {
      return bad_request("'encoding_format' must be \"float\" or \"base64\"");
    }
    request.base64 = *format == "base64";
  }
  return request;
}

Result<GenerateRequest> parse_generate_request(const json& body) {
  GenerateRequest request;
  auto text = body.find("text");
  if (text == body.end() || !text->is_string()) {
    return bad_request("'text' is required and must be a string");
  }
  request.text = text->get<std::string>();
  auto stream = optional_bool(body, "stream");
  if (!stream.ok()) {
    return stream.status();
  }
  request.stream = *stream;
  auto params = body.find("sampling_params");
  if (params != body.end() && !params->is_null()) {
    if (!params->is_object()) {
      return bad_request("'sampling_params' must be an object");
    }
    auto max_new = optional_count(*params, "max_new_tokens");
    if (!max_new.ok()) {
      return max_new.status();
    }
    request.max_new_tokens = *max_new;
  }
  return request;
}

Reply make_reply(const std::string& text, std::optional<std::size_t> max_tokens,
                 std::optional<std::size_t> exact_words) {
  Reply reply;
  reply.words = echo_words(text, std::nullopt, exact_words);
  reply.finish_reason = "stop";
  if (max_tokens && reply.words.size() > *max_tokens) {
    reply.words.resize(*max_tokens);
    reply.finish_reason = "length";
  }
  return reply;
}

}  // namespace smg::devworker
