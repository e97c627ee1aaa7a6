#include "cli/contexts/context_store.h"

#include <algorithm>
#include <cstdlib>

#include "cli/contexts/private_file.h"

namespace smg::cli {
namespace {

Result<ContextConfig> load_config(const std::string& path) {
  auto text = read_private_file(path);
  if (!text.ok()) {
    if (text.status().reason() == "file_missing") return ContextConfig{};
    return text.status();
  }
  return parse_context_config(*text, path);
}

Result<CredentialMap> load_credentials(const std::string& path) {
  auto text = read_private_file(path);
  if (!text.ok()) {
    if (text.status().reason() == "file_missing") return CredentialMap{};
    return text.status();
  }
  return parse_credentials(*text, path);
}

Status context_not_found(const std::string& name) {
  // A name the user typed that names nothing is a usage error (exit 2), like --context NAME.
  return invalid_argument("context_not_found",
                          "no context named \"" + name + "\" (see `smgctl context list`)");
}

auto by_name(const std::string& name) {
  return [&name](const Context& context) { return context.name == name; };
}

}  // namespace

std::string ContextStore::default_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/smgctl";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config/smgctl";
}

Result<ContextStore> ContextStore::open(std::string dir) {
  auto config = load_config(dir + "/config.yaml");
  if (!config.ok()) return config.status();
  return ContextStore(std::move(dir), std::move(*config));
}

std::optional<Context> ContextStore::find(const std::string& name) const {
  auto it = std::find_if(config_.contexts.begin(), config_.contexts.end(), by_name(name));
  if (name.empty() || it == config_.contexts.end()) return std::nullopt;
  return *it;
}

Status ContextStore::modify_config(const std::function<Status(ContextConfig&)>& change) {
  if (Status dir = ensure_private_dir(dir_); !dir.ok()) return dir;
  auto lock = FileLock::acquire(dir_ + "/.lock");
  if (!lock.ok()) return lock.status();
  // Re-read under the lock: another process may have changed the file since open().
  auto config = load_config(config_path());
  if (!config.ok()) return config.status();
  if (Status changed = change(*config); !changed.ok()) return changed;
  if (Status written = write_private_file(config_path(), encode_context_config(*config));
      !written.ok()) {
    return written;
  }
  config_ = std::move(*config);
  return {};
}

Status ContextStore::modify_credentials(const std::function<Status(CredentialMap&)>& change) {
  if (Status dir = ensure_private_dir(dir_); !dir.ok()) return dir;
  auto lock = FileLock::acquire(dir_ + "/.lock");
  if (!lock.ok()) return lock.status();
  auto credentials = load_credentials(credentials_path());
  if (!credentials.ok()) return credentials.status();
  if (Status changed = change(*credentials); !changed.ok()) return changed;
  return write_private_file(credentials_path(), encode_credentials(*credentials));
}

Status ContextStore::set_context(const Context& context) {
  if (!valid_context_name(context.name)) {
    return invalid_argument(
        "bad_context_name",
        "a context name is 1-64 of A-Z a-z 0-9 . _ - (not starting with . or -)");
  }
  if (context.server.empty()) return invalid_argument("missing_server", "a context needs --server");
  return modify_config([&context](ContextConfig& config) {
    auto it = std::find_if(config.contexts.begin(), config.contexts.end(), by_name(context.name));
    if (it == config.contexts.end()) {
      config.contexts.push_back(context);
    } else {
      *it = context;
    }
    if (config.current_context.empty()) config.current_context = context.name;
    return Status();
  });
}

Status ContextStore::use(const std::string& name) {
  return modify_config([&name](ContextConfig& config) {
    if (std::none_of(config.contexts.begin(), config.contexts.end(), by_name(name))) {
      return context_not_found(name);
    }
    config.current_context = name;
    return Status();
  });
}

Status ContextStore::remove(const std::string& name) {
  Status removed = modify_config([&name](ContextConfig& config) {
    auto it = std::find_if(config.contexts.begin(), config.contexts.end(), by_name(name));
    if (it == config.contexts.end()) return context_not_found(name);
    config.contexts.erase(it);
    if (config.current_context == name) config.current_context.clear();
    return Status();
  });
  if (!removed.ok()) return removed;
  return forget_credential(name);
}

Result<Credential> ContextStore::credential(const std::string& name) const {
  auto credentials = load_credentials(credentials_path());
  if (!credentials.ok()) return credentials.status();
  auto it = credentials->find(name);
  return it == credentials->end() ? Credential{} : it->second;
}

Status ContextStore::save_credential(const std::string& name, const Credential& credential) {
  return update_credential(name, [&credential](Credential& stored) {
    stored = credential;
    return Status();
  });
}

Status ContextStore::forget_credential(const std::string& name) {
  return modify_credentials([&name](CredentialMap& credentials) {
    credentials.erase(name);
    return Status();
  });
}

Status ContextStore::update_credential(const std::string& name,
                                       const std::function<Status(Credential&)>& change) {
  return modify_credentials([&](CredentialMap& credentials) {
    Credential& stored = credentials[name];
    if (Status changed = change(stored); !changed.ok()) return changed;
    if (stored.empty()) credentials.erase(name);
    return Status();
  });
}

}  // namespace smg::cli
