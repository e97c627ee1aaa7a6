#include "server/routing/prefix_tree.h"

#include <catch2/catch.hpp>

using smg::routing::PrefixTree;
using smg::routing::PrefixTreeOptions;

TEST_CASE("workers routing: prefix tree matches the longest shared prefix", "[workers][routing]") {
  PrefixTree tree;
  CHECK(tree.match_length("anything") == 0);
  tree.insert("hello world");
  tree.insert("help me");
  CHECK(tree.match_length("hello there") == 6);
  CHECK(tree.match_length("helping") == 4);
  CHECK(tree.match_length("hello world and more") == 11);
  CHECK(tree.match_length("xyz") == 0);
  CHECK(tree.size_chars() == 18);
  CHECK(tree.text_count() == 2);
}

TEST_CASE("workers routing: prefix tree evicts the oldest texts past its bound",
          "[workers][routing]") {
  PrefixTree tree(PrefixTreeOptions{.max_chars = 20, .max_text_chars = 8});
  tree.insert("abcdefghijklmnop");  // cut to 8
  CHECK(tree.size_chars() == 8);
  CHECK(tree.match_length("abcdefghZZ") == 8);
  tree.insert("abcdXXXX");
  tree.insert("zzzzzzzz");  // 24 > 20: the first text goes
  CHECK(tree.size_chars() == 16);
  CHECK(tree.match_length("abcdefgh") == 4);  // only "abcdXXXX" is left to share "abcd"
  CHECK(tree.match_length("zzzz") == 4);
  tree.insert("qqqqqqqq");
  CHECK(tree.match_length("abcdXXXX") == 0);
}
