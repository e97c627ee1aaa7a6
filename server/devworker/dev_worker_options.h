// Configuration of the built-in OpenAI-compatible test worker (see dev_worker.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace smg::devworker {

struct DevWorkerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port; DevWorker::port() tells which
  std::vector<std::string> models = {"smg-dev-echo"};  // ids served; others get 404
  // When set, every route but /health and /dev/stats needs `Authorization: Bearer <api_key>`.
  std::optional<std::string> api_key;
  int stream_chunk_delay_ms = 20;  // between streamed events, unless x-dev-delay-ms says else
  std::size_t max_threads = 512;   // serving threads, streams and delayed answers included
  int listen_backlog = 4096;       // pending connections the kernel queues before accept()
};

}  // namespace smg::devworker
