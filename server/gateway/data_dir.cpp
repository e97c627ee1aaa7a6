#include "server/gateway/data_dir.h"

#include <sys/stat.h>

#include <filesystem>

namespace smg::server {

Status make_data_dir(const std::string& dir, const std::string& field) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalid_argument("config_invalid", field + ": cannot create --data-dir " + dir);
  if (::chmod(dir.c_str(), 0700) != 0) {
    return invalid_argument("config_invalid",
                            field + ": cannot restrict --data-dir " + dir + " to 0700");
  }
  return Status::ok_status();
}

}  // namespace smg::server
