// Tokenizer::from_json: tokenizer.json → TokenizerParts. nlohmann's type errors (a string where
// a number belongs, a missing key) are caught here, at the parse edge, and become one
// "tokenizer_bad_json" reason; nothing throws past this file.
#include "common/tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

namespace smg::tokenizer {
namespace {

using nlohmann::json;

// Deepest bracket nesting outside strings; checked before parsing so that the recursive
// component builders never see a pathological document.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

template <typename T, typename Make>
Status build_optional(const json& document, const char* key, std::unique_ptr<T>& out, Make make) {
  auto found = document.find(key);
  if (found == document.end() || found->is_null()) return Status();
  auto made = make(*found);
  if (!made.ok()) return made.status();
  out = std::move(*made);
  return Status();
}

Result<std::vector<AddedToken>> read_added_tokens(const json& document) {
  std::vector<AddedToken> tokens;
  auto found = document.find("added_tokens");
  if (found == document.end() || found->is_null()) return tokens;
  if (!found->is_array()) return invalid_argument("tokenizer_bad_json", "added_tokens is not a list");
  for (const json& item : *found) {
    AddedToken token;
    token.content = item.at("content").get<std::string>();
    token.special = item.value("special", false);
    token.single_word = item.value("single_word", false);
    token.lstrip = item.value("lstrip", false);
    token.rstrip = item.value("rstrip", false);
    token.normalized = item.value("normalized", !token.special);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

Result<TokenizerParts> read_parts(const json& document) {
  TokenizerParts parts;
  if (!document.contains("model")) return invalid_argument("tokenizer_bad_json", "no model");
  auto model = make_model(document.at("model"));
  if (!model.ok()) return model.status();
  parts.model = std::move(*model);
  Status status = build_optional(document, "normalizer", parts.normalizer, make_normalizer);
  if (status.ok()) status = build_optional(document, "pre_tokenizer", parts.pre_tokenizer, make_pre_tokenizer);
  if (status.ok()) status = build_optional(document, "post_processor", parts.post_processor, make_post_processor);
  if (status.ok()) status = build_optional(document, "decoder", parts.decoder, make_decoder);
  if (!status.ok()) return status;
  auto added = read_added_tokens(document);
  if (!added.ok()) return added.status();
  parts.added_tokens = std::move(*added);
  return parts;
}

}  // namespace

Result<std::shared_ptr<const Tokenizer>> Tokenizer::from_json(std::string_view json_text,
                                                              LoadLimits limits) {
  if (nesting_depth(json_text) > limits.max_json_depth) {
    return invalid_argument("tokenizer_bad_json", "tokenizer.json is nested deeper than " +
                                                      std::to_string(limits.max_json_depth));
  }
  json document = json::parse(json_text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return invalid_argument("tokenizer_bad_json", "tokenizer.json is not a JSON object");
  }
  try {
    auto parts = read_parts(document);
    if (!parts.ok()) return parts.status();
    return from_parts(std::move(*parts));
  } catch (const json::exception& error) {
    return invalid_argument("tokenizer_bad_json", std::string("tokenizer.json: ") + error.what());
  }
}

}  // namespace smg::tokenizer
