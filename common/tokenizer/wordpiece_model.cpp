// WordPiece (BERT): greedy longest-match-first over the word, later pieces looked up with the
// continuing-subword prefix; a word with any unmatched rest, or longer than
// max_input_chars_per_word characters, becomes the single unknown token.
#include "common/tokenizer/model.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

class WordPieceModel : public Model {
 public:
  WordPieceModel(Vocab vocab, WordPieceOptions options)
      : vocab_(std::move(vocab)), options_(std::move(options)) {}

  Status tokenize(std::string_view word, std::vector<uint32_t>& ids) const override {
    auto unk = vocab_.find(options_.unk_token);
    if (count_chars(word) > options_.max_input_chars_per_word) {
      if (!unk) return missing_unk();
      ids.push_back(*unk);
      return Status();
    }
    std::vector<uint32_t> pieces;
    std::string candidate;
    std::size_t start = 0;
    while (start < word.size()) {
      std::size_t end = word.size();
      std::optional<uint32_t> found;
      while (start < end) {
        candidate.clear();
        if (start > 0) candidate += options_.continuing_subword_prefix;
        candidate += word.substr(start, end - start);
        found = vocab_.find(candidate);
        if (found) break;
        do {
          --end;
        } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
      }
      if (!found) {
        if (!unk) return missing_unk();
        ids.push_back(*unk);
        return Status();
      }
      pieces.push_back(*found);
      start = end;
    }
    ids.insert(ids.end(), pieces.begin(), pieces.end());
    return Status();
  }
  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.find(token);
  }
  std::optional<std::string_view> id_to_token(uint32_t id) const override {
    return vocab_.token(id);
  }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  Vocab vocab_;
  WordPieceOptions options_;
};

class WordLevelModel : public Model {
 public:
  WordLevelModel(Vocab vocab, std::string unk_token)
      : vocab_(std::move(vocab)), unk_token_(std::move(unk_token)) {}
  Status tokenize(std::string_view word, std::vector<uint32_t>& ids) const override {
    auto id = vocab_.find(word);
    if (!id) id = vocab_.find(unk_token_);
    if (!id) return missing_unk();
    ids.push_back(*id);
    return Status();
  }
  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.find(token);
  }
  std::optional<std::string_view> id_to_token(uint32_t id) const override {
    return vocab_.token(id);
  }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  Vocab vocab_;
  std::string unk_token_;
};

}  // namespace

std::unique_ptr<Model> make_wordpiece(Vocab vocab, WordPieceOptions options) {
  return std::make_unique<WordPieceModel>(std::move(vocab), std::move(options));
}

std::unique_ptr<Model> make_wordlevel(Vocab vocab, std::string unk_token) {
  return std::make_unique<WordLevelModel>(std::move(vocab), std::move(unk_token));
}

}  // namespace smg::tokenizer
