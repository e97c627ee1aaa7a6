#include "common/tokenizer/model.h"

namespace smg::tokenizer {

void Vocab::add(std::string token, uint32_t id) {
  auto [slot, inserted] = ids_.try_emplace(token, id);
  if (!inserted) slot->second = id;
  tokens_[id] = std::move(token);
}

std::optional<std::string_view> Vocab::token(uint32_t id) const {
  auto found = tokens_.find(id);
  if (found == tokens_.end()) return std::nullopt;
  return std::string_view(found->second);
}

Status missing_unk() {
  return invalid_argument("tokenizer_missing_unk",
                          "the input has a piece the vocabulary lacks and there is no unknown token");
}

}  // namespace smg::tokenizer
