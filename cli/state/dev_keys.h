// The keys of `smgctl serve --dev`, kept across restarts so a context saved with them keeps
// working: one admin and one user key in <state>/dev/keys (0600 in a 0700 folder), created on
// the first run and replaced only when asked (--dev-new-keys).
//
//   auto keys = load_dev_keys(*smgctl_state_dir() + "/dev", /*rotate=*/false);
#pragma once

#include <string>

#include "common/status.h"

namespace smg::cli {

struct DevKeys {
  std::string admin_key;
  std::string user_key;
};

// The keys stored in `dir`/keys, or new ones written there (with `rotate`, or when the file is
// missing or unreadable as keys). Fails when the folder or file cannot be made private.
Result<DevKeys> load_dev_keys(const std::string& dir, bool rotate);

}  // namespace smg::cli
