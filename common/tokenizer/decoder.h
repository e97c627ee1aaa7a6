// Decoders as Hugging Face's `tokenizers` defines them: ByteLevel, Metaspace, WordPiece,
// BPEDecoder, CTC, ByteFallback, Fuse, Strip, Replace and Sequence. Each rewrites the list of
// token strings; the decoded text is the final list joined.
// Thread-safety: immutable after construction.
//
//   auto d = smg::tokenizer::make_decoder(nlohmann::json::parse(R"({"type":"ByteLevel"})"));
//   std::vector<std::string> tokens{"Hello", "Ġworld"};
//   smg::Status st = (*d)->decode_chain(tokens);  // {"Hello world"}
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::tokenizer {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual Status decode_chain(std::vector<std::string>& tokens) const = 0;
};

// From a tokenizer.json "decoder" object (not null). Fails with "tokenizer_bad_decoder".
Result<std::unique_ptr<Decoder>> make_decoder(const nlohmann::json& config);

}  // namespace smg::tokenizer
