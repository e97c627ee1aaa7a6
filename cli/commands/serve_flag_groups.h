// `smgctl serve --help` in sections: each serve flag's group (listener, workers, routing, auth,
// JWT, TLS, retries, circuit breaker, health, admission, logging, discovery, state) and the
// description of the flags registered without one, in one table. A flag missing from the table
// fails the unit test that walks the command, so a new flag is never left unsorted.
//
//   add_core_flags(*cmd, flags); ...; group_serve_flags(*cmd);
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace smg::cli {

// Sets every option's group (and a description where it had none).
void group_serve_flags(CLI::App& serve);

// The group of a serve flag ("--port" → "Listener"), or nullopt when the table lacks it.
std::optional<std::string> serve_flag_group(const std::string& flag);

}  // namespace smg::cli
