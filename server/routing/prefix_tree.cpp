#include "server/routing/prefix_tree.h"

#include <algorithm>

namespace smg::routing {

// `count` is how many remembered texts pass through this node; a child whose count drops to zero
// (with its whole subtree, whose counts can only be lower) is deleted.
struct PrefixTree::Node {
  std::string edge;
  std::size_t count = 0;
  std::map<char, std::unique_ptr<Node>> children;
};

namespace {

std::size_t common_prefix(std::string_view a, std::string_view b) {
  auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<std::size_t>(ia - a.begin());
}

}  // namespace

PrefixTree::PrefixTree(PrefixTreeOptions options)
    : options_(options), root_(std::make_unique<Node>()) {}
PrefixTree::~PrefixTree() = default;
PrefixTree::PrefixTree(PrefixTree&&) noexcept = default;
PrefixTree& PrefixTree::operator=(PrefixTree&&) noexcept = default;

std::string_view PrefixTree::cut(std::string_view text) const {
  return text.substr(0, std::min(text.size(), options_.max_text_chars));
}

void PrefixTree::insert(std::string_view text) {
  text = cut(text);
  if (text.empty()) {
    return;
  }
  add_path(text);
  texts_.emplace_back(text);
  size_chars_ += text.size();
  while (size_chars_ > options_.max_chars && !texts_.empty()) {
    remove_path(texts_.front());
    size_chars_ -= texts_.front().size();
    texts_.pop_front();
  }
}

void PrefixTree::add_path(std::string_view text) {
  Node* node = root_.get();
  node->count++;
  while (!text.empty()) {
    auto& child = node->children[text.front()];
    if (!child) {
      child = std::make_unique<Node>();
      child->edge = std::string(text);
    }
    std::size_t shared = common_prefix(child->edge, text);
    if (shared < child->edge.size()) {
      // Split the edge: a new middle node takes the shared part.
      auto middle = std::make_unique<Node>();
      middle->edge = child->edge.substr(0, shared);
      middle->count = child->count;
      child->edge.erase(0, shared);
      char key = child->edge.front();
      middle->children[key] = std::move(child);
      child = std::move(middle);
    }
    node = child.get();
    node->count++;
    text.remove_prefix(shared);
  }
}

void PrefixTree::remove_path(std::string_view text) {
  Node* node = root_.get();
  node->count--;
  while (!text.empty()) {
    auto it = node->children.find(text.front());
    if (it == node->children.end()) {
      return;
    }
    if (--it->second->count == 0) {
      node->children.erase(it);
      return;
    }
    text.remove_prefix(std::min(text.size(), it->second->edge.size()));
    node = it->second.get();
  }
}

std::size_t PrefixTree::match_length(std::string_view text) const {
  text = cut(text);
  const Node* node = root_.get();
  std::size_t matched = 0;
  while (matched < text.size()) {
    auto it = node->children.find(text[matched]);
    if (it == node->children.end()) {
      break;
    }
    std::size_t shared = common_prefix(it->second->edge, text.substr(matched));
    matched += shared;
    if (shared < it->second->edge.size()) {
      break;
    }
    node = it->second.get();
  }
  return matched;
}

}  // namespace smg::routing
