#include "server/ratelimit/token_estimate.h"

#include "server/proxy/request_fields.h"

namespace smg::ratelimit {

RequestEstimate estimate_request(std::string_view body,
                                 const server::tokenizers::TokenizerRegistry* registry) {
  RequestEstimate out;
  // Bytes / 4 (rounded up): the usual English-text ratio of BPE tokenizers, and an upper bound
  // for the JSON around the prompt.
  double prompt = static_cast<double>((body.size() + 3) / 4);
  auto fields = proxy::read_request_fields(body, false);
  if (!fields) {
    out.tokens = prompt;  // not JSON: the proxy refuses it with 400 anyway
    return out;
  }
  out.model = fields->model;
  if (registry != nullptr && !out.model.empty()) {
    if (auto entry = registry->find_by_name(out.model); entry && entry->tokenizer) {
      if (auto with_text = proxy::read_request_fields(body, true)) {
        auto ids = entry->tokenizer->encode(with_text->text, false);
        if (ids.ok()) {
          prompt = static_cast<double>(ids->size());
          out.counted = true;
        }
      }
    }
  }
  out.tokens = prompt + static_cast<double>(fields->max_tokens.value_or(0));
  return out;
}

}  // namespace smg::ratelimit
