#include "server/tokenizers/tokenizer_routes.h"

#include <nlohmann/json.hpp>

#include "common/tokenizer/unicode.h"

namespace smg::server::tokenizers {
namespace {

using nlohmann::json;

constexpr std::string_view kCollection = "/v1/tokenizers";

Response method_not_allowed(const std::string& allow) {
  Response response = text_response(405, "Method Not Allowed");
  response.set_header("Allow", allow);
  return response;
}

// axum's Json extractor: unparsable JSON is 400, a missing or mistyped field 422 (plain text).
std::optional<Response> parse_body(const Request& request, json& body) {
  body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return text_response(400, "Failed to parse the request body as JSON");
  }
  if (!body.is_object()) {
    return text_response(422, "Failed to deserialize the JSON body into the target type: expected a map");
  }
  return std::nullopt;
}

Response missing_field(const std::string& field) {
  return text_response(422, "Failed to deserialize the JSON body into the target type: missing or invalid field `" +
                                field + "`");
}

json entry_json(const TokenizerEntry& entry) {
  return {{"id", entry.id}, {"name", entry.name}, {"source", entry.source},
          {"vocab_size", entry.tokenizer->vocab_size()}};
}

Response not_found_error(const std::string& message, const std::string& type) {
  return json_response(404, {{"error", {{"message", message}, {"type", type}}}});
}

// The data-plane lookup: exact name or id; "" and "unknown" mean the first tokenizer by name.
Result<TokenizerEntry> resolve_model(const TokenizerRegistry& registry, const std::string& model) {
  std::vector<TokenizerEntry> all = registry.list();
  if ((model.empty() || model == "unknown") && !all.empty()) return all.front();
  if (auto entry = registry.find_by_name(model)) return *entry;
  if (auto entry = registry.find_by_id(model)) return *entry;
  if (all.empty()) {
    return not_found("tokenizer_not_found", "No tokenizers available. Use POST /v1/tokenizers to add one.");
  }
  std::string names;
  for (const TokenizerEntry& entry : all) names += (names.empty() ? "" : ", ") + entry.name;
  return not_found("tokenizer_not_found", "Tokenizer for model '" + model + "' not found. Available: " + names);
}

Response lookup_error(const Status& status) {
  return json_response(400, {{"error", {{"message", status.message()}, {"type", "tokenizer_not_found"}}}});
}

Response server_error(const std::string& type, const Status& status) {
  return json_response(500, {{"error", {{"message", status.message()}, {"type", type}}}});
}

bool is_id_list(const json& value) {
  if (!value.is_array()) return false;
  for (const json& id : value) {
    if (!id.is_number_unsigned() || id.get<uint64_t>() > UINT32_MAX) return false;
  }
  return true;
}

}  // namespace

bool TokenizerRoutes::owns(std::string_view path) {
  return path == kCollection || path.substr(0, kCollection.size() + 1) == "/v1/tokenizers/" ||
         is_data_plane(path);
}

bool TokenizerRoutes::is_data_plane(std::string_view path) {
  return path == "/v1/tokenize" || path == "/v1/detokenize";
}

Response TokenizerRoutes::handle(const Request& request) const {
  const std::string& path = request.path;
  if (is_data_plane(path)) {
    if (request.method != "POST") return method_not_allowed("POST");
    return path == "/v1/tokenize" ? tokenize(request) : detokenize(request);
  }
  if (path == kCollection) {
    if (request.method == "POST") return add(request);
    if (request.method == "GET") return list();
    return method_not_allowed("GET, POST");
  }
  std::string rest = path.substr(kCollection.size() + 1);
  static const std::string kStatusSuffix = "/status";
  if (rest.size() > kStatusSuffix.size() &&
      rest.compare(rest.size() - kStatusSuffix.size(), kStatusSuffix.size(), kStatusSuffix) == 0) {
    if (request.method != "GET") return method_not_allowed("GET");
    return status(rest.substr(0, rest.size() - kStatusSuffix.size()));
  }
  if (rest.empty() || rest.find('/') != std::string::npos) return text_response(404, "");
  if (request.method == "GET") return get(rest);
  if (request.method == "DELETE") return remove(rest);
  return method_not_allowed("GET, DELETE");
}

Response TokenizerRoutes::add(const Request& request) const {
  json body;
  if (auto refused = parse_body(request, body)) return *refused;
  for (const char* field : {"name", "source"}) {
    if (!body.contains(field) || !body[field].is_string()) return missing_field(field);
  }
  if (body.contains("chat_template_path") && !body["chat_template_path"].is_null() &&
      !body["chat_template_path"].is_string()) {
    return missing_field("chat_template_path");
  }
  std::string name = body["name"].get<std::string>();
  std::string source = body["source"].get<std::string>();
  Result<std::string> id = registry_.submit(name, source);
  if (id.ok()) {
    return json_response(202, {{"id", *id}, {"status", "pending"},
                               {"message", "Tokenizer '" + name + "' registration job submitted. Loading from: " + source}});
  }
  if (id.status().code() == Code::kAlreadyExists) {
    return json_response(409, {{"id", id.status().message()}, {"status", "failed"},
                               {"message", "Tokenizer '" + name + "' already exists"}});
  }
  return json_response(503, {{"id", ""}, {"status", "failed"}, {"message", id.status().message()}});
}

Response TokenizerRoutes::list() const {
  json tokenizers = json::array();
  for (const TokenizerEntry& entry : registry_.list()) tokenizers.push_back(entry_json(entry));
  return json_response(200, {{"tokenizers", tokenizers}});
}

Response TokenizerRoutes::get(const std::string& id_or_name) const {
  auto entry = registry_.find_by_id(id_or_name);
  if (!entry) entry = registry_.find_by_name(id_or_name);
  if (!entry) return not_found_error("Tokenizer '" + id_or_name + "' not found", "tokenizer_not_found");
  return json_response(200, entry_json(*entry));
}

Response TokenizerRoutes::status(const std::string& id) const {
  auto entry = registry_.find_by_id(id);
  if (!entry) entry = registry_.find_by_name(id);
  if (entry) {
    return json_response(200, {{"id", entry->id}, {"status", "completed"},
                               {"message", "Tokenizer '" + entry->name + "' is loaded and ready"},
                               {"vocab_size", entry->tokenizer->vocab_size()}});
  }
  auto job = registry_.job(id);
  if (!job) return not_found_error("Tokenizer '" + id + "' not found and no pending job", "not_found");
  std::string state = job_state_name(job->state);
  std::string message = job->state == JobState::kFailed ? job->message : "Tokenizer job is " + state;
  return json_response(200, {{"id", id}, {"status", state}, {"message", message}});
}

Response TokenizerRoutes::remove(const std::string& id_or_name) const {
  auto removed = registry_.remove(id_or_name);
  if (!removed) {
    return json_response(404, {{"success", false}, {"message", "Tokenizer '" + id_or_name + "' not found"}});
  }
  return json_response(200, {{"success", true}, {"message", "Tokenizer '" + removed->name + "' removed successfully"}});
}

Response TokenizerRoutes::tokenize(const Request& request) const {
  json body;
  if (auto refused = parse_body(request, body)) return *refused;
  if (!body.contains("model") || !body["model"].is_string()) return missing_field("model");
  const json& prompt = body.contains("prompt") ? body["prompt"] : json();
  bool batch = prompt.is_array();
  if (!prompt.is_string() && !batch) return missing_field("prompt");
  for (const json& item : batch ? prompt : json::array()) {
    if (!item.is_string()) return missing_field("prompt");
  }
  auto entry = resolve_model(registry_, body["model"].get<std::string>());
  if (!entry.ok()) return lookup_error(entry.status());
  json tokens = json::array();
  json counts = json::array();
  json char_counts = json::array();
  for (const json& item : batch ? prompt : json::array({prompt})) {
    const std::string& text = item.get_ref<const std::string&>();
    auto ids = entry->tokenizer->encode(text, false);
    if (!ids.ok()) return server_error("tokenization_error", ids.status());
    counts.push_back(ids->size());
    char_counts.push_back(tokenizer::count_chars(text));
    tokens.push_back(std::move(*ids));
  }
  if (batch) return json_response(200, {{"tokens", tokens}, {"count", counts}, {"char_count", char_counts}});
  return json_response(200, {{"tokens", tokens[0]}, {"count", counts[0]}, {"char_count", char_counts[0]}});
}

Response TokenizerRoutes::detokenize(const Request& request) const {
  json body;
  if (auto refused = parse_body(request, body)) return *refused;
  if (!body.contains("model") || !body["model"].is_string()) return missing_field("model");
  const json& tokens = body.contains("tokens") ? body["tokens"] : json();
  bool batch = tokens.is_array() && !tokens.empty() && tokens[0].is_array();
  bool valid = batch ? std::all_of(tokens.begin(), tokens.end(), is_id_list) : is_id_list(tokens);
  if (!valid) return missing_field("tokens");
  bool skip = true;
  if (body.contains("skip_special_tokens")) {
    if (!body["skip_special_tokens"].is_boolean()) return missing_field("skip_special_tokens");
    skip = body["skip_special_tokens"].get<bool>();
  }
  auto entry = resolve_model(registry_, body["model"].get<std::string>());
  if (!entry.ok()) return lookup_error(entry.status());
  json texts = json::array();
  for (const json& ids : batch ? tokens : json::array({tokens})) {
    auto text = entry->tokenizer->decode(ids.get<std::vector<uint32_t>>(), skip);
    if (!text.ok()) return server_error("detokenization_error", text.status());
    texts.push_back(tokenizer::utf8_lossy(*text));  // never invalid UTF-8 into JSON
  }
  return json_response(200, {{"text", batch ? texts : texts[0]}});
}

}  // namespace smg::server::tokenizers
