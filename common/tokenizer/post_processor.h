// Post-processors for one sequence with add_special_tokens: TemplateProcessing, Bert, Roberta,
// ByteLevel (ids unchanged) and Sequence. They add the special ids around the encoded text.
// Thread-safety: immutable after construction.
//
//   auto p = smg::tokenizer::make_post_processor(tokenizer_json["post_processor"]);
//   std::vector<uint32_t> ids = (*p)->process({9906});  // e.g. {1, 9906} with a <s> template
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::tokenizer {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual std::vector<uint32_t> process(std::vector<uint32_t> ids) const = 0;
};

// From a tokenizer.json "post_processor" object (not null). Fails with
// "tokenizer_bad_post_processor".
Result<std::unique_ptr<PostProcessor>> make_post_processor(const nlohmann::json& config);

}  // namespace smg::tokenizer
