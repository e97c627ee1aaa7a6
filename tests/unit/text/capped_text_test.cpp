// Client-supplied text that is stored or logged is capped (attack probe, finding 8: a 50 MB
// `model` became a 50 MB request-log row).
#include "common/text/capped_text.h"

#include <catch2/catch.hpp>
#include <string>

using smg::text::capped_client_text;
using smg::text::kTruncatedMarker;

TEST_CASE("capped text: short text is kept as is", "[text]") {
  CHECK(capped_client_text("llama-3.1-8b") == "llama-3.1-8b");
  CHECK(capped_client_text(std::string(256, 'a')) == std::string(256, 'a'));
  CHECK(capped_client_text("") == "");
}

TEST_CASE("capped text: long text is cut and marked", "[text]") {
  std::string huge(50u << 20, 'm');
  std::string capped = capped_client_text(huge);
  CHECK(capped.size() == 256 + kTruncatedMarker.size());
  CHECK(capped.substr(0, 256) == std::string(256, 'm'));
  CHECK(capped.substr(256) == kTruncatedMarker);
}

TEST_CASE("capped text: a cut never splits a UTF-8 sequence", "[text]") {
  // 255 ASCII bytes then a 3-byte "€": the cut at 256 would land inside it.
  std::string text = std::string(255, 'a') + "\xE2\x82\xAC" + "tail";
  std::string capped = capped_client_text(text);
  CHECK(capped == std::string(255, 'a') + std::string(kTruncatedMarker));
  // Every 4-byte emoji boundary, cut anywhere.
  std::string emoji;
  for (int i = 0; i < 100; ++i) emoji += "\xF0\x9F\x98\x80";
  for (std::size_t max = 1; max < 20; ++max) {
    std::string_view prefix = smg::text::utf8_prefix(emoji, max);
    CHECK(prefix.size() % 4 == 0);
    CHECK(prefix.size() <= max);
  }
}
