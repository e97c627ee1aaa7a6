// `smgctl config example`: every key the config file accepts, as a commented YAML document
// printed from the same table the reader checks keys against (server/gateway/serve_config_keys.h).
// `smgctl config validate FILE`: loads a serve config and builds everything `serve` would build
// (credentials hashed, policy loaded, users' hashes checked) without listening or calling out,
// and without leaving anything behind: the stores and the audit file are built in a scratch
// directory, removed afterwards; the configured data directory and audit file are only checked
// to be writable (or creatable).
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "server/gateway/gateway_runtime.h"
#include "server/gateway/serve_config_keys.h"
#include "server/gateway/serve_config_yaml.h"

namespace smg::cli {

namespace {

namespace fs = std::filesystem;

// Whether `path` could be used as a directory (`directory`) or an appendable file: it exists as
// such and is writable, or its nearest existing ancestor is a writable directory.
Status check_writable(const std::string& path, bool directory, const std::string& what) {
  std::error_code error;
  fs::path target = fs::absolute(path, error);
  if (fs::exists(target, error)) {
    if (directory != fs::is_directory(target, error)) {
      return invalid_argument("config_invalid", what + " " + path + " is " +
                                                    (directory ? "not a directory" : "a directory"));
    }
    if (::access(target.c_str(), W_OK) != 0) {
      return invalid_argument("config_invalid", what + " " + path + " is not writable");
    }
    return Status();
  }
  fs::path parent = target.parent_path();
  while (!parent.empty() && !fs::exists(parent, error) && parent != parent.root_path()) {
    parent = parent.parent_path();
  }
  if (!fs::is_directory(parent, error) || ::access(parent.c_str(), W_OK | X_OK) != 0) {
    return invalid_argument("config_invalid", "cannot create " + what + " " + path);
  }
  return Status();
}

// A directory removed, with what is in it, when this goes out of scope.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "smgctl-validate-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

void register_config_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("config", "Work with smg config files");
  group->require_subcommand(1);
  auto* example = group->add_subcommand("example", "Print a commented YAML of every config key");
  example->callback([&context] { *context.out << server::serve_config_example(); });
  auto* validate = group->add_subcommand("validate", "Check a serve config without serving");
  auto path = std::make_shared<std::string>();
  validate->add_option("FILE", *path, "YAML config")->required();
  validate->callback([path, &context] {
    server::ServeConfig config;
    if (Status loaded = server::load_serve_config_file(*path, config); !loaded.ok()) {
      throw UsageError(loaded.message());
    }
    bool stores = config.request_log_enabled || config.admin_auth.sessions.store == "sqlite";
    if (stores) {
      if (Status usable = check_writable(config.data_dir, true, "server.data_dir"); !usable.ok()) {
        throw UsageError(usable.message());
      }
    }
    if (!config.audit_log_file.empty()) {
      if (Status usable =
              check_writable(config.audit_log_file, false, "server.control_plane.audit_log_file");
          !usable.ok()) {
        throw UsageError(usable.message());
      }
    }
    ScratchDir scratch;
    if (scratch.path().empty()) throw UsageError("cannot create a scratch directory to validate in");
    server::ServeConfig trial = config;
    trial.data_dir = scratch.path() + "/data";
    if (!trial.audit_log_file.empty()) trial.audit_log_file = scratch.path() + "/audit.log";
    {
      auto runtime = server::GatewayRuntime::build(trial);
      if (!runtime.ok()) throw UsageError(runtime.status().message());
    }
    *context.out << *path << ": valid (" << config.worker_urls.size() << " workers, "
                 << config.callers.size() << " callers, basic "
                 << (config.admin_auth.basic.enabled ? "on" : "off") << ", oidc "
                 << (config.admin_auth.oidc.enabled ? "on" : "off") << ")\n";
  });
}

}  // namespace smg::cli
