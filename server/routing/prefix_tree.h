// PrefixTree: an approximate record of the request texts recently sent to one worker, as a radix
// tree, for cache-aware routing (the worker's KV cache likely still holds those prefixes).
//
// Memory is bounded: the tree keeps the most recent texts whose total length fits `max_chars`
// (oldest evicted first) and each text is cut to `max_text_chars` before it is stored or matched.
// Thread-safety: none; the owner (CacheAwarePolicy) serializes access.
//
//   smg::routing::PrefixTree tree({.max_chars = 1 << 20});
//   tree.insert("You are a helpful assistant. Hi");
//   tree.match_length("You are a helpful assistant. Bye");   // 29
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace smg::routing {

struct PrefixTreeOptions {
  std::size_t max_chars = 1 << 20;     // total characters of remembered texts per worker
  std::size_t max_text_chars = 8192;   // a text is cut to this many characters
};

class PrefixTree {
 public:
  explicit PrefixTree(PrefixTreeOptions options = {});
  ~PrefixTree();
  PrefixTree(PrefixTree&&) noexcept;
  PrefixTree& operator=(PrefixTree&&) noexcept;

  void insert(std::string_view text);
  // Length of the longest common prefix between `text` (cut) and any remembered text.
  std::size_t match_length(std::string_view text) const;
  // Characters of remembered texts (with repeats): the "tree size" SMG balances on.
  std::size_t size_chars() const { return size_chars_; }
  std::size_t text_count() const { return texts_.size(); }

 private:
  struct Node;
  void add_path(std::string_view text);
  void remove_path(std::string_view text);
  std::string_view cut(std::string_view text) const;

  PrefixTreeOptions options_;
  std::unique_ptr<Node> root_;
  std::deque<std::string> texts_;  // oldest first
  std::size_t size_chars_ = 0;
};

}  // namespace smg::routing
