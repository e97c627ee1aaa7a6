// SseDecoder: turns a text/event-stream body, fed in arbitrary chunks, into events (the WHATWG
// "server-sent events" interpretation: `id:`, `event:`, `data:` fields, `:` comments such as the
// gateway's keepalives, a blank line dispatches). Lines end in "\n" or "\r\n". A line longer than
// 1 MiB is dropped rather than buffered without bound.
// Thread-safety: one thread per decoder.
//
//   SseDecoder decoder;
//   for (const SseEvent& event : decoder.feed(chunk)) handle(event.data);
//   resume_from = decoder.last_event_id();
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smg::cli {

struct SseEvent {
  std::string id;     // the last event id in force when the event was dispatched
  std::string event;  // "message" unless the server named a type
  std::string data;   // data lines joined with "\n"
};

class SseDecoder {
 public:
  std::vector<SseEvent> feed(std::string_view chunk);
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void line(std::string_view text, std::vector<SseEvent>& events);

  std::string buffer_;
  std::string data_;
  std::string event_type_;
  bool has_data_ = false;
  bool skipping_long_line_ = false;
  std::string last_event_id_;
};

}  // namespace smg::cli
