// Reading table cells out of a gateway's JSON answers: a missing or odd-typed field is an empty
// cell, never an exception, so a newer or older gateway still prints.
//
//   table.add_row({cell(worker, "id"), cell(worker, "load")});
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace smg::cli {

// Strings as they are, null/absent as "", numbers and booleans as JSON writes them, objects as
// k=v,k=v, arrays joined with ",".
std::string cell_text(const nlohmann::json& value);
// cell_text of `object[key]`; "" when `object` is not an object or lacks `key`.
std::string cell(const nlohmann::json& object, const std::string& key);
// `object[key]` when it is an array, else an empty array.
nlohmann::json array_at(const nlohmann::json& object, const std::string& key);

}  // namespace smg::cli
