#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "common/version/version.h"

namespace smg::cli {

void register_version_command(CLI::App& app, CliContext& context) {
  auto* cmd = app.add_subcommand("version", "Print smgctl's version and the libraries in use");
  cmd->callback([&context] {
    if (context.json_output()) {
      nlohmann::json doc = {{"version", version::smg_version()},
                            {"git_revision", version::git_revision()},
                            {"openssl", version::openssl_version()},
                            {"curl", version::curl_version()}};
      *context.out << doc.dump(2) << "\n";
      return;
    }
    *context.out << "smgctl " << version::smg_version() << " (git " << version::git_revision()
                 << ")\n"
                 << "OpenSSL: " << version::openssl_version() << "\n"
                 << "libcurl: " << version::curl_version() << "\n";
  });
}

}  // namespace smg::cli
