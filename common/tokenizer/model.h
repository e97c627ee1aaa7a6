// Model: turns one pre-tokenized piece into ids (BPE, WordPiece, WordLevel, Unigram, as Hugging
// Face's `tokenizers` defines them), and maps ids back to token strings for decoding.
// Thread-safety: tokenize() and the lookups may run on many threads at once.
//
//   auto model = smg::tokenizer::make_model(tokenizer_json["model"]);
//   std::vector<uint32_t> ids;
//   smg::Status st = (*model)->tokenize("Ġhello", ids);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::tokenizer {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// token ↔ id, as the model's own vocabulary (added tokens live in AddedVocabulary).
class Vocab {
 public:
  void add(std::string token, uint32_t id);  // a later duplicate token wins, as in a HashMap
  std::optional<uint32_t> find(std::string_view token) const {
    auto found = ids_.find(token);
    if (found == ids_.end()) return std::nullopt;
    return found->second;
  }
  std::optional<std::string_view> token(uint32_t id) const;
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids_;
  std::unordered_map<uint32_t, std::string> tokens_;
};

class Model {
 public:
  virtual ~Model() = default;
  // Appends the ids of `piece` (non-empty, valid UTF-8). Fails when an unknown piece has no
  // unknown token to fall back to ("tokenizer_missing_unk").
  virtual Status tokenize(std::string_view piece, std::vector<uint32_t>& ids) const = 0;
  virtual std::optional<uint32_t> token_to_id(std::string_view token) const = 0;
  virtual std::optional<std::string_view> id_to_token(uint32_t id) const = 0;
  // The vocabulary without added tokens (Hugging Face's get_vocab_size(false)).
  virtual std::size_t vocab_size() const = 0;
};

// From a tokenizer.json "model" object. Fails with "tokenizer_bad_model" naming what is wrong
// (e.g. a merge that refers to a token missing from the vocabulary).
Result<std::unique_ptr<Model>> make_model(const nlohmann::json& config);

// Builders behind make_model, also used for vocab.json + merges.txt directories.
struct BpeOptions {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};
Result<std::unique_ptr<Model>> make_bpe(Vocab vocab,
                                        const std::vector<std::pair<std::string, std::string>>& merges,
                                        BpeOptions options);

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
};
std::unique_ptr<Model> make_wordpiece(Vocab vocab, WordPieceOptions options);
std::unique_ptr<Model> make_wordlevel(Vocab vocab, std::string unk_token);
// `pieces` in id order with their log-probabilities.
Result<std::unique_ptr<Model>> make_unigram(std::vector<std::pair<std::string, double>> pieces,
                                            std::optional<std::size_t> unk_id, bool byte_fallback);

Status missing_unk();

}  // namespace smg::tokenizer
