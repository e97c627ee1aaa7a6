#include "cli/state/dev_keys.h"

#include <sstream>

#include "cli/contexts/private_file.h"
#include "common/apikey/generate.h"

namespace smg::cli {
namespace {

// "admin KEY\nuser KEY\n": both present and non-empty, or nothing.
bool parse(const std::string& text, DevKeys& keys) {
  std::istringstream lines(text);
  std::string role, key;
  while (lines >> role >> key) {
    if (role == "admin") keys.admin_key = key;
    if (role == "user") keys.user_key = key;
  }
  return !keys.admin_key.empty() && !keys.user_key.empty() && keys.admin_key != keys.user_key;
}

}  // namespace

Result<DevKeys> load_dev_keys(const std::string& dir, bool rotate) {
  if (Status made = ensure_private_dir(dir); !made.ok()) return made;
  const std::string path = dir + "/keys";
  DevKeys keys;
  if (!rotate) {
    auto text = read_private_file(path);
    if (text.ok() && parse(*text, keys)) return keys;
    // A key file others can read is refused (with its chmod), never silently replaced.
    if (!text.ok() && text.status().code() == Code::kFailedPrecondition) return text.status();
  }
  keys = {apikey::generate_api_key().reveal(), apikey::generate_api_key().reveal()};
  if (Status written =
          write_private_file(path, "admin " + keys.admin_key + "\nuser " + keys.user_key + "\n");
      !written.ok()) {
    return written;
  }
  return keys;
}

}  // namespace smg::cli
