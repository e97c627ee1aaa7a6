#include "common/tokenizer/tokenizer_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace smg::tokenizer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

Result<std::string> read_capped(const fs::path& path, const FileLimits& limits) {
  std::error_code error;
  auto size = fs::file_size(path, error);
  if (error) return not_found("tokenizer_not_found", "cannot read '" + path.string() + "'");
  if (size > limits.max_file_bytes) {
    return Status(Code::kResourceExhausted, "tokenizer_too_large",
                  "'" + path.string() + "' is " + std::to_string(size) + " bytes, over the " +
                      std::to_string(limits.max_file_bytes) + "-byte cap");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("tokenizer_not_found", "cannot read '" + path.string() + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status unsupported(const std::string& message) {
  return Status(Code::kUnimplemented, "tokenizer_unsupported", message);
}

bool is_tiktoken_name(const fs::path& path) {
  return path.extension() == ".tiktoken" || path.filename() == "tiktoken.model";
}

Result<std::shared_ptr<const Tokenizer>> load_tiktoken_file(const fs::path& path,
                                                            const FileLimits& limits) {
  auto text = read_capped(path, limits);
  if (!text.ok()) return text.status();
  return load_tiktoken(*text, path.filename().string().find("o200k") != std::string::npos);
}

Result<std::shared_ptr<const Tokenizer>> load_json_file(const fs::path& path, const FileLimits& limits) {
  auto text = read_capped(path, limits);
  if (!text.ok()) return text.status();
  return Tokenizer::from_json(*text);
}

Result<std::shared_ptr<const Tokenizer>> load_file(const fs::path& path, const FileLimits& limits) {
  std::string extension = path.extension().string();
  if (extension == ".json") return load_json_file(path, limits);
  if (is_tiktoken_name(path)) return load_tiktoken_file(path, limits);
  if (extension == ".model") return unsupported("SentencePiece models not yet supported");
  if (extension == ".gguf") return unsupported("GGUF format not yet supported");
  std::ifstream in(path, std::ios::binary);
  char head[512] = {};
  in.read(head, sizeof(head));
  std::string_view start(head, static_cast<std::size_t>(in.gcount()));
  std::size_t first = start.find_first_not_of(" \t\r\n");
  if (start.substr(0, 4) == "GGUF") return unsupported("GGUF format not yet supported");
  if (first != std::string_view::npos && (start[first] == '{' || start[first] == '[')) {
    return load_json_file(path, limits);
  }
  return unsupported("'" + path.string() + "' is not a tokenizer file SMG can read (SentencePiece models not yet supported)");
}

std::string tokenizer_class(const fs::path& dir, const FileLimits& limits) {
  auto text = read_capped(dir / "tokenizer_config.json", limits);
  if (!text.ok()) return "";
  json config = json::parse(*text, nullptr, false);
  if (!config.is_object() || !config.contains("tokenizer_class") || !config["tokenizer_class"].is_string()) {
    return "";
  }
  return config["tokenizer_class"].get<std::string>();
}

Result<std::shared_ptr<const Tokenizer>> load_vocab_merges_dir(const fs::path& dir, bool qwen2,
                                                              const FileLimits& limits) {
  auto vocab = read_capped(dir / "vocab.json", limits);
  if (!vocab.ok()) return vocab.status();
  auto merges = read_capped(dir / "merges.txt", limits);
  if (!merges.ok()) return merges.status();
  auto config = read_capped(dir / "tokenizer_config.json", limits);
  return load_vocab_merges(*vocab, *merges, config.ok() ? *config : std::string(), qwen2);
}

Result<std::shared_ptr<const Tokenizer>> load_directory(const fs::path& dir, const FileLimits& limits) {
  if (fs::is_regular_file(dir / "tokenizer.json")) return load_json_file(dir / "tokenizer.json", limits);
  bool pair = fs::is_regular_file(dir / "vocab.json") && fs::is_regular_file(dir / "merges.txt");
  std::string klass = tokenizer_class(dir, limits);
  if (pair && (klass == "Qwen2Tokenizer" || klass == "Qwen2TokenizerFast")) {
    return load_vocab_merges_dir(dir, true, limits);
  }
  if (fs::is_regular_file(dir / "tiktoken.model")) return load_tiktoken_file(dir / "tiktoken.model", limits);
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".tiktoken") {
      return load_tiktoken_file(entry.path(), limits);
    }
  }
  if (pair) return load_vocab_merges_dir(dir, false, limits);
  return not_found("tokenizer_not_found",
                   "Directory '" + dir.string() +
                       "' does not contain a valid tokenizer file (tokenizer.json, tiktoken.model, "
                       "*.tiktoken, or vocab.json)");
}

// tokenizer_config.json "added_tokens_decoder": {"<id>": {"content", "special", ...}}.
std::vector<AddedToken> config_added_tokens(std::string_view tokenizer_config) {
  std::vector<AddedToken> tokens;
  json config = json::parse(tokenizer_config, nullptr, false);
  if (!config.is_object() || !config.contains("added_tokens_decoder")) return tokens;
  const json& decoder = config["added_tokens_decoder"];
  if (!decoder.is_object()) return tokens;
  std::vector<std::pair<unsigned long, json>> ordered;
  for (auto entry = decoder.begin(); entry != decoder.end(); ++entry) {
    if (entry.key().empty() || entry.key().find_first_not_of("0123456789") != std::string::npos) continue;
    if (!entry.value().is_object() || !entry.value().contains("content")) continue;
    ordered.emplace_back(std::stoul(entry.key().substr(0, 9)), entry.value());
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [id, item] : ordered) {
    AddedToken token;
    if (!item["content"].is_string()) continue;
    token.content = item["content"].get<std::string>();
    token.special = item.value("special", false);
    token.lstrip = item.value("lstrip", false);
    token.rstrip = item.value("rstrip", false);
    token.single_word = item.value("single_word", false);
    token.normalized = item.value("normalized", !token.special);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace

Result<std::shared_ptr<const Tokenizer>> load_vocab_merges(std::string_view vocab_json,
                                                           std::string_view merges_txt,
                                                           std::string_view tokenizer_config,
                                                           bool qwen2) {
  json merges = json::array();
  std::istringstream lines{std::string(merges_txt)};
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    merges.push_back(line);
  }
  json vocab = json::parse(vocab_json, nullptr, false);
  if (!vocab.is_object()) return invalid_argument("tokenizer_bad_json", "vocab.json is not a JSON object");
  json document = {{"model", {{"type", "BPE"}, {"vocab", std::move(vocab)}, {"merges", std::move(merges)}}},
                   {"decoder", {{"type", "ByteLevel"}}}};
  if (qwen2) {
    document["normalizer"] = {{"type", "NFC"}};
    document["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"}, {"pattern", {{"Regex", kQwen2Pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  } else {
    document["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  }
  json added = json::array();
  for (const AddedToken& token : config_added_tokens(tokenizer_config)) {
    added.push_back({{"content", token.content}, {"special", token.special}, {"lstrip", token.lstrip},
                     {"rstrip", token.rstrip}, {"single_word", token.single_word},
                     {"normalized", token.normalized}});
  }
  document["added_tokens"] = std::move(added);
  return Tokenizer::from_json(document.dump(), LoadLimits{});
}

Result<std::shared_ptr<const Tokenizer>> load_tokenizer_path(const std::string& path, FileLimits limits) {
  std::error_code error;
  fs::path target(path);
  if (fs::is_directory(target, error)) return load_directory(target, limits);
  if (fs::is_regular_file(target, error)) return load_file(target, limits);
  return not_found("tokenizer_not_found", "no file or directory '" + path + "'");
}

}  // namespace smg::tokenizer
