// ContextStore: smgctl's contexts and their credentials in $XDG_CONFIG_HOME/smgctl/.
//
//   config.yaml       contexts (name, server, cacert, insecure) and current-context; no secrets
//   credentials.yaml  per context: an API key (`token`) or OIDC tokens (`oidc`)
// Both are 0600 in a 0700 folder, replaced atomically, and every change is read-modify-write under
// an flock on `.lock`, so concurrent smgctl processes never lose an update. A file that group or
// others can read is refused with a message naming it and `chmod 600` (see private_file.h).
// Thread-safety: one thread per store object; separate processes are safe.
//
//   auto store = ContextStore::open(ContextStore::default_dir());
//   if (!store.ok()) fail(store.status().message());
//   store->set_context({.name = "prod", .server = "https://gw.example", .cacert = "", .insecure =
//   false}); store->save_credential("prod", Credential::api_key(crypto::Secret(key)));
//   store->use("prod");
//   auto credential = store->credential(store->current_name());
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/contexts/context.h"
#include "cli/contexts/context_yaml.h"
#include "common/status.h"

namespace smg::cli {

class ContextStore {
 public:
  // $XDG_CONFIG_HOME/smgctl when set (and absolute), else $HOME/.config/smgctl.
  static std::string default_dir();

  // Reads config.yaml from `dir`; a missing folder or file means no contexts yet. Creates nothing.
  // Fails on an unreadable, group/world-readable or malformed config.yaml.
  static Result<ContextStore> open(std::string dir);

  const std::string& dir() const { return dir_; }
  std::string config_path() const { return dir_ + "/config.yaml"; }
  std::string credentials_path() const { return dir_ + "/credentials.yaml"; }

  const std::vector<Context>& contexts() const { return config_.contexts; }
  std::optional<Context> find(const std::string& name) const;
  // Empty when no context is current.
  const std::string& current_name() const { return config_.current_context; }
  std::optional<Context> current() const { return find(config_.current_context); }

  // Adds or replaces `context` by name (its credential is kept). The first context added becomes
  // the current one. InvalidArgument for a bad name or an empty server.
  Status set_context(const Context& context);
  // NotFound (reason "context_not_found") for an unknown name.
  Status use(const std::string& name);
  // Removes the context and its credential; clears current-context when it was current.
  Status remove(const std::string& name);

  // The stored credential, or an empty one. Fails when credentials.yaml is unsafe or malformed.
  Result<Credential> credential(const std::string& name) const;
  Status save_credential(const std::string& name, const Credential& credential);
  Status forget_credential(const std::string& name);
  // Read-modify-write of one credential under the lock, e.g. an OIDC refresh that must not race
  // another process's refresh: `change` sees the freshest stored value (possibly empty).
  Status update_credential(const std::string& name,
                           const std::function<Status(Credential&)>& change);

 private:
  ContextStore(std::string dir, ContextConfig config)
      : dir_(std::move(dir)), config_(std::move(config)) {}
  Status modify_config(const std::function<Status(ContextConfig&)>& change);
  Status modify_credentials(const std::function<Status(CredentialMap&)>& change);

  std::string dir_;
  ContextConfig config_;
};

}  // namespace smg::cli
