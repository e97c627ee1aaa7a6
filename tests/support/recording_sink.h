// RecordingSink: a StreamSink for tests that keeps what it was sent and can play a client that
// leaves (write() fails after N writes) or disconnects (client_connected() turns false).
// Thread-safety: one thread at a time, like a real sink.
//
//   smg::test::RecordingSink sink;
//   sink.fail_after_writes = 1;               // the second write() fails
//   stream->pump(sink);                       // false; sink.body holds the first chunk
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "server/http/exchange.h"

namespace smg::test {

class RecordingSink : public smg::server::StreamSink {
 public:
  bool write(std::string_view bytes) override {
    if (fail_after_writes >= 0 && writes >= fail_after_writes) {
      return false;
    }
    body.append(bytes);
    ++writes;
    if (on_write) {
      on_write(body);
    }
    return true;
  }
  bool client_connected() const override { return connected ? connected() : true; }

  std::string body;
  int writes = 0;
  int fail_after_writes = -1;                        // -1: never fail
  std::function<void(const std::string&)> on_write;  // called with everything received so far
  std::function<bool()> connected;                   // unset: always connected
};

}  // namespace smg::test
