// make_model: tokenizer.json "model" objects → BPE, WordPiece, WordLevel or Unigram.
#include "common/tokenizer/model.h"

namespace smg::tokenizer {
namespace {

using nlohmann::json;

Status bad(const std::string& message) {
  return invalid_argument("tokenizer_bad_model", "model: " + message);
}

std::string string_or(const json& config, const char* name, const std::string& fallback) {
  auto found = config.find(name);
  if (found == config.end() || found->is_null()) return fallback;
  return found->get<std::string>();
}

bool bool_or(const json& config, const char* name, bool fallback) {
  auto found = config.find(name);
  if (found == config.end() || found->is_null()) return fallback;
  return found->get<bool>();
}

Result<Vocab> read_vocab(const json& config) {
  auto found = config.find("vocab");
  if (found == config.end() || !found->is_object()) return bad("vocab is not an object");
  Vocab vocab;
  for (auto entry = found->begin(); entry != found->end(); ++entry) {
    if (!entry.value().is_number_unsigned() || entry.value().get<uint64_t>() > UINT32_MAX) {
      return bad("vocab id of '" + entry.key() + "' is not a 32-bit unsigned number");
    }
    vocab.add(entry.key(), entry.value().get<uint32_t>());
  }
  return vocab;
}

Result<std::vector<std::pair<std::string, std::string>>> read_merges(const json& config) {
  std::vector<std::pair<std::string, std::string>> merges;
  auto found = config.find("merges");
  if (found == config.end() || found->is_null()) return merges;
  if (!found->is_array()) return bad("merges is not a list");
  merges.reserve(found->size());
  for (const json& merge : *found) {
    if (merge.is_string()) {
      const std::string& line = merge.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      std::size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        return bad("merge '" + line + "' is not two tokens");
      }
      merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      return bad("a merge is neither \"a b\" nor [a, b]");
    }
  }
  return merges;
}

Result<std::unique_ptr<Model>> make_bpe_from_json(const json& config) {
  auto vocab = read_vocab(config);
  if (!vocab.ok()) return vocab.status();
  auto merges = read_merges(config);
  if (!merges.ok()) return merges.status();
  auto dropout = config.find("dropout");
  if (dropout != config.end() && !dropout->is_null() && dropout->get<double>() != 0.0) {
    return bad("BPE dropout is not supported (it makes ids random)");
  }
  BpeOptions options;
  auto unk = config.find("unk_token");
  if (unk != config.end() && !unk->is_null()) options.unk_token = unk->get<std::string>();
  options.continuing_subword_prefix = string_or(config, "continuing_subword_prefix", "");
  options.end_of_word_suffix = string_or(config, "end_of_word_suffix", "");
  options.fuse_unk = bool_or(config, "fuse_unk", false);
  options.byte_fallback = bool_or(config, "byte_fallback", false);
  options.ignore_merges = bool_or(config, "ignore_merges", false);
  return make_bpe(std::move(*vocab), *merges, std::move(options));
}

Result<std::unique_ptr<Model>> make_unigram_from_json(const json& config) {
  auto found = config.find("vocab");
  if (found == config.end() || !found->is_array()) return bad("Unigram vocab is not a list");
  std::vector<std::pair<std::string, double>> pieces;
  pieces.reserve(found->size());
  for (const json& piece : *found) {
    if (!piece.is_array() || piece.size() != 2 || !piece[0].is_string() || !piece[1].is_number()) {
      return bad("a Unigram piece is not [string, score]");
    }
    pieces.emplace_back(piece[0].get<std::string>(), piece[1].get<double>());
  }
  std::optional<std::size_t> unk_id;
  auto unk = config.find("unk_id");
  if (unk != config.end() && !unk->is_null()) unk_id = unk->get<std::size_t>();
  return make_unigram(std::move(pieces), unk_id, bool_or(config, "byte_fallback", false));
}

}  // namespace

Result<std::unique_ptr<Model>> make_model(const json& config) {
  if (!config.is_object()) return bad("not an object");
  std::string type = string_or(config, "type", "");
  if (type.empty() && config.contains("merges")) type = "BPE";
  if (type == "BPE") return make_bpe_from_json(config);
  if (type == "Unigram") return make_unigram_from_json(config);
  if (type == "WordPiece" || type == "WordLevel") {
    auto vocab = read_vocab(config);
    if (!vocab.ok()) return vocab.status();
    if (type == "WordLevel") {
      return make_wordlevel(std::move(*vocab), string_or(config, "unk_token", "<unk>"));
    }
    WordPieceOptions options;
    options.unk_token = string_or(config, "unk_token", "[UNK]");
    options.continuing_subword_prefix = string_or(config, "continuing_subword_prefix", "##");
    options.max_input_chars_per_word =
        config.value("max_input_chars_per_word", std::size_t{100});
    return make_wordpiece(std::move(*vocab), std::move(options));
  }
  return bad("unknown type '" + type + "'");
}

}  // namespace smg::tokenizer
