#include "cli/output/structured.h"

#include <yaml-cpp/yaml.h>

namespace smg::cli {
namespace {

// A plain scalar that YAML would read back as a number, boolean or null must be quoted to stay a
// string. Asking yaml-cpp itself keeps this in step with how YAML tools read the output.
bool needs_quotes(const std::string& text) {
  if (text.empty()) return true;
  try {
    YAML::Node node = YAML::Load(text);
    if (!node.IsScalar() || node.Scalar() != text) return true;
    static const char* kSpecial[] = {"true",  "false", "yes", "no", "on",  "off", "null", "~",
                                     "True",  "False", "Yes", "No", "On",  "Off", "Null", "TRUE",
                                     "FALSE", "YES",   "NO",  "ON", "OFF", "NULL"};
    for (const char* special : kSpecial) {
      if (text == special) return true;
    }
    double number = 0;
    return YAML::convert<double>::decode(node, number);
  } catch (const YAML::Exception&) {
    return true;
  }
}

void emit(YAML::Emitter& out, const nlohmann::json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (needs_quotes(text)) out << YAML::DoubleQuoted;
    out << text;
  } else if (value.is_null()) {
    out << YAML::Null;
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else {
    out << value.dump();  // numbers exactly as JSON writes them
  }
}

}  // namespace

void print_json(std::ostream& out, const nlohmann::json& document) {
  out << document.dump(2) << "\n";
}

std::string to_yaml(const nlohmann::json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

void print_yaml(std::ostream& out, const nlohmann::json& document) { out << to_yaml(document); }

}  // namespace smg::cli
