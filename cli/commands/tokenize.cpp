// smgctl tokenize | detokenize: the tokenizer engine offline, on a local tokenizer.json, a
// vocab.json + merges.txt directory or a *.tiktoken file, with no gateway involved. The ids are
// the ones the gateway's /v1/tokenize returns (no special tokens unless asked).
//
//   smgctl tokenize --tokenizer ./llama3 "Hello world"          ID/TOKEN table
//   smgctl tokenize --tokenizer tokenizer.json --ids - < in.txt   "9906 1917"
//   smgctl tokenize --tokenizer tokenizer.json --count "Hello"    "1"
//   smgctl detokenize --tokenizer tokenizer.json 9906 1917        "Hello world"
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/output/printer.h"
#include "common/tokenizer/tokenizer_files.h"
#include "common/tokenizer/unicode.h"

namespace smg::cli {
namespace {

using nlohmann::json;

std::shared_ptr<const tokenizer::Tokenizer> load_or_throw(const std::string& path) {
  auto loaded = tokenizer::load_tokenizer_path(path);
  if (!loaded.ok()) throw CommandError(kExitFailure, loaded.status().message());
  return *loaded;
}

std::string read_text(CliContext& context, const std::string& argument) {
  if (argument != "-") return argument;
  return std::string(std::istreambuf_iterator<char>(*context.in), std::istreambuf_iterator<char>());
}

struct TokenizeOptions {
  std::string tokenizer;
  std::string text;
  bool count = false;
  bool ids = false;
  bool add_special_tokens = false;
};

void run_tokenize(CliContext& context, const TokenizeOptions& options) {
  auto tok = load_or_throw(options.tokenizer);
  std::string text = read_text(context, options.text);
  auto ids = tok->encode(text, options.add_special_tokens);
  if (!ids.ok()) throw CommandError(kExitFailure, ids.status().message());
  if (options.count && !context.json_output() && !context.yaml_output()) {
    *context.out << ids->size() << "\n";
    return;
  }
  if (options.ids && !context.json_output() && !context.yaml_output()) {
    for (std::size_t i = 0; i < ids->size(); ++i) *context.out << (i ? " " : "") << (*ids)[i];
    *context.out << "\n";
    return;
  }
  View view;
  view.document = {{"tokens", *ids}, {"count", ids->size()}, {"char_count", tokenizer::count_chars(text)}};
  std::vector<uint32_t> shown = *ids;
  view.table = [tok, shown] {
    Table table({"ID", "TOKEN"});
    for (uint32_t id : shown) {
      table.add_row({std::to_string(id), json(tokenizer::utf8_lossy(tok->id_to_token(id).value_or(""))).dump()});
    }
    return table;
  };
  print_view(context, view);
}

void register_tokenize(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand("tokenize", "Encode text to token ids offline with a local tokenizer");
  cmd->add_option("--tokenizer", options->tokenizer, "tokenizer.json, a tokenizer directory or a *.tiktoken file")
      ->required();
  cmd->add_option("TEXT", options->text, "Text to encode, or - for stdin")->required();
  auto* count = cmd->add_flag("--count", options->count, "Print only the number of tokens");
  cmd->add_flag("--ids", options->ids, "Print the ids on one line, separated by spaces")->excludes(count);
  cmd->add_flag("--add-special-tokens", options->add_special_tokens,
                "Add the tokenizer's special tokens (BOS, ...); /v1/tokenize does not");
  cmd->callback([&context, options] { run_tokenize(context, *options); });
}

void register_detokenize(CLI::App& app, CliContext& context) {
  auto path = std::make_shared<std::string>();
  auto ids = std::make_shared<std::vector<std::string>>();
  auto keep_special = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("detokenize", "Decode token ids to text offline with a local tokenizer");
  cmd->add_option("--tokenizer", *path, "tokenizer.json, a tokenizer directory or a *.tiktoken file")->required();
  cmd->add_option("IDS", *ids, "Token ids, or - to read them (whitespace-separated) from stdin")->required();
  cmd->add_flag("--keep-special-tokens", *keep_special, "Keep special tokens (skipped by default, as /v1/detokenize)");
  cmd->callback([&context, path, ids, keep_special] {
    std::vector<std::string> words = *ids;
    if (words.size() == 1 && words[0] == "-") {
      words.clear();
      for (std::string word; *context.in >> word;) words.push_back(word);
    }
    std::vector<uint32_t> numbers;
    for (const std::string& word : words) {
      if (word.empty() || word.size() > 10 || word.find_first_not_of("0123456789") != std::string::npos ||
          std::stoull(word) > UINT32_MAX) {
        throw UsageError("'" + word + "' is not a token id (0..4294967295)");
      }
      numbers.push_back(static_cast<uint32_t>(std::stoull(word)));
    }
    auto tok = load_or_throw(*path);
    auto text = tok->decode(numbers, !*keep_special);
    if (!text.ok()) throw CommandError(kExitFailure, text.status().message());
    View view;
    view.document = {{"text", tokenizer::utf8_lossy(*text)}};
    view.message = *text;
    print_view(context, view);
  });
}

}  // namespace

void register_tokenize_commands(CLI::App& app, CliContext& context) {
  register_tokenize(app, context);
  register_detokenize(app, context);
}

}  // namespace smg::cli
