// AddedVocabulary: the tokenizer.json "added_tokens" (special or not), found in the input before
// the model sees it, as Hugging Face's `tokenizers` does: tokens with normalized=false are cut
// out of the raw text, the rest of the text is normalised, then tokens with normalized=true are
// cut out of the normalised pieces. Matching is leftmost-longest; single_word, lstrip and rstrip
// behave as the library's (word characters and whitespace in the regex crate's Unicode sense).
// Ids follow the library's rule: the model's id for a token it knows, else the next free id
// counted from the model's vocabulary size.
// Thread-safety: immutable after build().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "common/tokenizer/model.h"
#include "common/tokenizer/normalizer.h"
#include "common/tokenizer/split.h"

namespace smg::tokenizer {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

class AddedVocabulary {
 public:
  // REQUIRES: `model` outlives nothing here (ids are copied). `normalizer` may be null.
  Status build(const std::vector<AddedToken>& tokens, const Model& model,
               const Normalizer* normalizer);

  // Step 1: cut tokens with normalized=false out of the raw pieces.
  void split_raw(Splits& splits) const { split_with(splits, raw_); }
  // Step 2 (after normalising the pieces left): cut the normalized=true tokens.
  void split_normalized(Splits& splits) const { split_with(splits, normalized_); }

  std::optional<std::string_view> id_to_token(uint32_t id) const;
  std::optional<uint32_t> token_to_id(std::string_view content) const;
  bool is_special(std::string_view content) const;
  std::size_t size() const { return by_id_.size(); }

 private:
  // A byte trie over token contents for leftmost-longest matching.
  struct Matcher {
    std::vector<int64_t> terminal;  // index into `tokens` ending at each node, or -1
    std::unordered_map<uint64_t, uint32_t> edges;
    std::vector<uint32_t> ids;
    std::vector<AddedToken> tokens;
    bool first_byte[256] = {};
    void add(const std::string& pattern, uint32_t id, const AddedToken& token);
    // Longest pattern starting at `at`: (pattern index, end) or nullopt.
    std::optional<std::pair<std::size_t, std::size_t>> longest_at(std::string_view text,
                                                                  std::size_t at) const;
  };
  void split_with(Splits& splits, const Matcher& matcher) const;
  void find_matches(const Split& split, const Matcher& matcher, Splits& out) const;

  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_content_;
  std::unordered_map<uint32_t, AddedToken> by_id_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> special_;
  std::vector<AddedToken> special_tokens_;
  std::vector<AddedToken> plain_tokens_;
  Matcher raw_;
  Matcher normalized_;
};

}  // namespace smg::tokenizer
