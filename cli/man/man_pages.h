// smgctl's man pages, generated from the CLI11 tree (hidden `smgctl __gen-man DIR`, run by
// scripts/gen-docs): smgctl(1) with the global options, every command group, exit status,
// environment and files; and smgctl-<group>(1) per top-level command with its subcommands and
// options. A test diffs the committed man/ against this output, so the pages never drift.
//
//   for (const ManPage& page : render_man_pages(*make_app(context))) { ... page.file_name ... }
//   Status status = write_man_pages(*app, "man");
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "common/status.h"

namespace smg::cli::man {

struct ManPage {
  std::string file_name;  // "smgctl.1", "smgctl-workers.1"
  std::string content;    // roff source
};

// smgctl.1 first, then one page per visible top-level command in definition order.
std::vector<ManPage> render_man_pages(const CLI::App& root);

// Writes every page into `dir` (which must exist); fails with reason "man_write_failed".
Status write_man_pages(const CLI::App& root, const std::string& dir);

}  // namespace smg::cli::man
