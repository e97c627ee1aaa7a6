#include "cli/remote/wait_ready.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include "cli/output/table.h"
#include "common/http/form.h"

namespace smg::cli {
namespace {

// Polls start at 200 ms and double up to 2 s: a worker that becomes ready at once is seen at
// once, and a slow one costs the gateway (and its audit log) a request every 2 s, not 5 a second.
constexpr auto kFirstPoll = std::chrono::milliseconds(200);
constexpr auto kLongestPoll = std::chrono::milliseconds(2000);

bool progress_wanted(const CliContext& context) {
  return context.err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
}

std::string status_of(const nlohmann::json& worker) {
  auto it = worker.find("status");
  return it != worker.end() && it->is_string() ? it->get<std::string>() : "unknown";
}

}  // namespace

Result<nlohmann::json> wait_until_ready(const GatewayClient& client, const std::string& worker_id,
                                        std::chrono::milliseconds timeout, CliContext& context) {
  const bool progress = progress_wanted(context);
  const auto start = std::chrono::steady_clock::now();
  std::string status = "unknown";
  std::string last_error;
  auto interval = kFirstPoll;
  for (;;) {
    auto worker = client.call("GET", "/workers/" + http::percent_encode(worker_id));
    if (!worker.ok()) return worker.status();
    status = status_of(*worker);
    auto error = worker->find("last_error");
    // The gateway's words, kept to one short line: they end up on the user's terminal.
    last_error = error != worker->end() && error->is_string()
                     ? one_line(error->get<std::string>()).substr(0, 300)
                     : "";
    auto waited =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    if (progress) {
      *context.err << "\rwaiting for worker " << worker_id << ": " << status << " ("
                   << waited.count() << "s)   " << std::flush;
    }
    if (status == "ready") {
      if (progress) *context.err << "\n";
      return worker;
    }
    std::chrono::steady_clock::duration left = timeout - (std::chrono::steady_clock::now() - start);
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    // At full precision: a remainder rounded down to 0 ms would poll in a busy loop.
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(interval, left));
    interval = std::min(interval * 2, kLongestPoll);
  }
  if (progress) *context.err << "\n";
  // Why, when the gateway knows: "worker W is still pending after 60s: last health check:
  // connection refused".
  std::string waited =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + "s";
  std::string message =
      status == "pending"
          ? "worker " + worker_id + " is still pending after " + waited
          : "worker " + worker_id + " is not ready after " + waited + " (status " + status + ")";
  if (!last_error.empty()) message += ": last health check: " + last_error;
  return Status(Code::kDeadlineExceeded, "worker_not_ready", message);
}

}  // namespace smg::cli
