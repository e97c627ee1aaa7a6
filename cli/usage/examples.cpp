#include "cli/usage/examples.h"

#include <sstream>

#include "cli/usage/usage_errors.h"

namespace smg::cli {
namespace {

constexpr const char* kExamplesHeading = "Examples:";
constexpr const char* kGlobalFlags =
    "Global flags (--server, --token, --context, --cacert, --insecure, --request-timeout, "
    "--color, -o): see 'smgctl --help'.";

std::string words_of(const CLI::App& command) {
  std::string path = command_path(command);
  return path == "smgctl" ? "" : path.substr(std::string("smgctl ").size());
}

void add_to(CLI::App& command) {
  const auto& table = example_table();
  std::string footer = command.get_footer();
  if (auto it = table.find(words_of(command)); it != table.end()) {
    footer += std::string(footer.empty() ? "" : "\n\n") + kExamplesHeading + "\n";
    for (const auto& line : it->second) footer += "  " + line + "\n";
  }
  if (command.get_parent() != nullptr) {
    footer += std::string(footer.empty() || footer.ends_with('\n') ? "" : "\n") +
              (footer.empty() ? "" : "\n") + kGlobalFlags;
  }
  command.footer(footer);
  for (CLI::App* sub :
       command.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
    add_to(*sub);
  }
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& example_table() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"",
       {"smgctl serve --dev", "smgctl context set prod --server https://gw.example --token-stdin",
        "smgctl workers list -o json"}},
      {"serve",
       {"smgctl serve --dev",
        "smgctl serve --worker-urls http://10.0.0.7:8000 http://10.0.0.8:8000 --policy cache_aware",
        "smgctl serve --config /etc/smg/config.yaml",
        "smgctl serve --port 0 --worker-urls http://127.0.0.1:8000"}},
      {"config",
       {"smgctl config example > smg.yaml", "smgctl config validate /etc/smg/config.yaml"}},
      {"config example",
       {"smgctl config example > smg.yaml", "smgctl config example | grep -A3 'workers:'"}},
      {"config validate", {"smgctl config validate /etc/smg/config.yaml"}},
      {"version", {"smgctl version", "smgctl version -o json"}},
      {"hash", {"smgctl hash bcrypt --cost 12", "smgctl hash verify '$2b$12$...'"}},
      {"hash bcrypt",
       {"smgctl hash bcrypt", "printf '%s' \"$PASSWORD\" | smgctl hash bcrypt --cost 12"}},
      {"hash verify",
       {"smgctl hash verify '$2b$12$...'",
        "printf '%s' \"$PASSWORD\" | smgctl hash verify \"$HASH\""}},
      {"keys", {"smgctl keys generate --name 'CI deploy' --role user"}},
      {"keys generate",
       {"smgctl keys generate", "smgctl keys generate --id ops --name Ops --role admin",
        "smgctl keys generate --role user -o json"}},
      {"jwt",
       {"smgctl jwt decode \"$TOKEN\"",
        "smgctl jwt verify \"$TOKEN\" --jwks https://idp/jwks.json"}},
      {"jwt decode", {"smgctl jwt decode \"$TOKEN\"", "smgctl jwt decode \"$TOKEN\" -o json"}},
      {"jwt verify",
       {"smgctl jwt verify \"$TOKEN\" --jwks https://idp.example/.well-known/jwks.json",
        "smgctl jwt verify \"$TOKEN\" --issuer https://idp.example --audience smg"}},
      {"dev-worker",
       {"smgctl dev-worker --port 8000", "smgctl dev-worker --port 0 --model m-a --model m-b",
        "SMG_WORKER_KEY=sk-dev smgctl dev-worker --api-key-env SMG_WORKER_KEY"}},
      {"policy",
       {"smgctl policy check basic:admin example/prod admin:reports read --policy-file "
        "policy.csv"}},
      {"policy check",
       {"smgctl policy check basic:admin example/prod admin:reports read --policy-file policy.csv",
        "smgctl policy check caller:ci example/prod metrics read --config config.yaml -o json"}},
      {"context",
       {"smgctl context set prod --server https://gw.example --token-stdin",
        "smgctl context use prod", "smgctl context list"}},
      {"context set",
       {"smgctl context set prod --server https://gw.example --token-stdin",
        "smgctl context set lab --server https://lab:30000 --cacert lab-ca.pem"}},
      {"context list", {"smgctl context list", "smgctl context list -o json"}},
      {"context use", {"smgctl context use prod"}},
      {"context current", {"smgctl context current"}},
      {"context delete", {"smgctl context delete lab"}},
      {"login",
       {"smgctl login --issuer https://idp.example --client-id smgctl --device",
        "smgctl --context prod login --pkce"}},
      {"logout", {"smgctl logout", "smgctl --context prod logout"}},
      {"workers",
       {"smgctl workers list", "smgctl workers add http://10.0.0.7:8000 --wait",
        "smgctl workers remove 3f2a9c1e-..."}},
      {"workers list", {"smgctl workers list", "smgctl workers list -o json"}},
      {"workers get",
       {"smgctl workers get 3f2a9c1e-...", "smgctl workers get 3f2a9c1e-... -o yaml"}},
      {"workers add",
       {"smgctl workers add http://10.0.0.7:8000",
        "smgctl workers add http://10.0.0.7:8000 --wait --timeout 2m",
        "printf '%s' \"$WORKER_KEY\" | smgctl workers add https://w1:8000 --api-key-stdin "
        "--priority 10"}},
      {"workers remove", {"smgctl workers remove 3f2a9c1e-..."}},
      {"workers update",
       {"smgctl workers update 3f2a9c1e-... --priority 5",
        "smgctl workers update 3f2a9c1e-... --label zone=b"}},
      {"tokenizers",
       {"smgctl tokenizers list", "smgctl tokenizers add llama3 /models/llama3 --wait"}},
      {"tokenizers list", {"smgctl tokenizers list", "smgctl tokenizers list -o json"}},
      {"tokenizers get",
       {"smgctl tokenizers get 7b1e...", "smgctl tokenizers get 7b1e... -o json"}},
      {"tokenizers add",
       {"smgctl tokenizers add llama3 /models/llama3 --wait",
        "smgctl tokenizers add qwen3 Qwen/Qwen3-8B --wait --wait-timeout 10m"}},
      {"tokenizers remove", {"smgctl tokenizers remove 7b1e..."}},
      {"tokenize",
       {"smgctl tokenize --tokenizer ./tokenizer.json 'Hello world'",
        "smgctl tokenize --tokenizer /models/llama3 --count 'How many tokens?'"}},
      {"detokenize", {"smgctl detokenize --tokenizer ./tokenizer.json 9906 1917"}},
      {"wasm",
       {"smgctl wasm add cap.wasm --name cap --attach on-request", "smgctl wasm list",
        "smgctl wasm remove 0b6c..."}},
      {"wasm add",
       {"smgctl wasm add cap.wasm --name cap --attach on-request",
        "smgctl wasm add --path /opt/smg/audit.wasm --name audit --attach on-request,on-response "
        "--fail-closed"}},
      {"wasm list", {"smgctl wasm list", "smgctl wasm list -o json"}},
      {"wasm remove", {"smgctl wasm remove 0b6c..."}},
      {"parse",
       {"smgctl parse reasoning --parser deepseek-r1 --text '<think>hm</think>42'",
        "smgctl parse function-call --parser json --offline --text "
        "'{\"name\":\"f\",\"arguments\":{}}'"}},
      {"parse reasoning",
       {"smgctl parse reasoning --parser deepseek-r1 --text '<think>hm</think>42' --offline"}},
      {"parse function-call",
       {"smgctl parse function-call --parser llama --text '{\"name\":\"f\",\"parameters\":{}}'",
        "smgctl parse function-call --parser json --tools tools.json --offline --text "
        "\"$OUTPUT\""}},
      {"loads", {"smgctl loads", "smgctl loads -o json"}},
      {"flush-cache", {"smgctl flush-cache"}},
      {"audit", {"smgctl audit tail -f", "smgctl audit tail --since 1h --outcome denied"}},
      {"audit tail",
       {"smgctl audit tail -f", "smgctl audit tail --since 1h --principal api_key:ops",
        "smgctl audit tail --file /var/log/smg/audit.log --outcome denied"}},
      {"shell", {"smgctl shell", "smgctl --context prod shell"}},
      {"completion",
       {"source <(smgctl completion bash)", "smgctl completion zsh > \"${fpath[1]}/_smgctl\""}},
      {"completion bash", {"source <(smgctl completion bash)"}},
      {"completion zsh", {"smgctl completion zsh > \"${fpath[1]}/_smgctl\""}},
      {"completion fish", {"smgctl completion fish > ~/.config/fish/completions/smgctl.fish"}},
      {"help", {"smgctl help workers add", "smgctl help"}},
  };
  return table;
}

void add_examples(CLI::App& root) { add_to(root); }

FooterParts split_footer(const std::string& footer) {
  FooterParts parts;
  std::string text = footer;
  if (auto global = text.find(kGlobalFlags); global != std::string::npos) text.erase(global);
  auto heading = text.find(kExamplesHeading);
  std::string examples;
  if (heading != std::string::npos) {
    examples = text.substr(heading + std::string(kExamplesHeading).size());
    text.erase(heading);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  parts.text = text;
  std::istringstream lines(examples);
  for (std::string line; std::getline(lines, line);) {
    auto start = line.find_first_not_of(' ');
    if (start != std::string::npos) parts.examples.push_back(line.substr(start));
  }
  return parts;
}

}  // namespace smg::cli
