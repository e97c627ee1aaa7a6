#include "server/http/accept_backoff.h"

#include <boost/asio/error.hpp>
#include <boost/system/system_category.hpp>
#include <catch2/catch.hpp>
#include <cerrno>

using namespace std::chrono_literals;
using smg::server::AcceptBackoff;
using smg::server::AcceptErrorReason;
using smg::server::classify_accept_error;

namespace {

boost::system::error_code errno_code(int value) {
  return {value, boost::system::system_category()};
}

}  // namespace

TEST_CASE("accept backoff: accept errors are told apart by errno", "[http][accept]") {
  CHECK(classify_accept_error(errno_code(EMFILE)) == AcceptErrorReason::kEmfile);
  CHECK(classify_accept_error(boost::asio::error::no_descriptors) == AcceptErrorReason::kEmfile);
  CHECK(classify_accept_error(errno_code(ENFILE)) == AcceptErrorReason::kEnfile);
  CHECK(classify_accept_error(errno_code(ENOBUFS)) == AcceptErrorReason::kNoMemory);
  CHECK(classify_accept_error(errno_code(ENOMEM)) == AcceptErrorReason::kNoMemory);
  CHECK(classify_accept_error(errno_code(ECONNABORTED)) == AcceptErrorReason::kConnection);
  CHECK(classify_accept_error(errno_code(EPROTO)) == AcceptErrorReason::kConnection);
  CHECK(classify_accept_error(errno_code(EBADF)) == AcceptErrorReason::kOther);
  CHECK(classify_accept_error(boost::asio::error::eof) == AcceptErrorReason::kOther);
  CHECK(smg::server::accept_error_label(AcceptErrorReason::kEmfile) == "emfile");
  CHECK(smg::server::accept_error_label(AcceptErrorReason::kEnfile) == "enfile");
  CHECK(smg::server::accept_error_label(AcceptErrorReason::kNoMemory) == "enomem");
  CHECK(smg::server::accept_error_label(AcceptErrorReason::kConnection) == "connection");
  CHECK(smg::server::accept_error_label(AcceptErrorReason::kOther) == "other");
}

TEST_CASE("accept backoff: pauses double from 10 ms to 1 s and a success resets them",
          "[http][accept]") {
  AcceptBackoff backoff;
  CHECK_FALSE(backoff.paused());
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 10ms);
  CHECK(backoff.paused());
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 20ms);
  CHECK(backoff.after_failure(AcceptErrorReason::kEnfile) == 40ms);
  CHECK(backoff.after_failure(AcceptErrorReason::kNoMemory) == 80ms);
  for (int i = 0; i < 20; ++i) {
    CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) <= 1000ms);
  }
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 1000ms);
  CHECK(backoff.failures() == 25);
  CHECK(backoff.after_success() == 25);
  CHECK_FALSE(backoff.paused());
  CHECK(backoff.failures() == 0);
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 10ms);
  SECTION("an unknown error pauses too: a persistent one must not spin") {
    CHECK(backoff.after_failure(AcceptErrorReason::kOther) == 20ms);
  }
}

TEST_CASE("accept backoff: an error of one connection is retried at once", "[http][accept]") {
  AcceptBackoff backoff;
  CHECK(backoff.after_failure(AcceptErrorReason::kConnection) == 0ms);
  CHECK_FALSE(backoff.paused());
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 10ms);
  CHECK(backoff.after_failure(AcceptErrorReason::kConnection) == 0ms);
  CHECK(backoff.after_failure(AcceptErrorReason::kEmfile) == 20ms);
  CHECK(backoff.after_success() == 4);
}
