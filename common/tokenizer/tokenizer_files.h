// Loading a tokenizer from a local path, in SMG's order. A directory is tried for
// tokenizer.json, then vocab.json + merges.txt when tokenizer_config.json names a Qwen2
// tokenizer class, then tiktoken.model or *.tiktoken, then vocab.json + merges.txt; a file is
// chosen by extension (.json Hugging Face, .tiktoken/tiktoken.model ranks; SentencePiece .model
// and .gguf are refused as SMG refuses them) or, for any other name, by its first bytes.
// Files over `max_file_bytes` are refused before they are read.
// Thread-safety: pure functions over the file system.
//
//   auto tok = smg::tokenizer::load_tokenizer_path("/models/llama3");
//   if (!tok.ok()) std::cerr << tok.status().message();   // one line, names the path
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tokenizer/tokenizer.h"

namespace smg::tokenizer {

struct FileLimits {
  std::size_t max_file_bytes = 512u << 20;
};

// Fails with "tokenizer_not_found" (no such path or nothing usable in a directory),
// "tokenizer_unsupported" (SentencePiece, GGUF), "tokenizer_too_large", or the parse reason.
Result<std::shared_ptr<const Tokenizer>> load_tokenizer_path(const std::string& path,
                                                             FileLimits limits = {});

// A vocab.json + merges.txt pair as a byte-level BPE (Qwen2's split regex and NFC when
// `qwen2` is set, GPT-2's otherwise); `tokenizer_config` may be empty.
Result<std::shared_ptr<const Tokenizer>> load_vocab_merges(std::string_view vocab_json,
                                                           std::string_view merges_txt,
                                                           std::string_view tokenizer_config,
                                                           bool qwen2);

// A *.tiktoken rank file ("<base64 token> <rank>" lines) as byte-level BPE with tiktoken's
// split regex (o200k's when `o200k` is set, cl100k's otherwise).
Result<std::shared_ptr<const Tokenizer>> load_tiktoken(std::string_view ranks, bool o200k);

}  // namespace smg::tokenizer
