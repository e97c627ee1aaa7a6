#include "cli/completion/context_names.h"

#include "cli/contexts/context_store.h"

namespace smg::cli::completion {

std::vector<std::string> stored_context_names() {
  auto store = ContextStore::open(ContextStore::default_dir());
  if (!store.ok()) return {};
  std::vector<std::string> names;
  for (const auto& context : store->contexts()) names.push_back(context.name);
  return names;
}

}  // namespace smg::cli::completion
