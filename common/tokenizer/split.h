// Split: one piece of the input on its way through the pipeline (added tokens → normalizer →
// pre-tokenizer → model), the part of Hugging Face's PreTokenizedString that ids depend on.
// Offsets are not kept: smg returns ids and text, never alignments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smg::tokenizer {

struct Split {
  std::string text;
  // True when the piece begins at the start of the original input (Metaspace's "first" scheme).
  bool at_origin = false;
  // Set when the piece is an added token: it skips normalisation, pre-tokenizing and the model.
  std::optional<uint32_t> token_id;
};

using Splits = std::vector<Split>;

}  // namespace smg::tokenizer
