// The tokenizer API (SMG's shapes) as pure handlers: Request → Response.
//
// Control plane (admin):
//   POST   /v1/tokenizers              {"name","source","chat_template_path"?} → 202 pending job,
//                                      409 name loaded, 503 queue full, 422 missing field
//   GET    /v1/tokenizers              → {"tokenizers":[{"id","name","source","vocab_size"}]}
//   GET    /v1/tokenizers/{id|name}    → one entry, or 404 tokenizer_not_found
//   GET    /v1/tokenizers/{id}/status  → completed | pending | processing | failed, or 404
//   DELETE /v1/tokenizers/{id|name}    → 200 {"success":true,...} or 404 {"success":false,...}
// Data plane (any data-plane principal; never forwarded to workers):
//   POST   /v1/tokenize    {"model","prompt": s|[s]} → {"tokens","count","char_count"}
//   POST   /v1/detokenize  {"model","tokens": [..]|[[..]],"skip_special_tokens"?} → {"text"}
// Bodies over the payload cap are refused by the listener before these run.
// Thread-safety: handle() may be called from many threads at once (it blocks only on CPU work:
// encoding runs on the calling pool thread).
//
//   smg::server::tokenizers::TokenizerRoutes routes(registry);
//   if (TokenizerRoutes::owns(request.path)) return routes.handle(request);
#pragma once

#include <string>
#include <string_view>

#include "server/http/exchange.h"
#include "server/tokenizers/tokenizer_registry.h"

namespace smg::server::tokenizers {

class TokenizerRoutes {
 public:
  // REQUIRES: `registry` outlives the routes.
  explicit TokenizerRoutes(TokenizerRegistry& registry) : registry_(registry) {}

  // /v1/tokenizers, /v1/tokenizers/..., /v1/tokenize, /v1/detokenize.
  static bool owns(std::string_view path);
  // True for the two data-plane paths (/v1/tokenize, /v1/detokenize).
  static bool is_data_plane(std::string_view path);
  // Dispatches on method and path. REQUIRES: owns(request.path).
  Response handle(const Request& request) const;

  Response add(const Request& request) const;
  Response list() const;
  Response get(const std::string& id_or_name) const;
  Response status(const std::string& id) const;
  Response remove(const std::string& id_or_name) const;
  Response tokenize(const Request& request) const;
  Response detokenize(const Request& request) const;

 private:
  TokenizerRegistry& registry_;
};

}  // namespace smg::server::tokenizers
