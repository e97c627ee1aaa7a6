#include "server/proxy/request_fields.h"

#include <catch2/catch.hpp>

#include <string>

using smg::proxy::read_request_fields;

TEST_CASE("request fields: model and stream from the top level only", "[proxy][request_fields]") {
  auto fields = read_request_fields(
      R"({"model":"m1","stream":true,"messages":[{"role":"user","content":"hi","model":"x"}],)"
      R"("metadata":{"model":"nested","stream":false}})",
      false);
  REQUIRE(fields);
  CHECK(fields->model == "m1");
  CHECK(fields->stream);
  CHECK(fields->text.empty());

  auto plain = read_request_fields(R"({"messages":[]})", false);
  REQUIRE(plain);
  CHECK(plain->model.empty());
  CHECK_FALSE(plain->stream);
}

TEST_CASE("request fields: wrong types are absent and the last duplicate counts",
          "[proxy][request_fields]") {
  for (bool want_text : {false, true}) {
    INFO("want_text " << want_text);
    auto typed = read_request_fields(R"({"model":7,"stream":"yes"})", want_text);
    REQUIRE(typed);
    CHECK(typed->model.empty());
    CHECK_FALSE(typed->stream);
    auto nested = read_request_fields(R"({"model":{"id":"m"},"stream":[true]})", want_text);
    REQUIRE(nested);
    CHECK(nested->model.empty());
    CHECK_FALSE(nested->stream);
    auto twice = read_request_fields(R"({"model":"a","stream":true,"model":"b","stream":false})",
                                     want_text);
    REQUIRE(twice);
    CHECK(twice->model == "b");
    CHECK_FALSE(twice->stream);
    auto overwritten = read_request_fields(R"({"model":"a","model":null})", want_text);
    REQUIRE(overwritten);
    CHECK(overwritten->model.empty());
  }
}

TEST_CASE("request fields: anything but one JSON object is refused", "[proxy][request_fields]") {
  for (const char* body : {"", "[]", "5", "\"model\"", "null", "{", R"({"model":"m"} {})",
                           R"({"model":"m"}x)", R"({"model":"m",})", "{\"model\":\"\xff\"}"}) {
    INFO(body);
    CHECK_FALSE(read_request_fields(body, false));
    CHECK_FALSE(read_request_fields(body, true));
  }
}

TEST_CASE("request fields: the prompt text for cache-aware routing", "[proxy][request_fields]") {
  auto chat = read_request_fields(
      R"({"model":"m","messages":[{"role":"system","content":"You are "},)"
      R"({"role":"user","content":[{"type":"text","text":"terse."},{"type":"image_url"}]}]})",
      true);
  REQUIRE(chat);
  CHECK(chat->model == "m");
  CHECK(chat->text == "You are terse.");
  auto completion = read_request_fields(R"({"prompt":["a","b"],"input":"c"})", true);
  REQUIRE(completion);
  CHECK(completion->text == "abc");
}

TEST_CASE("request fields: max_completion_tokens else max_tokens for the tenant token limits",
          "[proxy][request_fields]") {
  for (bool want_text : {false, true}) {
    INFO("want_text " << want_text);
    CHECK(read_request_fields(R"({"max_tokens":100})", want_text)->max_tokens == 100u);
    CHECK(read_request_fields(R"({"max_completion_tokens":7,"max_tokens":100})", want_text)
              ->max_tokens == 7u);
    CHECK(read_request_fields(R"({"max_tokens":100,"max_completion_tokens":7})", want_text)
              ->max_tokens == 7u);
    CHECK_FALSE(read_request_fields(R"({"max_tokens":-1})", want_text)->max_tokens);
    CHECK_FALSE(read_request_fields(R"({"max_tokens":"100"})", want_text)->max_tokens);
    CHECK_FALSE(read_request_fields(R"({"max_tokens":1.5})", want_text)->max_tokens);
    CHECK_FALSE(read_request_fields(R"({"max_tokens":5,"max_tokens":null})", want_text)->max_tokens);
    CHECK_FALSE(read_request_fields(R"({"o":{"max_tokens":5}})", want_text)->max_tokens);
    CHECK(read_request_fields(R"({"max_tokens":18446744073709551615})", want_text)->max_tokens ==
          UINT64_MAX);
  }
}
