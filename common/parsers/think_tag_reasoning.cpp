// The think-tag reasoning formats (SMG's BaseReasoningParser and the parsers configured from
// it): every start token is removed; the text before the first end token is reasoning, the rest
// normal. Without a start token (and not always in reasoning) everything is normal; with no end
// token everything is reasoning (a truncated thought).
#include "common/parsers/internal/reasoning_formats.h"

#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {
namespace {

class ThinkTagFormat : public ReasoningFormat {
 public:
  explicit ThinkTagFormat(ThinkTags tags) : tags_(std::move(tags)) {}

  ReasoningResult settled(std::string_view prefix) const override {
    if (!tags_.always_in_reasoning && prefix.find(tags_.start) == kNpos) {
      return {};  // a later start token would turn all of this into reasoning
    }
    // A start token cut by the prefix's end is not removed yet; an end token may still form
    // across that cut once it is.
    std::size_t cut = prefix.size() - partial_suffix(prefix, tags_.start);
    std::string processed = replace_all(prefix.substr(0, cut), tags_.start, "");
    std::size_t end = processed.find(tags_.end);
    if (end == kNpos) {
      processed.resize(processed.size() - partial_suffix(processed, tags_.end));
      return {"", std::move(processed)};
    }
    return {processed.substr(end + tags_.end.size()), processed.substr(0, end)};
  }

 protected:
  ReasoningResult split(std::string_view text) const override {
    bool in_reasoning = tags_.always_in_reasoning || text.find(tags_.start) != kNpos;
    if (!in_reasoning) return {std::string(text), ""};
    std::string processed = replace_all(text, tags_.start, "");
    std::size_t end = processed.find(tags_.end);
    if (end == kNpos) return {"", std::move(processed)};
    return {processed.substr(end + tags_.end.size()), processed.substr(0, end)};
  }

 private:
  ThinkTags tags_;
};

class PassthroughReasoning : public ReasoningFormat {
 public:
  ReasoningResult settled(std::string_view prefix) const override {
    return {std::string(prefix), ""};
  }

 protected:
  ReasoningResult split(std::string_view text) const override { return {std::string(text), ""}; }
};

}  // namespace

std::shared_ptr<const ReasoningFormat> make_think_tag_format(ThinkTags tags) {
  return std::make_shared<ThinkTagFormat>(std::move(tags));
}

std::shared_ptr<const ReasoningFormat> make_passthrough_reasoning() {
  return std::make_shared<PassthroughReasoning>();
}

}  // namespace smg::parsers::internal
