// The Kubernetes WATCH stream reader (WatchLineBuffer + parse_watch_event) and the PodList
// parser: never crash on any bytes from the API, the lines found do not depend on where the
// transport cut the stream into chunks, and what parses keeps its promises (a BOOKMARK has a
// version; an ERROR's code is in range). The first input byte picks the cut points.
// The discovery sources are compiled in here: fuzz targets link only smg_common.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/discovery/pod.cpp"          // NOLINT(bugprone-suspicious-include)
#include "server/discovery/watch_event.cpp"  // NOLINT(bugprone-suspicious-include)

namespace {

using smg::discovery::WatchEventType;

std::vector<std::string> lines_of(std::string_view stream, std::size_t first_step, bool& ok) {
  smg::discovery::WatchLineBuffer buffer(4096);
  std::vector<std::string> lines;
  ok = true;
  auto keep = [&](std::string_view line) { lines.emplace_back(line); };
  if (first_step == 0) {
    ok = buffer.feed(stream, keep).ok();
    return lines;
  }
  for (std::size_t at = 0, n = first_step; at < stream.size() && ok;
       at += n, n = n % 13 + first_step) {
    ok = buffer.feed(stream.substr(at, n), keep).ok();
  }
  return lines;
}

void check_event(std::string_view line) {
  auto event = smg::discovery::parse_watch_event(line);
  if (!event.ok()) {
    if (event.status().reason() != "kube_bad_event") std::abort();
    return;
  }
  if (event->type == WatchEventType::kBookmark && event->resource_version.empty()) std::abort();
  if (event->error_code < 0 || event->error_code >= 1000) std::abort();
  if (event->expired() != (event->type == WatchEventType::kError && event->error_code == 410)) {
    std::abort();
  }
  (void)event->pod.key();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t step = data[0] % 7 + 1;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool whole_ok = false, chunked_ok = false;
  auto whole = lines_of(stream, 0, whole_ok);
  auto chunked = lines_of(stream, step, chunked_ok);
  // A stream cut short by an over-long line yields a prefix of the lines either way.
  if (whole_ok && chunked_ok && whole != chunked) std::abort();
  if (whole_ok != chunked_ok) std::abort();
  for (const auto& line : whole) check_event(line);
  auto list = smg::discovery::parse_pod_list(stream);
  if (!list.ok() && list.status().reason() != "kube_bad_list") std::abort();
  return 0;
}
