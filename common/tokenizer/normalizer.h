// Normalizers as Hugging Face's `tokenizers` defines them: NFC, NFD, NFKC, NFKD, Lowercase,
// Strip, StripAccents, Replace, Prepend, BertNormalizer, ByteLevel, Nmt, Sequence. Precompiled
// (SentencePiece's charsmap) is refused at load with a reason.
// Thread-safety: immutable after construction.
//
//   auto n = smg::tokenizer::make_normalizer(nlohmann::json::parse(R"({"type":"NFC"})"));
//   std::string text = "e\u0301";
//   smg::Status st = (*n)->normalize(text);  // text == "é"
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::tokenizer {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // REQUIRES: valid UTF-8. Fails only when a Replace regex gives up.
  virtual Status normalize(std::string& text) const = 0;
};

// From a tokenizer.json "normalizer" object (not null). Fails with "tokenizer_bad_normalizer".
Result<std::unique_ptr<Normalizer>> make_normalizer(const nlohmann::json& config);

}  // namespace smg::tokenizer
