// The tool-call parser names of SMG's crates/tool_parser/src/factory.rs and their formats, and
// the OpenAI `tools` array they read schemas from.
#include <functional>
#include <map>

#include "common/parsers/internal/json_formats.h"
#include "common/parsers/internal/xml_formats.h"
#include "common/parsers/internal/special_formats.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::parsers {
namespace {

using Factory = std::function<std::shared_ptr<const ToolCallFormat>()>;

const std::map<std::string, Factory, std::less<>>& factories() {
  using namespace internal;
  static const auto* table = new std::map<std::string, Factory, std::less<>>{
      {"passthrough", make_passthrough_format},
      {"json", make_json_format},
      {"mistral", make_mistral_format},
      {"qwen", make_qwen_format},
      {"qwen_xml", make_qwen_xml_format},
      {"qwen_coder", make_qwen_xml_format},
      {"nemotron", make_qwen_xml_format},
      {"pythonic", make_pythonic_format},
      {"llama", make_llama_format},
      {"deepseek", [] { return make_deepseek_format(false); }},
      {"deepseek31", [] { return make_deepseek_format(true); }},
      {"deepseek32", [] { return make_dsml_format("function_calls"); }},
      {"deepseek_v4", [] { return make_dsml_format("tool_calls"); }},
      {"glm45_moe", [] { return make_glm_format(false); }},
      {"glm47_moe", [] { return make_glm_format(true); }},
      {"step3", make_step3_format},
      {"sarashina", make_sarashina_format},
      {"kimik2", make_kimik2_format},
      {"kimi_k3", make_kimi_k3_format},
      {"inkling", make_inkling_format},
      {"minimax_m2", make_minimax_m2_format},
      {"cohere", make_cohere_format},
  };
  return *table;
}

}  // namespace

const std::vector<std::string>& tool_call_format_names() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>();
    for (const auto& entry : factories()) list->push_back(entry.first);
    return list;
  }();
  return *names;
}

std::shared_ptr<const ToolCallFormat> make_tool_call_format(std::string_view name) {
  auto found = factories().find(name);
  if (found == factories().end()) return nullptr;
  return found->second();
}

Result<ToolSpecs> tool_specs_from_json(const nlohmann::json& tools) {
  auto invalid = [](const std::string& why) {
    return invalid_argument("invalid_tools", "tools: " + why);
  };
  if (!tools.is_array()) return invalid("expected an array");
  ToolSpecs specs;
  for (const auto& tool : tools) {
    if (!tool.is_object()) return invalid("each tool must be an object");
    auto function = tool.find("function");
    if (function == tool.end() || !function->is_object()) {
      return invalid("each tool needs a \"function\" object");
    }
    auto name = function->find("name");
    if (name == function->end() || !name->is_string()) {
      return invalid("each function needs a string \"name\"");
    }
    ToolSpec spec{name->get<std::string>(), nlohmann::ordered_json::object()};
    if (auto parameters = function->find("parameters"); parameters != function->end()) {
      spec.parameters = nlohmann::ordered_json::parse(parameters->dump());
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace smg::parsers
