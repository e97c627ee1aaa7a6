// tiktoken rank files as byte-level BPE. tiktoken merges, among adjacent parts, the pair whose
// concatenation has the lowest rank (leftmost on ties); the same choice is a BPE whose merges are
// every split (a, b) of every token t with a and b tokens too, ranked by t's rank, and whose
// whole-word lookup comes first (ignore_merges), as tiktoken looks the whole piece up first.
#include <algorithm>

#include "common/crypto/crypto.h"
#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/tokenizer_files.h"

namespace smg::tokenizer {
namespace {

constexpr const char* kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_tiktoken", "tiktoken ranks: " + message);
}

}  // namespace

Result<std::shared_ptr<const Tokenizer>> load_tiktoken(std::string_view ranks, bool o200k) {
  std::vector<std::pair<uint32_t, std::string>> tokens;  // (rank, bytes)
  std::size_t at = 0;
  std::size_t line_number = 0;
  while (at < ranks.size()) {
    std::size_t end = ranks.find('\n', at);
    if (end == std::string_view::npos) end = ranks.size();
    std::string_view line = ranks.substr(at, end - at);
    at = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return bad("line " + std::to_string(line_number) + " has no rank");
    auto bytes = crypto::base64_decode(line.substr(0, space));
    std::string rank_text(line.substr(space + 1));
    if (!bytes.ok() || bytes->empty() || rank_text.empty() ||
        rank_text.find_first_not_of("0123456789") != std::string::npos || rank_text.size() > 9) {
      return bad("line " + std::to_string(line_number) + " is not '<base64> <rank>'");
    }
    tokens.emplace_back(static_cast<uint32_t>(std::stoul(rank_text)), std::move(*bytes));
  }
  if (tokens.empty()) return bad("no ranks");
  std::sort(tokens.begin(), tokens.end());
  Vocab vocab;
  std::unordered_map<std::string, uint32_t> rank_of;
  for (const auto& [rank, bytes] : tokens) {
    vocab.add(bytes_to_chars(bytes), rank);
    rank_of.emplace(bytes, rank);
  }
  std::vector<std::pair<std::string, std::string>> merges;
  for (const auto& [rank, bytes] : tokens) {
    for (std::size_t split = 1; split < bytes.size(); ++split) {
      std::string left = bytes.substr(0, split);
      std::string right = bytes.substr(split);
      if (rank_of.count(left) && rank_of.count(right)) {
        merges.emplace_back(bytes_to_chars(left), bytes_to_chars(right));
      }
    }
  }
  BpeOptions options;
  options.ignore_merges = true;
  auto model = make_bpe(std::move(vocab), merges, options);
  if (!model.ok()) return model.status();
  TokenizerParts parts;
  parts.model = std::move(*model);
  nlohmann::json pre = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", o200k ? kO200kPattern : kCl100kPattern}}},
         {"behavior", "Isolated"}, {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  auto pre_tokenizer = make_pre_tokenizer(pre);
  if (!pre_tokenizer.ok()) return pre_tokenizer.status();
  parts.pre_tokenizer = std::move(*pre_tokenizer);
  auto decoder = make_decoder({{"type", "ByteLevel"}});
  if (!decoder.ok()) return decoder.status();
  parts.decoder = std::move(*decoder);
  return Tokenizer::from_parts(std::move(parts));
}

}  // namespace smg::tokenizer
