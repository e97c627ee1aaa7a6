// The shape most of SMG's tool-call formats share: a section marker decides whether the output
// holds calls at all and where the normal text ends; blocks "<open>...<close>" found left to
// right each give zero or more calls; with no call at all the whole output is normal text.
// Complete blocks never change as more text arrives, so they settle as soon as they close.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/parsers/internal/text_scan.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::internal {

struct BlockFormatSpec {
  std::string section_marker{};
  std::string open{};
  std::string close{};
  // `block` is the whole match, open and close markers included; `inner` what lies between.
  std::function<std::vector<ToolCall>(std::string_view block, std::string_view inner,
                                      const ToolSpecs& tools)>
      parse_block{};
  // Where the next block starts, from `from` on; default: "<open>" up to the first "<close>".
  std::function<std::optional<Block>(std::string_view text, std::size_t from)> find_next{};
  bool normal_until_first_call = false;  // minimax_m2: text before the first block with calls
  bool trim_normal_end = false;          // DSML trims the normal text's end
  bool all_text_without_calls = true;    // DSML keeps the cut text even without calls
};

class BlockFormat : public ToolCallFormat {
 public:
  explicit BlockFormat(BlockFormatSpec spec) : spec_(std::move(spec)) {}
  ToolCallResult parse(std::string_view text, const ToolSpecs& tools) const override;
  ToolCallResult settled(std::string_view prefix, const ToolSpecs& tools) const override;

 private:
  // Calls of the complete blocks of `text`; `first_call_at` the start of the first block that
  // gave one (kNpos when none did).
  std::vector<ToolCall> complete_calls(std::string_view text, const ToolSpecs& tools,
                                       std::size_t* first_call_at) const;
  BlockFormatSpec spec_;
};

}  // namespace smg::parsers::internal
