// JSON and YAML renderings of a JSON document, for `-o json` and `-o yaml`. Both are stable for
// scripts: object keys sorted (nlohmann's default), two-space indent, and in YAML every string
// that a YAML reader would take for something else ("123", "true", "null", "") is quoted.
//
//   print_json(std::cout, {{"workers", workers}});
//   print_yaml(std::cout, {{"workers", workers}});
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace smg::cli {

void print_json(std::ostream& out, const nlohmann::json& document);
void print_yaml(std::ostream& out, const nlohmann::json& document);
std::string to_yaml(const nlohmann::json& document);

}  // namespace smg::cli
