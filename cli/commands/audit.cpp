// smgctl audit tail: control-plane audit events from a gateway's /admin/audit
// (once, or followed over SSE with -f) or from a local audit log file (--file, following
// logrotate's renames and truncation). Human lines by default, JSON lines with -o json.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cli/audit/audit_view.h"
#include "cli/audit/file_follower.h"
#include "cli/audit/remote_audit.h"
#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/output/color.h"
#include "cli/output/printer.h"
#include "cli/output/structured.h"
#include "cli/usage/duration_option.h"
#include "common/clock/clock.h"

namespace smg::cli {
namespace {

constexpr auto kFilePollInterval = std::chrono::milliseconds(200);

struct TailOptions {
  bool follow = false;
  std::optional<std::chrono::milliseconds> since;
  std::string principal;
  std::string outcome;
  std::string file;
};

// ?since= for the gateway: whole seconds, a spelling every gateway version accepts.
std::string since_text(const TailOptions& options) {
  return options.since ? seconds_text(*options.since) : "";
}

// Prints one event in the chosen format and flushes, so a pipe sees it at once.
void print_event(CliContext& context, const nlohmann::json& event) {
  switch (output_format(context)) {
    case OutputFormat::kJson:
      *context.out << json_line(event) << "\n";
      break;
    case OutputFormat::kYaml:
      *context.out << "---\n" << to_yaml(event);
      break;
    case OutputFormat::kTable:
      *context.out << human_line(event, color_enabled(context)) << "\n";
      break;
  }
  context.out->flush();
}

void check(const Status& status) {
  if (!status.ok()) throw CommandError(exit_code_for(status), status.message());
}

void print_lines(CliContext& context, const AuditFilter& filter,
                 const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_discarded() && matches(filter, event)) print_event(context, event);
  }
}

void tail_file(CliContext& context, const TailOptions& options, AuditFilter filter) {
  if (options.since) filter.since_ms = unix_now_ms() - options.since->count();
  FileFollower follower(options.file);
  auto lines = follower.poll();
  check(lines.status());
  if (!options.follow && lines->empty() && ::access(options.file.c_str(), R_OK) != 0) {
    throw CommandError(kExitFailure, "cannot read " + options.file);
  }
  print_lines(context, filter, *lines);
  while (options.follow) {
    std::this_thread::sleep_for(kFilePollInterval);
    lines = follower.poll();
    check(lines.status());
    print_lines(context, filter, *lines);
  }
}

void tail_remote(CliContext& context, const TailOptions& options, const AuditFilter& filter) {
  GatewayClient client(resolve_target(context));
  auto sink = [&](const nlohmann::json& event) {
    if (matches(filter, event)) print_event(context, event);
  };
  if (options.follow) {
    check(follow_audit(client, since_text(options), sink, *context.err));
  } else {
    check(fetch_audit(client, since_text(options), sink));
  }
}

void run_tail(CliContext& context, const TailOptions& options) {
  AuditFilter filter;
  filter.principal = options.principal;
  filter.outcome = options.outcome;
  if (options.file.empty()) {
    tail_remote(context, options, filter);
  } else {
    tail_file(context, options, filter);
  }
}

}  // namespace

void register_audit_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("audit", "Control-plane audit events");
  group->require_subcommand(1);
  auto options = std::make_shared<TailOptions>();
  auto* tail = group->add_subcommand("tail", "Print audit events (from a gateway or --file)");
  tail->add_flag("-f,--follow", options->follow, "Keep printing new events as they happen");
  add_duration_option(*tail, "--since", options->since,
                      "Only events newer than this (90, 90s, 15m, 8h, 7d)");
  tail->add_option("--principal", options->principal, "Only this principal, e.g. api_key:ci");
  tail->add_option("--outcome", options->outcome, "Only this outcome")
      ->check(CLI::IsMember({"success", "denied", "unauthenticated"}));
  tail->add_option("--file", options->file, "Read a local audit log instead of a gateway");
  tail->callback([&context, options] { run_tail(context, *options); });
}

}  // namespace smg::cli
