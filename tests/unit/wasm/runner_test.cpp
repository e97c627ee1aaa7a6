#include "common/wasm/runner.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::wasm;
using smg::Result;
using smg::wasm::testing::load_wat;
using smg::wasm::testing::on_request_wat;

namespace {

View sample_view() {
  View view;
  view.method = "POST";
  view.path = "/v1/chat/completions";
  view.query = "a=1&b=x%20y";
  view.headers = {{"Content-Type", "application/json"}, {"X-Tenant", "t1"}};
  view.body = R"({"model":"m","max_tokens":500})";
  view.request_id = "req-42";
  view.now_ms = 1764660000123;
  view.subject = "jwt:alice@example.com";
  view.role = "user";
  view.domain = "example/prod";
  return view;
}

Limits small_limits() {
  Limits limits;
  limits.max_instructions = 1'000'000;
  return limits;
}

Result<Verdict> run_request(const std::string& wat, const View& view = sample_view(),
                            const Limits& limits = small_limits()) {
  auto module = load_wat(wat, limits);
  return run(*module, EntryPoint::kOnRequest, view, limits);
}

void check_fails(const Result<Verdict>& verdict, const std::string& reason,
                 const std::string& message_part) {
  REQUIRE_FALSE(verdict.ok());
  CHECK(verdict.status().reason() == reason);
  CHECK_THAT(verdict.status().message(), Catch::Contains(message_part));
}

const char* kStrings = R"((data (i32.const 0) "x-a") (data (i32.const 16) "one")
  (data (i32.const 32) "x-b") (data (i32.const 48) "two") (data (i32.const 64) "x-gone")
  (data (i32.const 80) "new body") (data (i32.const 96) "content-type"))";

}  // namespace

TEST_CASE("wasm run: the three actions", "[wasm]") {
  SECTION("continue drops whatever was recorded") {
    auto verdict = run_request(
        on_request_wat("(call $set_header (i32.const 0) (i32.const 3) (i32.const 16) (i32.const 3))"
                       "(i32.const 0)",
                       kStrings));
    REQUIRE(verdict.ok());
    CHECK(verdict->action == Action::kContinue);
    CHECK(verdict->headers_set.empty());
    CHECK(verdict->instructions > 0);
  }
  SECTION("modify carries set, add, remove and the body") {
    auto verdict = run_request(on_request_wat(R"(
        (call $remove_header (i32.const 64) (i32.const 6))
        (call $add_header (i32.const 32) (i32.const 3) (i32.const 48) (i32.const 3))
        (call $set_header (i32.const 0) (i32.const 3) (i32.const 16) (i32.const 3))
        (call $set_body (i32.const 80) (i32.const 8))
        (i32.const 1))",
                                              kStrings));
    REQUIRE(verdict.ok());
    CHECK(verdict->action == Action::kModify);
    REQUIRE(verdict->headers_set.size() == 1);
    CHECK(verdict->headers_set[0].name == "x-a");
    CHECK(verdict->headers_set[0].value == "one");
    REQUIRE(verdict->headers_add.size() == 1);
    CHECK(verdict->headers_add[0].value == "two");
    CHECK(verdict->headers_remove == std::vector<std::string>{"x-gone"});
    CHECK(verdict->body == "new body");
    CHECK_FALSE(verdict->status.has_value());
  }
  SECTION("reject with a status and a body") {
    auto verdict = run_request(on_request_wat(
        "(call $set_status (i32.const 403)) (call $set_body (i32.const 80) (i32.const 8))"
        "(i32.const 2)",
        kStrings));
    REQUIRE(verdict.ok());
    CHECK(verdict->action == Action::kReject);
    CHECK(verdict->status == 403);
    CHECK(verdict->body == "new body");
  }
  SECTION("an unknown action fails the call") {
    check_fails(run_request(on_request_wat("(i32.const 7)")), "wasm_bad_action", "7");
  }
}

TEST_CASE("wasm run: a module reads every field of the view", "[wasm]") {
  // Concatenates fields 0..7 with '|' after each into memory at 1024, then sets that as the body.
  auto verdict = run_request(on_request_wat(R"(
      (local $field i32) (local $at i32)
      (local.set $at (i32.const 1024))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $field) (i32.const 8)))
        (local.set $at (i32.add (local.get $at)
            (call $read (local.get $field) (local.get $at) (i32.const 1000))))
        (i32.store8 (local.get $at) (i32.const 124))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $field (i32.add (local.get $field) (i32.const 1)))
        (br $next)))
      (call $set_body (i32.const 1024) (i32.sub (local.get $at) (i32.const 1024)))
      (i32.const 1))"));
  REQUIRE(verdict.ok());
  CHECK(verdict->body ==
        "POST|/v1/chat/completions|a=1&b=x%20y|{\"model\":\"m\",\"max_tokens\":500}|req-42|"
        "jwt:alice@example.com|user|example/prod|");
}

TEST_CASE("wasm run: headers, time and status", "[wasm]") {
  const std::string imports = R"(
    (import "smg" "header_count" (func $count (result i32)))
    (import "smg" "header_name" (func $name (param i32 i32 i32) (result i32)))
    (import "smg" "now_ms" (func $now (result i64)))
    (import "smg" "status" (func $status (result i32)))
    (data (i32.const 0) "CONTENT-type"))";
  SECTION("header_get is case-insensitive and answers the value's length") {
    auto verdict = run_request(on_request_wat(
        "(call $set_body (i32.const 200) (call $header_get (i32.const 0) (i32.const 12) "
        "(i32.const 200) (i32.const 100))) (i32.const 1)",
        imports));
    REQUIRE(verdict.ok());
    CHECK(verdict->body == "application/json");
  }
  SECTION("an absent header is -1; header_count, header_name past the end is -1") {
    auto verdict = run_request(on_request_wat(R"(
        (if (i32.ne (call $header_get (i32.const 0) (i32.const 3) (i32.const 200) (i32.const 10))
                    (i32.const -1)) (then (return (i32.const 9))))
        (if (i32.ne (call $count) (i32.const 2)) (then (return (i32.const 9))))
        (if (i32.ne (call $name (i32.const 2) (i32.const 200) (i32.const 10)) (i32.const -1))
            (then (return (i32.const 9))))
        (call $set_body (i32.const 200) (call $name (i32.const 1) (i32.const 200) (i32.const 100)))
        (i32.const 1))",
                                              imports));
    REQUIRE(verdict.ok());
    CHECK(verdict->body == "X-Tenant");
  }
  SECTION("now_ms and status come from the view") {
    View view = sample_view();
    view.status = 500;
    auto verdict = run_request(on_request_wat(R"(
        (if (i64.ne (call $now) (i64.const 1764660000123)) (then (return (i32.const 9))))
        (if (i32.ne (call $status) (i32.const 500)) (then (return (i32.const 9))))
        (i32.const 0))",
                                              imports),
                               view);
    REQUIRE(verdict.ok());
    CHECK(verdict->action == Action::kContinue);
  }
  SECTION("a read copies at most cap bytes and still answers the full length") {
    auto verdict = run_request(on_request_wat(
        "(drop (call $read (i32.const 1) (i32.const 300) (i32.const 4)))"
        "(call $set_body (i32.const 300) (i32.const 8))"
        "(if (i32.ne (call $read (i32.const 1) (i32.const 0) (i32.const 0)) (i32.const 20))"
        "  (then (return (i32.const 9))))"
        "(i32.const 1)"));
    REQUIRE(verdict.ok());
    CHECK(verdict->body == std::string("/v1/\0\0\0\0", 8));
  }
}

TEST_CASE("wasm run: budgets stop a module", "[wasm][attack]") {
  SECTION("an infinite loop runs out of instructions") {
    auto verdict = run_request(on_request_wat("(loop $l (br $l)) (i32.const 0)"));
    check_fails(verdict, "wasm_budget_exceeded", "1000000 instructions");
  }
  SECTION("the budget counts every instruction, so a finite loop under it completes") {
    Limits limits = small_limits();
    auto verdict = run_request(on_request_wat(R"(
        (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get $i) (i32.const 10000))))
        (i32.const 0))"),
                               sample_view(), limits);
    REQUIRE(verdict.ok());
    // 9 interpreter instructions per iteration (br_if is two), counted in slices of 100.
    CHECK(verdict->instructions >= 90'000);
    CHECK(verdict->instructions <= 90'200);
  }
  SECTION("unbounded recursion runs out of stack") {
    auto verdict =
        run_request(on_request_wat("(call $down) (i32.const 0)", "(func $down (call $down))"));
    check_fails(verdict, "wasm_stack_exhausted", "stack");
  }
  SECTION("recursion through call_indirect is stopped too (wabt 1.0.32's unchecked path)") {
    Limits limits = small_limits();
    limits.max_stack_bytes = 64 * 1024;
    auto verdict = run_request(on_request_wat("(call_indirect (type $t) (i32.const 0))",
                                              R"((type $t (func (result i32)))
        (table 1 funcref) (elem (i32.const 0) $again)
        (func $again (result i32) (call_indirect (type $t) (i32.const 0))))"),
                               sample_view(), limits);
    check_fails(verdict, "wasm_stack_exhausted", "65536 bytes");
  }
  SECTION("memory.grow past max_memory_pages fails with -1 and memory stays at the cap") {
    Limits limits = small_limits();
    limits.max_memory_pages = 4;
    auto verdict = run_request(on_request_wat(R"(
        (if (i32.ne (memory.grow (i32.const 3)) (i32.const 1)) (then (return (i32.const 9))))
        (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then (return (i32.const 9))))
        (if (i32.ne (memory.size) (i32.const 4)) (then (return (i32.const 9))))
        (i32.const 0))"),
                               sample_view(), limits);
    INFO(verdict.status().message());
    REQUIRE(verdict.ok());
  }
  SECTION("an out-of-bounds access traps") {
    check_fails(run_request(on_request_wat("(i32.load (i32.const 70000))")), "wasm_trap",
                "out of bounds");
  }
  SECTION("a body over max_body_bytes cannot be set") {
    Limits limits = small_limits();
    limits.max_body_bytes = 10;
    check_fails(run_request(on_request_wat("(call $set_body (i32.const 0) (i32.const 11)) "
                                           "(i32.const 1)"),
                            sample_view(), limits),
                "wasm_trap", "smg.set_body: length over the limit");
  }
}

TEST_CASE("wasm run: host functions trap on bad arguments", "[wasm][attack]") {
  SECTION("a buffer outside memory") {
    check_fails(run_request(on_request_wat(
                    "(drop (call $read (i32.const 3) (i32.const 65530) (i32.const 100))) "
                    "(i32.const 0)")),
                "wasm_trap", "smg.read: buffer outside memory");
  }
  SECTION("a length that wraps around") {
    check_fails(run_request(on_request_wat(
                    "(call $set_header (i32.const 16) (i32.const -1) (i32.const 0) (i32.const 1))"
                    "(i32.const 1)")),
                "wasm_trap", "smg.set_header");
  }
  SECTION("an unknown field") {
    check_fails(
        run_request(on_request_wat(
            "(drop (call $read (i32.const 99) (i32.const 0) (i32.const 0))) (i32.const 0)")),
        "wasm_trap", "smg.read: unknown field");
  }
  SECTION("a status outside 100-599") {
    check_fails(run_request(on_request_wat("(call $set_status (i32.const 42)) (i32.const 2)")),
                "wasm_trap", "100-599");
  }
  SECTION("too many header edits") {
    check_fails(run_request(on_request_wat(R"((local $i i32)
        (loop $l (call $remove_header (i32.const 0) (i32.const 3))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
        (i32.const 1))")),
                "wasm_trap", "too many header edits");
  }
}

TEST_CASE("wasm run: no state survives between calls", "[wasm]") {
  // Fails (action 9) unless its global and its memory are at their initial values.
  auto module = load_wat(on_request_wat(R"(
      (if (i32.ne (global.get $calls) (i32.const 0)) (then (return (i32.const 9))))
      (if (i32.ne (i32.load (i32.const 512)) (i32.const 0)) (then (return (i32.const 9))))
      (global.set $calls (i32.const 1))
      (i32.store (i32.const 512) (i32.const 77))
      (i32.const 0))",
                                        "(global $calls (mut i32) (i32.const 0))"),
                         small_limits());
  View view = sample_view();
  for (int call = 0; call < 3; ++call) {
    auto verdict = run(*module, EntryPoint::kOnRequest, view, small_limits());
    INFO(verdict.status().message());
    REQUIRE(verdict.ok());
  }
}

TEST_CASE("wasm run: one module on many threads at once", "[wasm]") {
  auto module = load_wat(
      on_request_wat("(call $set_body (i32.const 1024) (call $read (i32.const 4) (i32.const 1024) "
                     "(i32.const 100))) (i32.const 1)"),
      small_limits());
  std::vector<std::thread> threads;
  std::vector<int> correct(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      View view = sample_view();
      view.request_id = "req-" + std::to_string(t);
      for (int i = 0; i < 50; ++i) {
        auto verdict = run(*module, EntryPoint::kOnRequest, view, small_limits());
        if (verdict.ok() && verdict->body == view.request_id) ++correct[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) CHECK(correct[t] == 50);
}

TEST_CASE("wasm run: an entry point the module lacks", "[wasm]") {
  auto module = load_wat(on_request_wat("(i32.const 0)"));
  auto verdict = run(*module, EntryPoint::kOnResponse, View{}, {});
  check_fails(verdict, "wasm_no_entry", "smg_on_response");
}

TEST_CASE("wasm run: a module with no memory pages can still ask for lengths", "[wasm]") {
  auto module = load_wat(R"((module
    (import "smg" "read" (func $read (param i32 i32 i32) (result i32)))
    (memory (export "memory") 0)
    (func (export "smg_on_request") (result i32)
      (if (i32.ne (call $read (i32.const 3) (i32.const 0) (i32.const 0)) (i32.const 30))
          (then (return (i32.const 9))))
      (drop (call $read (i32.const 3) (i32.const 0) (i32.const 1)))
      (i32.const 0))))");
  auto verdict = run(*module, EntryPoint::kOnRequest, sample_view(), small_limits());
  check_fails(verdict, "wasm_trap", "smg.read: buffer outside memory");  // the second read
}
