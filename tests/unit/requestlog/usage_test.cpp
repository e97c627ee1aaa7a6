#include "server/requestlog/usage.h"

#include <catch2/catch.hpp>

using smg::requestlog::SseUsageScanner;
using smg::requestlog::TokenUsage;
using smg::requestlog::usage_from_json;

namespace {

const std::string kStream =
    "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"usage\"}}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,"
    "\"total_tokens\":15}}\n\n"
    "data: [DONE]\n\n";

}  // namespace

TEST_CASE("usage: reads the usage object of a JSON response", "[requestlog][usage]") {
  TokenUsage usage = usage_from_json(
      R"({"id":"x","usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}})");
  CHECK(usage.prompt_tokens == 7);
  CHECK(usage.completion_tokens == 3);
  CHECK(usage.total_tokens == 10);
}

TEST_CASE("usage: absent null or malformed usage gives nothing", "[requestlog][usage]") {
  CHECK(usage_from_json(R"({"id":"x"})").empty());
  CHECK(usage_from_json(R"({"usage":null})").empty());
  CHECK(usage_from_json(R"({"usage":"lots"})").empty());
  CHECK(usage_from_json(R"({"usage": {"prompt_tokens": 1)").empty());
  CHECK(usage_from_json("not json \"usage\"").empty());
  SECTION("counts that are not non-negative integers are ignored one by one") {
    TokenUsage usage =
        usage_from_json(R"({"usage":{"prompt_tokens":-1,"completion_tokens":2.5,"total_tokens":9}})");
    CHECK_FALSE(usage.prompt_tokens);
    CHECK_FALSE(usage.completion_tokens);
    CHECK(usage.total_tokens == 9);
  }
  SECTION("embeddings report prompt and total only") {
    TokenUsage usage = usage_from_json(R"({"usage":{"prompt_tokens":4,"total_tokens":4}})");
    CHECK(usage.prompt_tokens == 4);
    CHECK_FALSE(usage.completion_tokens);
  }
}

TEST_CASE("usage: the final SSE chunk of an include_usage stream", "[requestlog][usage]") {
  // Split the stream at every possible point: chunk boundaries are the network's choice.
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    SseUsageScanner scanner;
    scanner.feed(std::string_view(kStream).substr(0, cut));
    scanner.feed(std::string_view(kStream).substr(cut));
    INFO("cut at " << cut);
    REQUIRE(scanner.usage().prompt_tokens == 11);
    REQUIRE(scanner.usage().completion_tokens == 4);
    REQUIRE(scanner.usage().total_tokens == 15);
  }
  SECTION("byte by byte, with CRLF line ends") {
    std::string crlf;
    for (char c : kStream) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    SseUsageScanner scanner;
    for (char c : crlf) scanner.feed(std::string_view(&c, 1));
    CHECK(scanner.usage().total_tokens == 15);
  }
}

TEST_CASE("usage: a stream without include_usage has none", "[requestlog][usage]") {
  SseUsageScanner scanner;
  scanner.feed("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n");
  CHECK(scanner.usage().empty());
}

TEST_CASE("usage: an overlong SSE line is skipped without buffering it", "[requestlog][usage][attack]") {
  SseUsageScanner scanner;
  std::string huge = "data: {\"usage\":{\"total_tokens\":99},\"pad\":\"" +
                     std::string(SseUsageScanner::kMaxLineBytes, 'x') + "\"}\n\n";
  scanner.feed(huge);
  CHECK(scanner.usage().empty());
  scanner.feed("data: {\"usage\":{\"total_tokens\":3}}\n\n");
  CHECK(scanner.usage().total_tokens == 3);
}
