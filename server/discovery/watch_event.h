// WatchEvent: one line of a Kubernetes WATCH stream, and WatchLineBuffer, which cuts the chunked
// stream into those lines.
//
// The API server answers `?watch=true` with a chunked body of newline-separated JSON objects
// `{"type": "ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR", "object": {...}}`. A BOOKMARK carries
// only `object.metadata.resourceVersion`; an ERROR carries a `Status` (`code` 410 with reason
// "Expired" or "Gone" means the version is too old and the client must LIST again).
// Chunk boundaries fall anywhere, so lines are reassembled before parsing.
// Thread-safety: parse_watch_event is pure; a WatchLineBuffer belongs to one stream.
//
//   WatchLineBuffer buffer;
//   Status fed = buffer.feed(chunk, [&](std::string_view line) {
//     auto event = parse_watch_event(line);
//     if (event.ok() && event->type == WatchEventType::kAdded) store(event->pod);
//   });
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "server/discovery/pod.h"

namespace smg::discovery {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

const char* watch_event_type_name(WatchEventType type);  // "ADDED", ..., "ERROR"

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  Pod pod;                       // ADDED, MODIFIED, DELETED
  std::string resource_version;  // every type but ERROR: where the watch stands after this event
  int error_code = 0;            // ERROR: Status.code (410: re-LIST)
  std::string error_reason;      // ERROR: Status.reason ("Expired", "Gone", ...)
  std::string error_message;     // ERROR: Status.message

  bool expired() const { return type == WatchEventType::kError && error_code == 410; }
};

// Fails with reason "kube_bad_event" for a line that is not one of the five event shapes.
Result<WatchEvent> parse_watch_event(std::string_view line);

class WatchLineBuffer {
 public:
  // A line longer than `max_line_bytes` fails the stream (a real Pod is a few KiB; the API
  // server's own limit on an object is about 1.5 MiB).
  explicit WatchLineBuffer(std::size_t max_line_bytes = std::size_t{8} << 20)
      : max_line_bytes_(max_line_bytes) {}

  // Calls `on_line` for every complete line in what has arrived so far (without the "\n" or a
  // trailing "\r"; blank lines skipped) and keeps the rest for the next chunk. Fails with reason
  // "kube_line_too_long"; the buffer is then empty.
  Status feed(std::string_view chunk, const std::function<void(std::string_view)>& on_line);
  // Bytes of an incomplete line waiting for the next chunk.
  std::size_t pending_bytes() const { return pending_.size(); }

 private:
  const std::size_t max_line_bytes_;
  std::string pending_;
};

}  // namespace smg::discovery
