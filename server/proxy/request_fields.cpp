#include "server/proxy/request_fields.h"

#include <nlohmann/json.hpp>

namespace smg::proxy {
namespace {

using json = nlohmann::json;

void append_text(std::string& out, const json& value) {
  if (value.is_string()) {
    out += value.get_ref<const std::string&>();
  } else if (value.is_array()) {
    for (const auto& part : value) {
      if (part.is_string()) out += part.get_ref<const std::string&>();
      else if (part.is_object() && part.contains("text")) append_text(out, part["text"]);
    }
  }
}

std::optional<RequestFields> from_document(std::string_view body) {
  json document = json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  RequestFields fields;
  if (auto model = document.find("model"); model != document.end() && model->is_string()) {
    fields.model = model->get<std::string>();
  }
  if (auto stream = document.find("stream"); stream != document.end() && stream->is_boolean()) {
    fields.stream = stream->get<bool>();
  }
  if (auto messages = document.find("messages"); messages != document.end() && messages->is_array()) {
    for (const auto& message : *messages) {
      if (message.is_object() && message.contains("content")) append_text(fields.text, message["content"]);
    }
  }
  for (const char* field : {"max_tokens", "max_completion_tokens"}) {  // the newer name wins
    if (auto value = document.find(field); value != document.end() && value->is_number_unsigned()) {
      fields.max_tokens = value->get<uint64_t>();
    }
  }
  for (const char* field : {"prompt", "text", "input"}) {
    if (auto value = document.find(field); value != document.end()) append_text(fields.text, *value);
  }
  return fields;
}

// Follows the parse to depth 1 (the top-level object's members) and keeps `model` and `stream`.
class TopLevelFields {
 public:
  bool null() { return value(); }
  bool boolean(bool b) {
    if (depth_ == 1 && key_ == Key::kStream) stream_ = b;
    return value(Key::kStream);
  }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t n) {
    if (depth_ == 1 && key_ == Key::kMaxTokens) max_tokens_ = n;
    if (depth_ == 1 && key_ == Key::kMaxCompletionTokens) max_completion_tokens_ = n;
    return value(key_ == Key::kMaxTokens || key_ == Key::kMaxCompletionTokens ? key_ : Key::kNone);
  }
  bool number_float(json::number_float_t, const json::string_t&) { return value(); }
  bool string(json::string_t& s) {
    if (depth_ == 1 && key_ == Key::kModel) model_ = std::move(s);
    return value(Key::kModel);
  }
  bool binary(json::binary_t&) { return value(); }
  bool start_object(std::size_t) {
    if (depth_ == 0) object_ = true;
    value();
    ++depth_;
    return true;
  }
  bool key(json::string_t& name) {
    if (depth_ == 1) {
      key_ = name == "model"                                            ? Key::kModel
             : name == "stream"                                         ? Key::kStream
             : name == "max_tokens"                                     ? Key::kMaxTokens
             : name == "max_completion_tokens"                          ? Key::kMaxCompletionTokens
                                                                        : Key::kOther;
    }
    return true;
  }
  bool end_object() { return --depth_, true; }
  bool start_array(std::size_t) {
    value();
    ++depth_;
    return true;
  }
  bool end_array() { return --depth_, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  std::optional<RequestFields> fields() const {
    if (!object_) return std::nullopt;
    return RequestFields{model_.value_or(""), stream_.value_or(false), "",
                         max_completion_tokens_ ? max_completion_tokens_ : max_tokens_};
  }

 private:
  enum class Key { kNone, kModel, kStream, kMaxTokens, kMaxCompletionTokens, kOther };

  // A top-level member's value of the wrong type clears the field it names (the last value
  // counts); `kept` is the key whose value was just stored.
  bool value(Key kept = Key::kNone) {
    if (depth_ == 1) {
      if (key_ == Key::kModel && kept != Key::kModel) model_.reset();
      if (key_ == Key::kStream && kept != Key::kStream) stream_.reset();
      if (key_ == Key::kMaxTokens && kept != Key::kMaxTokens) max_tokens_.reset();
      if (key_ == Key::kMaxCompletionTokens && kept != Key::kMaxCompletionTokens) {
        max_completion_tokens_.reset();
      }
      key_ = Key::kNone;
    }
    return true;
  }

  int depth_ = 0;
  bool object_ = false;
  Key key_ = Key::kNone;
  std::optional<std::string> model_;
  std::optional<bool> stream_;
  std::optional<uint64_t> max_tokens_;
  std::optional<uint64_t> max_completion_tokens_;
};

}  // namespace

std::optional<RequestFields> read_request_fields(std::string_view body, bool want_text) {
  if (want_text) return from_document(body);
  TopLevelFields sax;
  if (!json::sax_parse(body, &sax)) return std::nullopt;
  return sax.fields();
}

}  // namespace smg::proxy
