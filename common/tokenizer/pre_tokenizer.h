// Pre-tokenizers as Hugging Face's `tokenizers` defines them: ByteLevel, Metaspace, Split,
// Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit,
// FixedLength and Sequence. Each cuts the pieces that are not yet added tokens into smaller
// pieces (and ByteLevel/Metaspace also rewrite them); empty pieces are dropped.
// Thread-safety: immutable after construction.
//
//   auto p = smg::tokenizer::make_pre_tokenizer(nlohmann::json::parse(R"({"type":"Whitespace"})"));
//   smg::tokenizer::Splits splits{{"Hi there!", true, std::nullopt}};
//   smg::Status st = (*p)->pre_tokenize(splits);  // "Hi" "there" "!"
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/tokenizer/regex.h"
#include "common/tokenizer/split.h"

namespace smg::tokenizer {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Fails only when a regex gives up on the input.
  virtual Status pre_tokenize(Splits& splits) const = 0;
};

// How matched delimiters are kept (SplitDelimiterBehavior).
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// Cuts `parent` at `matches` (sorted, non-overlapping) and appends the non-empty pieces to `out`.
void split_at_matches(const Split& parent, const std::vector<Span>& matches, bool invert,
                      SplitBehavior behavior, Splits& out);

// From a tokenizer.json "pre_tokenizer" object (not null). Fails with
// "tokenizer_bad_pre_tokenizer" or "tokenizer_bad_regex".
Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const nlohmann::json& config);

}  // namespace smg::tokenizer
