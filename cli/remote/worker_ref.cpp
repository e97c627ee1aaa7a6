#include "cli/remote/worker_ref.h"

#include <cctype>
#include <vector>

namespace smg::cli {
namespace {

std::string without_trailing_slash(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

bool is_full_worker_id(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

Result<std::string> match_worker(const nlohmann::json& workers, const std::string& text) {
  if (!workers.is_array() || text.empty()) {
    return not_found("no_such_worker", "no worker matches \"" + text + "\"");
  }
  bool by_url = text.find("://") != std::string::npos;
  std::vector<std::string> matches;
  for (const auto& worker : workers) {
    std::string id = worker.value("id", std::string());
    if (id.empty()) continue;
    if (id == text) return id;
    if (by_url) {
      if (without_trailing_slash(worker.value("url", std::string())) ==
          without_trailing_slash(text)) {
        matches.push_back(id);
      }
    } else if (id.starts_with(text)) {
      matches.push_back(id);
    }
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    return not_found("no_such_worker", "no worker matches \"" + text +
                                           "\" (an id, a unique id prefix or a URL; see "
                                           "`smgctl workers list`)");
  }
  std::string listed;
  for (std::size_t i = 0; i < matches.size() && i < 5; ++i) listed += (i ? ", " : "") + matches[i];
  return invalid_argument("ambiguous_worker", "\"" + text + "\" matches " +
                                                  std::to_string(matches.size()) + " workers (" +
                                                  listed + "): give more of the id");
}

}  // namespace smg::cli
