// Unigram (SentencePiece's model): the best-scoring segmentation by Viterbi over every vocabulary
// piece that starts at each character, unknown characters scored min_score - 10 and fused into
// one unknown token, pieces without an id spelled as <0xXX> byte tokens when byte_fallback is on.
// Ties keep the first candidate found (shorter pieces first), as the library does.
#include <limits>

#include "common/tokenizer/model.h"
#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

constexpr double kUnknownPenalty = 10.0;

// A byte trie over the pieces; common_prefixes lists the piece ids that prefix a text.
class PieceTrie {
 public:
  PieceTrie() : nodes_(1) {}
  void insert(std::string_view piece, uint32_t id) {
    uint32_t node = 0;
    for (char byte : piece) {
      uint64_t key = edge_key(node, byte);
      auto found = edges_.find(key);
      if (found == edges_.end()) {
        found = edges_.emplace(key, static_cast<uint32_t>(nodes_.size())).first;
        nodes_.push_back(-1);
      }
      node = found->second;
    }
    nodes_[node] = static_cast<int64_t>(id);
  }
  template <typename Fn>
  void common_prefixes(std::string_view text, Fn&& fn) const {
    uint32_t node = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto found = edges_.find(edge_key(node, text[i]));
      if (found == edges_.end()) return;
      node = found->second;
      if (nodes_[node] >= 0) fn(static_cast<uint32_t>(nodes_[node]), i + 1);
    }
  }

 private:
  static uint64_t edge_key(uint32_t node, char byte) {
    return (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(byte);
  }
  std::vector<int64_t> nodes_;  // piece id ending here, or -1
  std::unordered_map<uint64_t, uint32_t> edges_;
};

struct BestPath {
  uint32_t id = 0;
  double score = 0;
  std::optional<std::size_t> starts_at;
};

class UnigramModel : public Model {
 public:
  UnigramModel(std::vector<std::pair<std::string, double>> pieces, std::optional<std::size_t> unk_id,
               bool byte_fallback)
      : pieces_(std::move(pieces)), unk_id_(unk_id), byte_fallback_(byte_fallback) {
    for (std::size_t id = 0; id < pieces_.size(); ++id) {
      vocab_.add(pieces_[id].first, static_cast<uint32_t>(id));
      min_score_ = std::min(min_score_, pieces_[id].second);
    }
    for (std::size_t id = 0; id < pieces_.size(); ++id) {
      // A duplicate piece resolves to its last id, as the library's map does.
      trie_.insert(pieces_[id].first, *vocab_.find(pieces_[id].first));
    }
  }

  Status tokenize(std::string_view text, std::vector<uint32_t>& ids) const override {
    std::vector<BestPath> best(text.size() + 1);
    double unk_score = min_score_ - kUnknownPenalty;
    std::size_t start = 0;
    while (start < text.size()) {
      double till_here = best[start].score;
      std::size_t char_length = 0;
      decode_char(text, start, char_length);
      bool has_single = false;
      trie_.common_prefixes(text.substr(start), [&](uint32_t id, std::size_t length) {
        offer(best[start + length], id, pieces_[id].second + till_here, start);
        has_single = has_single || length == char_length;
      });
      if (!has_single) {
        if (!unk_id_) return missing_unk();
        offer(best[start + char_length], static_cast<uint32_t>(*unk_id_), unk_score + till_here,
              start);
      }
      start += char_length;
    }
    return emit(text, best, ids);
  }

  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    return vocab_.find(token);
  }
  std::optional<std::string_view> id_to_token(uint32_t id) const override {
    if (id >= pieces_.size()) return std::nullopt;
    return std::string_view(pieces_[id].first);
  }
  std::size_t vocab_size() const override { return pieces_.size(); }

 private:
  static void offer(BestPath& node, uint32_t id, double score, std::size_t start) {
    if (!node.starts_at || score > node.score) {
      node.score = score;
      node.starts_at = start;
      node.id = id;
    }
  }
  bool is_unk(uint32_t id) const { return unk_id_ && id == *unk_id_; }
  Status emit(std::string_view text, const std::vector<BestPath>& best,
              std::vector<uint32_t>& ids) const;
  Status emit_piece(std::string_view piece, std::vector<uint32_t>& ids) const;

  std::vector<std::pair<std::string, double>> pieces_;
  Vocab vocab_;
  PieceTrie trie_;
  double min_score_ = std::numeric_limits<double>::infinity();
  std::optional<std::size_t> unk_id_;
  bool byte_fallback_;
};

Status UnigramModel::emit(std::string_view text, const std::vector<BestPath>& best,
                          std::vector<uint32_t>& ids) const {
  // Walk back from the end; runs of unknown pieces fuse into one.
  std::vector<std::string_view> pieces;
  std::size_t ends_at = text.size();
  std::size_t unk_begin = std::string_view::npos;
  std::size_t unk_end = 0;
  while (ends_at > 0) {
    const BestPath& node = best[ends_at];
    std::size_t starts_at = *node.starts_at;
    if (is_unk(node.id)) {
      if (unk_begin == std::string_view::npos) unk_end = ends_at;
      unk_begin = starts_at;
    } else {
      if (unk_begin != std::string_view::npos) pieces.push_back(text.substr(unk_begin, unk_end - unk_begin));
      unk_begin = std::string_view::npos;
      pieces.push_back(text.substr(starts_at, ends_at - starts_at));
    }
    ends_at = starts_at;
  }
  if (unk_begin != std::string_view::npos) pieces.push_back(text.substr(unk_begin, unk_end - unk_begin));
  for (auto piece = pieces.rbegin(); piece != pieces.rend(); ++piece) {
    Status status = emit_piece(*piece, ids);
    if (!status.ok()) return status;
  }
  return Status();
}

Status UnigramModel::emit_piece(std::string_view piece, std::vector<uint32_t>& ids) const {
  if (auto id = vocab_.find(piece)) {
    ids.push_back(*id);
    return Status();
  }
  if (byte_fallback_) {
    static const char* kHex = "0123456789ABCDEF";
    std::vector<uint32_t> bytes;
    for (char byte : piece) {
      auto b = static_cast<unsigned char>(byte);
      auto id = vocab_.find(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">");
      if (!id) break;
      bytes.push_back(*id);
    }
    if (bytes.size() == piece.size()) {
      ids.insert(ids.end(), bytes.begin(), bytes.end());
      return Status();
    }
  }
  if (!unk_id_) return missing_unk();
  ids.push_back(static_cast<uint32_t>(*unk_id_));
  return Status();
}

}  // namespace

Result<std::unique_ptr<Model>> make_unigram(std::vector<std::pair<std::string, double>> pieces,
                                            std::optional<std::size_t> unk_id, bool byte_fallback) {
  if (unk_id && (pieces.empty() || *unk_id >= pieces.size())) {
    return invalid_argument("tokenizer_bad_model", "Unigram unk_id is not in the vocabulary");
  }
  return std::unique_ptr<Model>(new UnigramModel(std::move(pieces), unk_id, byte_fallback));
}

}  // namespace smg::tokenizer
