#include "cli/output/json_cells.h"

namespace smg::cli {

std::string cell_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  std::string text;
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      text += (text.empty() ? "" : ",") + key + "=" + cell_text(item);
    }
    return text;
  }
  if (value.is_array()) {
    for (const auto& item : value) text += (text.empty() ? "" : ",") + cell_text(item);
    return text;
  }
  return value.dump();
}

std::string cell(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it == object.end() ? "" : cell_text(*it);
}

nlohmann::json array_at(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return nlohmann::json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : nlohmann::json::array();
}

}  // namespace smg::cli
