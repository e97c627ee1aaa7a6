#include "server/tokenizers/tokenizer_source.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/tokenizer/tokenizer_files.h"

namespace smg::server::tokenizers {
namespace {

namespace fs = std::filesystem;

// The files SMG fetches for a tokenizer (weights and images are never downloaded).
constexpr const char* kHubFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                     "vocab.json", "merges.txt", "tiktoken.model"};

bool valid_name_part(const std::string& part) {
  if (part.empty() || part.size() > 96 || part == "." || part == "..") return false;
  return part.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
         std::string::npos;
}

struct HubId {
  std::string repo;
  std::string revision = "main";
};

std::optional<HubId> parse_hub_id(const std::string& source) {
  HubId id;
  id.repo = source;
  if (auto at = source.find('@'); at != std::string::npos) {
    id.repo = source.substr(0, at);
    id.revision = source.substr(at + 1);
    if (!valid_name_part(id.revision)) return std::nullopt;
  }
  auto slash = id.repo.find('/');
  if (slash == std::string::npos) return valid_name_part(id.repo) ? std::optional(id) : std::nullopt;
  if (id.repo.find('/', slash + 1) != std::string::npos) return std::nullopt;
  if (!valid_name_part(id.repo.substr(0, slash)) || !valid_name_part(id.repo.substr(slash + 1))) {
    return std::nullopt;
  }
  return id;
}

std::string env_or(const std::string& value, const char* name, const std::string& fallback) {
  if (!value.empty()) return value;
  const char* from_env = std::getenv(name);
  return from_env != nullptr && *from_env != '\0' ? std::string(from_env) : fallback;
}

class HubDownloader {
 public:
  explicit HubDownloader(SourceOptions options) : options_(std::move(options)) {
    if (!options_.http) options_.http = std::shared_ptr<const http::HttpClient>(http::make_curl_client());
  }

  // Downloads the tokenizer files of `id` and returns the directory holding them.
  Result<std::string> download(const HubId& id) const {
    std::string endpoint = env_or(options_.hf_endpoint, "HF_ENDPOINT", "https://huggingface.co");
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    std::string token = env_or(options_.hf_token, "HF_TOKEN", "");
    fs::path dir = fs::path(options_.data_dir.empty() ? "." : options_.data_dir) / "tokenizers" / id.repo / id.revision;
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return unavailable("tokenizer_download_failed", "cannot create '" + dir.string() + "'");
    std::size_t fetched = 0;
    for (const char* file : kHubFiles) {
      http::Request request;
      request.url = endpoint + "/" + id.repo + "/resolve/" + id.revision + "/" + file;
      request.timeout = std::chrono::milliseconds(120000);
      request.max_response_bytes = options_.max_file_bytes;
      request.follow_redirects = true;  // the Hub redirects large files to its CDN
      if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
      auto response = options_.http->send(request);
      if (!response.ok()) {
        return unavailable("tokenizer_download_failed",
                           "downloading " + request.url + " failed: " + response.status().message());
      }
      if (response->status == 404) continue;
      if (response->status == 401 || response->status == 403) {
        return Status(Code::kPermissionDenied, "tokenizer_download_failed",
                      "the Hub refused " + request.url + " (HTTP " + std::to_string(response->status) +
                          "); set HF_TOKEN for gated or private repositories");
      }
      if (response->status != 200) {
        return unavailable("tokenizer_download_failed",
                           request.url + " answered HTTP " + std::to_string(response->status));
      }
      std::ofstream out(dir / file, std::ios::binary | std::ios::trunc);
      out << response->body;
      if (!out) return unavailable("tokenizer_download_failed", "cannot write " + (dir / file).string());
      ++fetched;
    }
    if (fetched == 0) {
      return not_found("tokenizer_not_found", "Hugging Face repository '" + id.repo + "' (revision " +
                                                  id.revision + ") has no tokenizer files");
    }
    return dir.string();
  }

 private:
  SourceOptions options_;
};

}  // namespace

bool looks_like_hub_id(const std::string& source) { return parse_hub_id(source).has_value(); }

SourceLoader make_source_loader(SourceOptions options) {
  auto downloader = std::make_shared<HubDownloader>(options);
  tokenizer::FileLimits limits{options.max_file_bytes};
  return [downloader, limits](const std::string& source) -> Result<TokenizerPtr> {
    std::error_code error;
    if (fs::exists(source, error)) return tokenizer::load_tokenizer_path(source, limits);
    auto id = parse_hub_id(source);
    if (!id) {
      return not_found("tokenizer_not_found",
                       "'" + source + "' is neither a local path nor a Hugging Face repository id");
    }
    auto dir = downloader->download(*id);
    if (!dir.ok()) return dir.status();
    return tokenizer::load_tokenizer_path(*dir, limits);
  };
}

}  // namespace smg::server::tokenizers
