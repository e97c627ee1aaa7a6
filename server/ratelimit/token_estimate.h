// The tokens a data-plane request reserves against its tenant's tokens-per-minute limit: the
// prompt's length — counted by the gateway's tokenizer registered under the request's model name
// when there is one, else estimated as a quarter of the body's bytes — plus
// `max_completion_tokens` (or `max_tokens`). The worker's reported usage settles the difference
// later.
// Thread-safety: pure apart from the registry's own (thread-safe) lookup.
//
//   RequestEstimate e = estimate_request(request.body, &registry);
//   limiter.admit({&principal, addr, e.model, e.tokens});
#pragma once

#include <string>
#include <string_view>

#include "server/tokenizers/tokenizer_registry.h"

namespace smg::ratelimit {

struct RequestEstimate {
  std::string model;
  double tokens = 0;
  bool counted = false;  // the prompt was counted by a tokenizer, not estimated
};

// `registry` may be null (no counting).
RequestEstimate estimate_request(std::string_view body,
                                 const server::tokenizers::TokenizerRegistry* registry);

}  // namespace smg::ratelimit
