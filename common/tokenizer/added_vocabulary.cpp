#include "common/tokenizer/added_vocabulary.h"

#include <algorithm>

#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

bool ends_with_word(std::string_view text) {
  if (text.empty()) return false;
  std::size_t at = text.size() - 1;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  std::size_t length = 0;
  return is_word_char(decode_char(text, at, length));
}

bool starts_with_word(std::string_view text) {
  if (text.empty()) return false;
  std::size_t length = 0;
  return is_word_char(decode_char(text, 0, length));
}

// Start of the whitespace run that ends `text` (text.size() when there is none).
std::size_t trailing_space_start(std::string_view text) {
  std::size_t start = text.size();
  std::size_t at = 0;
  bool in_run = false;
  for_each_char(text, [&](char32_t c, std::size_t offset, std::size_t) {
    if (is_whitespace(c)) {
      if (!in_run) at = offset;
      in_run = true;
    } else {
      in_run = false;
    }
  });
  return in_run ? at : start;
}

std::size_t leading_space_length(std::string_view text) {
  std::size_t end = 0;
  bool done = false;
  for_each_char(text, [&](char32_t c, std::size_t offset, std::size_t length) {
    if (done) return;
    if (!is_whitespace(c)) {
      done = true;
      return;
    }
    end = offset + length;
  });
  return end;
}

}  // namespace

void AddedVocabulary::Matcher::add(const std::string& pattern, uint32_t id, const AddedToken& token) {
  if (pattern.empty()) return;
  if (terminal.empty()) terminal.push_back(-1);
  uint32_t node = 0;
  for (char byte : pattern) {
    uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(byte);
    auto found = edges.find(key);
    if (found == edges.end()) {
      found = edges.emplace(key, static_cast<uint32_t>(terminal.size())).first;
      terminal.push_back(-1);
    }
    node = found->second;
  }
  first_byte[static_cast<unsigned char>(pattern[0])] = true;
  if (terminal[node] >= 0) return;  // a duplicate pattern keeps the first token
  terminal[node] = static_cast<int64_t>(ids.size());
  ids.push_back(id);
  tokens.push_back(token);
}

std::optional<std::pair<std::size_t, std::size_t>> AddedVocabulary::Matcher::longest_at(
    std::string_view text, std::size_t at) const {
  std::optional<std::pair<std::size_t, std::size_t>> best;
  uint32_t node = 0;
  for (std::size_t i = at; i < text.size(); ++i) {
    auto found = edges.find((static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(text[i]));
    if (found == edges.end()) break;
    node = found->second;
    if (terminal[node] >= 0) best = std::make_pair(static_cast<std::size_t>(terminal[node]), i + 1);
  }
  return best;
}

Status AddedVocabulary::build(const std::vector<AddedToken>& tokens, const Model& model,
                              const Normalizer* normalizer) {
  for (const AddedToken& token : tokens) {
    if (token.special && !token.content.empty() && !special_.count(token.content)) {
      special_tokens_.push_back(token);
      special_.insert(token.content);
    }
  }
  uint32_t next_id = static_cast<uint32_t>(model.vocab_size());
  for (const AddedToken& token : tokens) {
    if (token.content.empty()) continue;
    std::optional<uint32_t> id = token_to_id(token.content);
    if (!id) id = model.token_to_id(token.content);
    if (!id) id = next_id++;
    by_content_[token.content] = *id;
    by_id_[*id] = token;
    if (!special_.count(token.content)) plain_tokens_.push_back(token);
  }
  auto add_all = [&](const std::vector<AddedToken>& list) -> Status {
    for (const AddedToken& token : list) {
      uint32_t id = *token_to_id(token.content);
      if (!token.normalized) {
        raw_.add(token.content, id, token);
        continue;
      }
      std::string pattern = token.content;
      if (normalizer != nullptr) {
        Status status = normalizer->normalize(pattern);
        if (!status.ok()) return status;
      }
      normalized_.add(pattern, id, token);
    }
    return Status();
  };
  Status status = add_all(special_tokens_);
  if (status.ok()) status = add_all(plain_tokens_);
  return status;
}

void AddedVocabulary::split_with(Splits& splits, const Matcher& matcher) const {
  if (matcher.ids.empty()) return;
  Splits out;
  out.reserve(splits.size());
  for (Split& split : splits) {
    if (split.token_id) {
      out.push_back(std::move(split));
    } else {
      find_matches(split, matcher, out);
    }
  }
  splits = std::move(out);
}

void AddedVocabulary::find_matches(const Split& split, const Matcher& matcher, Splits& out) const {
  std::string_view text = split.text;
  std::size_t emitted = 0;  // end of what is already in `out`
  auto piece = [&](std::size_t begin, std::size_t end, std::optional<uint32_t> id) {
    out.push_back({std::string(text.substr(begin, end - begin)), split.at_origin && begin == 0, id});
  };
  std::size_t at = 0;
  while (at < text.size()) {
    if (!matcher.first_byte[static_cast<unsigned char>(text[at])]) {
      ++at;
      continue;
    }
    auto match = matcher.longest_at(text, at);
    if (!match) {
      ++at;
      continue;
    }
    std::size_t start = at;
    std::size_t stop = match->second;
    at = stop;
    const AddedToken& token = matcher.tokens[match->first];
    if (token.single_word) {
      bool start_space = start == 0 || !ends_with_word(text.substr(0, start));
      bool stop_space = stop == text.size() || !starts_with_word(text.substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (token.lstrip) start = std::max(trailing_space_start(text.substr(0, start)), emitted);
    if (token.rstrip) stop += leading_space_length(text.substr(stop));
    if (emitted < start) piece(emitted, start, std::nullopt);
    piece(start, stop, matcher.ids[match->first]);
    emitted = stop;
    at = std::max(at, stop);
  }
  if (emitted < text.size()) piece(emitted, text.size(), std::nullopt);
}

std::optional<std::string_view> AddedVocabulary::id_to_token(uint32_t id) const {
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return std::nullopt;
  return std::string_view(found->second.content);
}

std::optional<uint32_t> AddedVocabulary::token_to_id(std::string_view content) const {
  auto found = by_content_.find(content);
  if (found == by_content_.end()) return std::nullopt;
  return found->second;
}

bool AddedVocabulary::is_special(std::string_view content) const {
  return special_.find(content) != special_.end();
}

}  // namespace smg::tokenizer
