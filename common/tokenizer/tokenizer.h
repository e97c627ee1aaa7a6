// Tokenizer: a loaded Hugging Face tokenizer (tokenizer.json, a vocab.json + merges.txt pair or
// a *.tiktoken rank file) that encodes text to the ids Hugging Face's `tokenizers` gives and
// decodes ids back to its text. Loading builds everything up front and either succeeds whole
// or fails with one reason; a Tokenizer is never half-loaded.
// Thread-safety: immutable once loaded; encode/decode may run on many threads at once.
//
//   auto tok = smg::tokenizer::Tokenizer::from_json(read_file("tokenizer.json"));
//   if (!tok.ok()) return tok.status();              // e.g. reason "tokenizer_bad_model"
//   auto ids = (*tok)->encode("Hello world", /*add_special_tokens=*/false);   // {9906, 1917}
//   auto text = (*tok)->decode(*ids, /*skip_special_tokens=*/true);            // "Hello world"
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/tokenizer/added_vocabulary.h"
#include "common/tokenizer/decoder.h"
#include "common/tokenizer/model.h"
#include "common/tokenizer/normalizer.h"
#include "common/tokenizer/post_processor.h"
#include "common/tokenizer/pre_tokenizer.h"

namespace smg::tokenizer {

struct LoadLimits {
  std::size_t max_json_depth = 64;  // tokenizer.json nesting (Sequence inside Sequence ...)
};

// The pieces a Tokenizer is assembled from; only `model` is required.
struct TokenizerParts {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;
  std::unique_ptr<Decoder> decoder;
  std::vector<AddedToken> added_tokens;
};

class Tokenizer {
 public:
  // Parses tokenizer.json text. Fails with "tokenizer_bad_json" (not JSON, too deep, wrong
  // types) or the reason of the component that is wrong ("tokenizer_bad_model",
  // "tokenizer_bad_regex", ...), its message naming the part.
  static Result<std::shared_ptr<const Tokenizer>> from_json(std::string_view json_text,
                                                            LoadLimits limits = {});
  static Result<std::shared_ptr<const Tokenizer>> from_parts(TokenizerParts parts);

  // Fails with "tokenizer_invalid_utf8", "tokenizer_missing_unk" or "tokenizer_regex_limit".
  Result<std::vector<uint32_t>> encode(std::string_view text, bool add_special_tokens) const;
  // Unknown ids are skipped, as the library does.
  Result<std::string> decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const;

  // Without added tokens: the model's vocabulary (get_vocab_size(false)).
  std::size_t vocab_size() const { return parts_.model->vocab_size(); }
  std::optional<uint32_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(uint32_t id) const;

 private:
  Tokenizer() = default;
  TokenizerParts parts_;
  AddedVocabulary added_;
};

}  // namespace smg::tokenizer
