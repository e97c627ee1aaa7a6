// Where a tokenizer comes from, in SMG's order: an existing directory or file on the gateway
// (common/tokenizer/tokenizer_files.h), else a Hugging Face Hub repository id whose tokenizer
// files are downloaded over the HttpClient from
// ${HF_ENDPOINT:-https://huggingface.co}/<repo>/resolve/<revision>/<file> (HF_TOKEN as a bearer
// token) into <data_dir>/tokenizers/<repo>/<revision>/ and then loaded as a directory.
// A source "org/name@rev" pins a revision (default "main"). Downloads are capped per file.
// Thread-safety: the loader may run on any thread; downloads of one repo are not deduplicated.
//
//   auto loader = smg::server::tokenizers::make_source_loader({.data_dir = "/var/lib/smg"});
//   auto tokenizer = loader("Qwen/Qwen3-0.6B");
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/http/http_client.h"
#include "server/tokenizers/tokenizer_registry.h"

namespace smg::server::tokenizers {

struct SourceOptions {
  std::string data_dir;                        // --data-dir; Hub downloads under tokenizers/
  std::string hf_endpoint;                     // empty: $HF_ENDPOINT, else https://huggingface.co
  std::string hf_token;                        // empty: $HF_TOKEN
  std::size_t max_file_bytes = 512u << 20;     // local files and each download
  std::shared_ptr<const http::HttpClient> http;  // null: libcurl
};

SourceLoader make_source_loader(SourceOptions options);

// True for strings shaped like a Hub repository id ("name" or "org/name", optional "@rev").
bool looks_like_hub_id(const std::string& source);

}  // namespace smg::server::tokenizers
