// A hash key of two strings that can be looked up with two string_views, so the enforcer's hot
// path (subject+domain, then object+action) finds entries without building a string.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace smg::policy::internal {

struct PairKey {
  std::string first;
  std::string second;
};

struct PairView {
  std::string_view first;
  std::string_view second;
};

struct PairHash {
  using is_transparent = void;
  std::size_t operator()(PairView key) const {
    const std::size_t a = std::hash<std::string_view>{}(key.first);
    const std::size_t b = std::hash<std::string_view>{}(key.second);
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
  std::size_t operator()(const PairKey& key) const {
    return (*this)(PairView{key.first, key.second});
  }
};

struct PairEqual {
  using is_transparent = void;
  static PairView view(const PairKey& key) { return {key.first, key.second}; }
  static PairView view(PairView key) { return key; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return view(a).first == view(b).first && view(a).second == view(b).second;
  }
};

template <typename Value>
using PairMap = std::unordered_map<PairKey, Value, PairHash, PairEqual>;

}  // namespace smg::policy::internal
