#include "common/tokenizer/tokenizer.h"

#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {

Result<std::shared_ptr<const Tokenizer>> Tokenizer::from_parts(TokenizerParts parts) {
  if (!parts.model) return invalid_argument("tokenizer_bad_model", "tokenizer has no model");
  std::shared_ptr<Tokenizer> tokenizer(new Tokenizer());
  tokenizer->parts_ = std::move(parts);
  Status status = tokenizer->added_.build(tokenizer->parts_.added_tokens, *tokenizer->parts_.model,
                                          tokenizer->parts_.normalizer.get());
  if (!status.ok()) return status;
  return std::shared_ptr<const Tokenizer>(std::move(tokenizer));
}

Result<std::vector<uint32_t>> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  if (!is_valid_utf8(text)) {
    return invalid_argument("tokenizer_invalid_utf8", "the text is not valid UTF-8");
  }
  Splits splits{{std::string(text), true, std::nullopt}};
  added_.split_raw(splits);
  if (parts_.normalizer) {
    for (Split& split : splits) {
      if (split.token_id) continue;
      Status status = parts_.normalizer->normalize(split.text);
      if (!status.ok()) return status;
    }
  }
  added_.split_normalized(splits);
  if (parts_.pre_tokenizer) {
    Status status = parts_.pre_tokenizer->pre_tokenize(splits);
    if (!status.ok()) return status;
  }
  std::vector<uint32_t> ids;
  ids.reserve(text.size() / 3 + 1);
  for (const Split& split : splits) {
    if (split.token_id) {
      ids.push_back(*split.token_id);
      continue;
    }
    if (split.text.empty()) continue;
    Status status = parts_.model->tokenize(split.text, ids);
    if (!status.ok()) return status;
  }
  if (add_special_tokens && parts_.post_processor) ids = parts_.post_processor->process(std::move(ids));
  return ids;
}

Result<std::string> Tokenizer::decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (uint32_t id : ids) {
    std::optional<std::string_view> token = added_.id_to_token(id);
    if (!token) token = parts_.model->id_to_token(id);
    if (!token || (skip_special_tokens && added_.is_special(*token))) continue;
    tokens.emplace_back(*token);
  }
  if (!parts_.decoder) {
    std::string joined;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) joined.push_back(' ');
      joined += tokens[i];
    }
    return joined;
  }
  Status status = parts_.decoder->decode_chain(tokens);
  if (!status.ok()) return status;
  std::string joined;
  for (const std::string& token : tokens) joined += token;
  return joined;
}

std::optional<uint32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (auto id = added_.token_to_id(token)) return id;
  return parts_.model->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(uint32_t id) const {
  if (auto token = added_.id_to_token(id)) return std::string(*token);
  if (auto token = parts_.model->id_to_token(id)) return std::string(*token);
  return std::nullopt;
}

}  // namespace smg::tokenizer
