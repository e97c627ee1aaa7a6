#include "common/tokenizer/post_processor.h"

#include <string>

namespace smg::tokenizer {
namespace {

using nlohmann::json;

// A template as a list of parts: either the sequence (empty `ids`) or fixed special ids.
class TemplateProcessor : public PostProcessor {
 public:
  struct Part {
    bool is_sequence = false;
    std::vector<uint32_t> ids;
  };
  explicit TemplateProcessor(std::vector<Part> parts) : parts_(std::move(parts)) {}
  std::vector<uint32_t> process(std::vector<uint32_t> ids) const override {
    std::vector<uint32_t> out;
    out.reserve(ids.size() + 4);
    for (const Part& part : parts_) {
      if (part.is_sequence) {
        out.insert(out.end(), ids.begin(), ids.end());
      } else {
        out.insert(out.end(), part.ids.begin(), part.ids.end());
      }
    }
    return out;
  }

 private:
  std::vector<Part> parts_;
};

class IdentityProcessor : public PostProcessor {
 public:
  std::vector<uint32_t> process(std::vector<uint32_t> ids) const override { return ids; }
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> steps)
      : steps_(std::move(steps)) {}
  std::vector<uint32_t> process(std::vector<uint32_t> ids) const override {
    for (const auto& step : steps_) ids = step->process(std::move(ids));
    return ids;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_post_processor", "post_processor: " + message);
}

using Made = Result<std::unique_ptr<PostProcessor>>;

Made make_template(const json& config) {
  const json& single = config.at("single");
  const json& specials = config.contains("special_tokens") ? config.at("special_tokens") : json::object();
  if (!single.is_array()) return bad("TemplateProcessing.single is not a list");
  std::vector<TemplateProcessor::Part> parts;
  for (const json& piece : single) {
    TemplateProcessor::Part part;
    if (piece.contains("Sequence")) {
      part.is_sequence = true;
    } else if (piece.contains("SpecialToken")) {
      std::string name = piece.at("SpecialToken").at("id").get<std::string>();
      if (!specials.contains(name)) return bad("template names a missing special token '" + name + "'");
      part.ids = specials.at(name).at("ids").get<std::vector<uint32_t>>();
    } else {
      return bad("a template piece is neither Sequence nor SpecialToken");
    }
    parts.push_back(std::move(part));
  }
  return Made(std::unique_ptr<PostProcessor>(new TemplateProcessor(std::move(parts))));
}

Made make_cls_sep(const json& config) {
  TemplateProcessor::Part cls;
  cls.ids = {config.at("cls").at(1).get<uint32_t>()};
  TemplateProcessor::Part sequence;
  sequence.is_sequence = true;
  TemplateProcessor::Part sep;
  sep.ids = {config.at("sep").at(1).get<uint32_t>()};
  return Made(std::unique_ptr<PostProcessor>(new TemplateProcessor({cls, sequence, sep})));
}

}  // namespace

Result<std::unique_ptr<PostProcessor>> make_post_processor(const json& config) {
  if (!config.is_object() || !config.contains("type")) return bad("not an object with a type");
  std::string type = config.at("type").get<std::string>();
  if (type == "TemplateProcessing") return make_template(config);
  if (type == "BertProcessing" || type == "RobertaProcessing") return make_cls_sep(config);
  if (type == "ByteLevel") return Made(std::unique_ptr<PostProcessor>(new IdentityProcessor()));
  if (type == "Sequence") {
    const json& list = config.at("processors");
    if (!list.is_array()) return bad("Sequence.processors is not a list");
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (const json& item : list) {
      auto step = make_post_processor(item);
      if (!step.ok()) return step.status();
      steps.push_back(std::move(*step));
    }
    return Made(std::unique_ptr<PostProcessor>(new SequenceProcessor(std::move(steps))));
  }
  return bad("unknown type '" + type + "'");
}

}  // namespace smg::tokenizer
