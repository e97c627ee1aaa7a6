// Byte-pair encoding as Hugging Face's BPE model runs it: one symbol per character (with the
// continuing-subword prefix and end-of-word suffix), unknown characters as byte-fallback tokens
// <0xXX> or the (optionally fused) unknown token, then merges applied lowest rank first, leftmost
// first among equal ranks, through a priority queue whose stale entries are skipped the same way.
#include <array>
#include <mutex>
#include <queue>

#include "common/tokenizer/model.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

struct Merge {
  uint32_t rank;
  uint32_t new_id;
};

struct Symbol {
  uint32_t id;
  int32_t prev;
  int32_t next;
  std::size_t length;  // bytes of input covered; 0 once merged into its left neighbour
};

struct QueuedMerge {
  uint32_t rank;
  std::size_t pos;
  uint32_t new_id;
  bool operator>(const QueuedMerge& other) const {
    return rank != other.rank ? rank > other.rank : pos > other.pos;
  }
};

uint64_t pair_key(uint32_t left, uint32_t right) {
  return (static_cast<uint64_t>(left) << 32) | right;
}

// Words already encoded; bounded like the library's cache (entries under 256 bytes, 10,000 in
// all), split in shards so that pool threads rarely wait on one another.
class WordCache {
 public:
  bool find(std::string_view word, std::vector<uint32_t>& ids) const {
    if (word.size() >= kMaxWordBytes) return false;
    const Shard& shard = shard_for(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto found = shard.words.find(word);
    if (found == shard.words.end()) return false;
    ids.insert(ids.end(), found->second.begin(), found->second.end());
    return true;
  }
  void store(std::string_view word, const uint32_t* begin, const uint32_t* end) const {
    if (word.size() >= kMaxWordBytes) return;
    Shard& shard = shard_for(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.words.size() >= kEntriesPerShard) return;
    shard.words.emplace(std::string(word), std::vector<uint32_t>(begin, end));
  }

 private:
  static constexpr std::size_t kMaxWordBytes = 256;
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kEntriesPerShard = 10000 / kShards;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>> words;
  };
  Shard& shard_for(std::string_view word) const { return shards_[StringHash()(word) % kShards]; }
  mutable std::array<Shard, kShards> shards_;
};

class BpeModel : public Model {
 public:
  BpeModel(Vocab vocab, std::unordered_map<uint64_t, Merge> merges, BpeOptions options)
      : vocab_(std::move(vocab)), merges_(std::move(merges)), options_(std::move(options)) {
    for (int b = 0; b < 256; ++b) {
      static const char* kHex = "0123456789ABCDEF";
      std::string name = std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">";
      byte_ids_[b] = vocab_.find(name);
    }
  }

  Status tokenize(std::string_view piece, std::vector<uint32_t>& ids) const override {
    if (piece.empty()) return Status();
    if (options_.ignore_merges) {
      if (auto id = vocab_.find(piece)) {
        ids.push_back(*id);
        return Status();
      }
    }
    if (cache_.find(piece, ids)) return Status();
    std::size_t first = ids.size();
    Status status = merge_word(piece, ids);
    if (status.ok()) cache_.store(piece, ids.data() + first, ids.data() + ids.size());
    return status;
  }

  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.find(token);
  }
  std::optional<std::string_view> id_to_token(uint32_t id) const override {
    return vocab_.token(id);
  }
  std::size_t vocab_size() const override { return vocab_.size(); }

 private:
  Status initial_symbols(std::string_view word, std::vector<Symbol>& symbols) const;
  void merge_all(std::vector<Symbol>& symbols) const;
  Status merge_word(std::string_view word, std::vector<uint32_t>& ids) const {
    std::vector<Symbol> symbols;
    Status status = initial_symbols(word, symbols);
    if (!status.ok()) return status;
    merge_all(symbols);
    for (const Symbol& s : symbols) {
      if (s.length != 0) ids.push_back(s.id);
    }
    return Status();
  }
  const Merge* find_merge(uint32_t left, uint32_t right) const {
    auto found = merges_.find(pair_key(left, right));
    return found == merges_.end() ? nullptr : &found->second;
  }

  Vocab vocab_;
  std::unordered_map<uint64_t, Merge> merges_;
  BpeOptions options_;
  std::array<std::optional<uint32_t>, 256> byte_ids_;
  WordCache cache_;
};

Status BpeModel::initial_symbols(std::string_view word, std::vector<Symbol>& symbols) const {
  auto add = [&](uint32_t id, std::size_t length) {
    int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, index - 1, -1, length});
    if (index > 0) symbols[index - 1].next = index;
  };
  bool has_unk = false;  // a pending unknown token: unk_id over unk_bytes of input
  uint32_t pending_unk_id = 0;
  std::size_t unk_bytes = 0;
  std::string decorated;
  std::size_t at = 0;
  while (at < word.size()) {
    std::size_t length = 0;
    decode_char(word, at, length);
    std::string_view symbol = word.substr(at, length);
    bool is_first = at == 0;
    bool is_last = at + length == word.size();
    at += length;
    if ((!is_first && !options_.continuing_subword_prefix.empty()) ||
        (is_last && !options_.end_of_word_suffix.empty())) {
      decorated.clear();
      if (!is_first) decorated += options_.continuing_subword_prefix;
      decorated += symbol;
      if (is_last) decorated += options_.end_of_word_suffix;
      symbol = decorated;
    }
    if (auto id = vocab_.find(symbol)) {
      if (has_unk) add(pending_unk_id, unk_bytes);
      has_unk = false;
      add(*id, length);
      continue;
    }
    if (options_.byte_fallback) {
      bool all_bytes = true;
      for (char byte : symbol) all_bytes = all_bytes && byte_ids_[static_cast<unsigned char>(byte)];
      if (all_bytes) {
        // As the library does, a pending unknown token is not flushed before byte tokens.
        for (char byte : symbol) add(*byte_ids_[static_cast<unsigned char>(byte)], 1);
        continue;
      }
    }
    if (!options_.unk_token) continue;
    auto unk_id = vocab_.find(*options_.unk_token);
    if (!unk_id) return missing_unk();
    if (has_unk && options_.fuse_unk) {
      unk_bytes += length;
    } else {
      if (has_unk) add(pending_unk_id, unk_bytes);
      has_unk = true;
      pending_unk_id = *unk_id;
      unk_bytes = length;
    }
  }
  if (has_unk) add(pending_unk_id, unk_bytes);
  return Status();
}

void BpeModel::merge_all(std::vector<Symbol>& symbols) const {
  std::priority_queue<QueuedMerge, std::vector<QueuedMerge>, std::greater<>> queue;
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const Merge* m = find_merge(symbols[i].id, symbols[i + 1].id)) {
      queue.push({m->rank, i, m->new_id});
    }
  }
  while (!queue.empty()) {
    QueuedMerge top = queue.top();
    queue.pop();
    Symbol& current = symbols[top.pos];
    if (current.length == 0 || current.next == -1) continue;
    std::size_t next_pos = static_cast<std::size_t>(current.next);
    Symbol right = symbols[next_pos];
    const Merge* still = find_merge(current.id, right.id);
    if (still == nullptr || still->new_id != top.new_id) continue;  // a stale entry
    current.id = top.new_id;
    current.length += right.length;
    current.next = right.next;
    symbols[next_pos].length = 0;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = static_cast<int32_t>(top.pos);
    if (current.prev >= 0) {
      const Symbol& prev = symbols[static_cast<std::size_t>(current.prev)];
      if (const Merge* m = find_merge(prev.id, current.id)) {
        queue.push({m->rank, static_cast<std::size_t>(current.prev), m->new_id});
      }
    }
    if (current.next >= 0) {
      const Symbol& next = symbols[static_cast<std::size_t>(current.next)];
      if (const Merge* m = find_merge(current.id, next.id)) queue.push({m->rank, top.pos, m->new_id});
    }
  }
}

}  // namespace

Result<std::unique_ptr<Model>> make_bpe(Vocab vocab,
                                        const std::vector<std::pair<std::string, std::string>>& merges,
                                        BpeOptions options) {
  std::unordered_map<uint64_t, Merge> merge_map;
  merge_map.reserve(merges.size());
  std::size_t prefix_length = options.continuing_subword_prefix.size();
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    auto left_id = vocab.find(left);
    auto right_id = vocab.find(right);
    if (right.size() < prefix_length) {
      return invalid_argument("tokenizer_bad_model", "merge '" + left + " " + right +
                                                         "' is shorter than the subword prefix");
    }
    std::string joined = left + right.substr(prefix_length);
    auto new_id = vocab.find(joined);
    if (!left_id || !right_id || !new_id) {
      const std::string& missing = !left_id ? left : (!right_id ? right : joined);
      return invalid_argument("tokenizer_bad_model",
                              "merge " + std::to_string(rank) + " refers to '" + missing +
                                  "', which is not in the vocabulary");
    }
    merge_map[pair_key(*left_id, *right_id)] = {static_cast<uint32_t>(rank), *new_id};
  }
  return std::unique_ptr<Model>(new BpeModel(std::move(vocab), std::move(merge_map), std::move(options)));
}

}  // namespace smg::tokenizer
